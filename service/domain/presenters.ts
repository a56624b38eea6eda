import type { BoardRow } from '../db/boards.js';
import type { NotificationRow } from '../db/notifications.js';
import type { PostRow } from '../db/posts.js';
import type { RoomRow } from '../db/rooms.js';
import type { TaskRow } from '../db/tasks.js';
import type { UserRow } from '../db/users.js';
import { iso, isoOrNull } from './time.js';
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

// The data layer's rows (snake_case columns, timestamps in epoch ms) → the API's views.

export function userView(row: UserRow): UserView {
  return { id: row.id, username: row.username, display_name: row.display_name, created_at: iso(row.created_at) };
}

export function boardView(row: BoardRow): BoardView {
  return {
    id: row.id,
    name: row.name,
    owner: { id: row.owner_id, username: row.owner_username },
    created_at: iso(row.created_at),
  };
}

export function taskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    board_id: row.board_id,
    title: row.title,
    assignee: row.assignee_id === null ? null : { id: row.assignee_id, username: row.assignee_username ?? '' },
    creator: { id: row.creator_id, username: row.creator_username },
    created_at: iso(row.created_at),
  };
}

export function roomView(row: RoomRow): RoomView {
  return {
    id: row.id,
    board_id: row.board_id,
    name: row.name,
    description: row.description ?? '',
    created_by: { id: row.created_by_id, username: row.created_by_username },
    created_at: iso(row.created_at),
  };
}

/** The fields of a message or comment row that both views share (SPEC §6: a comment is a message with task_id). */
function postView(row: PostRow, mentions: string[]): PostView {
  return {
    id: row.id,
    author: { id: row.author_id, username: row.author_username },
    content: row.content,
    mentions,
    client_id: row.client_id ?? null,
    created_at: iso(row.created_at),
    edited_at: isoOrNull(row.edited_at),
    deleted: row.deleted_at !== null,
  };
}

// `id` and the parent id first, as the spec lists the fields.
export function messageView(row: PostRow, mentions: string[]): MessageView {
  const { id, ...post } = postView(row, mentions);
  return { id, room_id: row.parent_id, ...post };
}

export function commentView(row: PostRow, mentions: string[]): CommentView {
  const { id, ...post } = postView(row, mentions);
  return { id, task_id: row.parent_id, ...post };
}

/** The row of a message or comment just inserted by `actor` in its room or task, as the views read it. */
export function insertedPostRow(
  id: number,
  parentId: number,
  actor: { id: number; username: string },
  content: string,
  clientId: string | null,
  createdAt: number,
): PostRow {
  return {
    id,
    parent_id: parentId,
    author_id: actor.id,
    author_username: actor.username,
    content,
    client_id: clientId,
    created_at: createdAt,
    edited_at: null,
    deleted_at: null,
  };
}

export function notificationView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    type: row.type,
    text: row.text,
    sender: row.sender_id === null ? null : { id: row.sender_id, username: row.sender_username ?? '' },
    room_id: row.room_id,
    message_id: row.message_id,
    task_id: row.task_id,
    comment_id: row.comment_id,
    // SQLite stores booleans as 0/1.
    is_read: Boolean(row.is_read),
    created_at: iso(row.created_at),
  };
}
