import { iso, isoOrNull } from './db.js';
import type { BoardView, CommentView, MessageView, NotificationView, RoomView, TaskView, UserView } from './views.js';

// Rows (snake_case columns, dialect-specific timestamps) → views. Each query selects the columns its
// presenter reads, under these names.

type Row = Record<string, unknown>;

export function userView(row: Row): UserView {
  return {
    id: row.id as number,
    username: row.username as string,
    display_name: row.display_name as string,
    created_at: iso(row.created_at),
  };
}

export function boardView(row: Row): BoardView {
  return {
    id: row.id as number,
    name: row.name as string,
    owner: { id: row.owner_id as number, username: row.owner_username as string },
    created_at: iso(row.created_at),
  };
}

export function taskView(row: Row): TaskView {
  return {
    id: row.id as number,
    board_id: row.board_id as number,
    title: row.title as string,
    assignee:
      row.assignee_id === null || row.assignee_id === undefined
        ? null
        : { id: row.assignee_id as number, username: row.assignee_username as string },
    creator: { id: row.creator_id as number, username: row.creator_username as string },
    created_at: iso(row.created_at),
  };
}

export function roomView(row: Row): RoomView {
  return {
    id: row.id as number,
    board_id: row.board_id as number,
    name: row.name as string,
    description: (row.description as string | null) ?? '',
    created_by: { id: row.created_by_id as number, username: row.created_by_username as string },
    created_at: iso(row.created_at),
  };
}

export function messageView(row: Row, mentions: string[]): MessageView {
  return {
    id: row.id as number,
    room_id: row.room_id as number,
    author: { id: row.author_id as number, username: row.author_username as string },
    content: row.content as string,
    mentions,
    client_id: (row.client_id as string | null) ?? null,
    created_at: iso(row.created_at),
    edited_at: isoOrNull(row.edited_at),
    deleted: row.deleted_at !== null && row.deleted_at !== undefined,
  };
}

export function commentView(row: Row, mentions: string[]): CommentView {
  return {
    id: row.id as number,
    task_id: row.task_id as number,
    author: { id: row.author_id as number, username: row.author_username as string },
    content: row.content as string,
    mentions,
    client_id: (row.client_id as string | null) ?? null,
    created_at: iso(row.created_at),
    edited_at: isoOrNull(row.edited_at),
    deleted: row.deleted_at !== null && row.deleted_at !== undefined,
  };
}

export function notificationView(row: Row): NotificationView {
  return {
    id: row.id as number,
    type: row.type as string,
    text: row.text as string,
    sender:
      row.sender_id === null || row.sender_id === undefined
        ? null
        : { id: row.sender_id as number, username: row.sender_username as string },
    room_id: (row.room_id as number | null) ?? null,
    message_id: (row.message_id as number | null) ?? null,
    task_id: (row.task_id as number | null) ?? null,
    comment_id: (row.comment_id as number | null) ?? null,
    is_read: row.is_read === true || row.is_read === 1,
    created_at: iso(row.created_at),
  };
}
