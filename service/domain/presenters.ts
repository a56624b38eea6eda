import { iso, isoOrNull } from './db.js';
import type {
  BoardView,
  CommentView,
  MessageView,
  NotificationView,
  PostView,
  RoomView,
  TaskView,
  UserView,
} from './views.js';

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

/** The fields of a message or comment row that both views share (SPEC §6: a comment is a message with task_id). */
function postView(row: Row, mentions: string[]): PostView {
  return {
    id: row.id as number,
    author: { id: row.author_id as number, username: row.author_username as string },
    content: row.content as string,
    mentions,
    client_id: (row.client_id as string | null) ?? null,
    created_at: iso(row.created_at),
    edited_at: isoOrNull(row.edited_at),
    deleted: row.deleted_at !== null && row.deleted_at !== undefined,
  };
}

// `id` and the parent id first, as the spec lists the fields.
export function messageView(row: Row, mentions: string[]): MessageView {
  const { id, ...post } = postView(row, mentions);
  return { id, room_id: row.room_id as number, ...post };
}

export function commentView(row: Row, mentions: string[]): CommentView {
  const { id, ...post } = postView(row, mentions);
  return { id, task_id: row.task_id as number, ...post };
}

/** The row of a message or comment just inserted by `actor`, as the views read it. */
export function insertedPostRow(
  id: number,
  actor: { id: number; username: string },
  content: string,
  clientId: string | null,
  createdAt: unknown,
): Row {
  return {
    id,
    author_id: actor.id,
    author_username: actor.username,
    content,
    client_id: clientId,
    created_at: createdAt,
    edited_at: null,
    deleted_at: null,
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
