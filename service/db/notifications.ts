import type { Executor } from './database.js';
import { insertRows, selectIn } from './statements.js';

/** A notification as the views read it. */
export interface NotificationRow {
  id: number;
  recipient_id: number;
  type: string;
  text: string;
  sender_id: number | null;
  sender_username: string | null;
  room_id: number | null;
  message_id: number | null;
  task_id: number | null;
  comment_id: number | null;
  is_read: boolean | number;
  created_at: number;
}

const NOTIFICATION = `select n.id, n.recipient_id, n.type, n.text, n.sender_id, s.username as sender_username, n.room_id,
  n.message_id, n.task_id, n.comment_id, n.is_read, n.created_at
  from notifications n left join users s on s.id = n.sender_id`;

/** The user's notifications, newest first (before `before`, only read or unread ones when asked), at most `limit`. */
export function notificationsOf(
  q: Executor,
  userId: number,
  query: { read?: boolean | undefined; before?: number | undefined; limit: number },
) {
  const params: unknown[] = [userId];
  let where = 'n.recipient_id = ?';
  if (query.read !== undefined) {
    where += ' and n.is_read = ?';
    params.push(query.read);
  }
  if (query.before !== undefined) {
    where += ' and n.id < ?';
    params.push(query.before);
  }
  return q.all<NotificationRow>(`${NOTIFICATION} where ${where} order by n.id desc limit ?`, [...params, query.limit]);
}

/** The user's notifications after `after`, oldest first. */
export function notificationsAfter(q: Executor, userId: number, after: number, limit: number) {
  return q.all<NotificationRow>(`${NOTIFICATION} where n.recipient_id = ? and n.id > ? order by n.id limit ?`, [
    userId,
    after,
    limit,
  ]);
}

export function notificationOf(q: Executor, userId: number, id: number) {
  return q.get<NotificationRow>(`${NOTIFICATION} where n.recipient_id = ? and n.id = ?`, [userId, id]);
}

export async function unreadCount(q: Executor, userId: number): Promise<number> {
  const row = await q.get<{ n: number }>(
    'select count(*) as n from notifications where recipient_id = ? and is_read = ?',
    [userId, false],
  );
  return row?.n ?? 0;
}

/** Marks one of the user's notifications read; false when it is not theirs. */
export async function markRead(q: Executor, userId: number, id: number): Promise<boolean> {
  return (
    (await q.run('update notifications set is_read = ? where id = ? and recipient_id = ?', [true, id, userId])) > 0
  );
}

/** Marks all the user's unread notifications read; how many changed. */
export function markAllRead(q: Executor, userId: number): Promise<number> {
  return q.run('update notifications set is_read = ? where recipient_id = ? and is_read = ?', [true, userId, false]);
}

/** Deletes one of the user's notifications; false when it is not theirs. */
export async function deleteOne(q: Executor, userId: number, id: number): Promise<boolean> {
  return (await q.run('delete from notifications where id = ? and recipient_id = ?', [id, userId])) > 0;
}

export function deleteAllOf(q: Executor, userId: number): Promise<number> {
  return q.run('delete from notifications where recipient_id = ?', [userId]);
}

export interface NewNotification {
  recipient_id: number;
  sender_id: number | null;
  type: string;
  text: string;
  source: string;
  room_id: number | null;
  message_id: number | null;
  task_id: number | null;
  comment_id: number | null;
}

const COLUMNS = [
  'recipient_id',
  'sender_id',
  'type',
  'text',
  'source',
  'room_id',
  'message_id',
  'task_id',
  'comment_id',
] as const;

/**
 * Inserts the notifications (unread, now), skipping any the unique (recipient, source, type) key
 * already holds; answers those inserted, as the views read them.
 */
export async function insertNotifications(q: Executor, notifications: NewNotification[]): Promise<NotificationRow[]> {
  const at = new Date();
  const inserted = await insertRows<{ id: number }>(
    q,
    'notifications',
    [...COLUMNS, 'is_read', 'created_at'],
    notifications.map((n) => [...COLUMNS.map((column) => n[column]), false, at]),
    'on conflict (recipient_id, source, type) do nothing returning id',
  );
  return selectIn<NotificationRow>(
    q,
    inserted.map((row) => row.id),
    (ids) => `${NOTIFICATION} where n.id in (${ids}) order by n.id`,
  );
}

/** Deletes up to `batch` read notifications created before `cutoff`, oldest first; how many. */
export function deleteReadBefore(q: Executor, cutoff: Date, batch: number): Promise<number> {
  return q.run(
    'delete from notifications where id in (select id from notifications where is_read = ? and created_at < ? order by id limit ?)',
    [true, cutoff, batch],
  );
}
