import { notFound } from './access.js';
import type { Actor } from './actor.js';
import { bool, type Db, num, type Sql } from './db.js';
import type { DomainDeps } from './deps.js';
import { notificationView } from './presenters.js';
import type { NotificationView, Page } from './views.js';

// The caller's own notifications only: anyone else's is a 404. Created by the worker (mention jobs).

function notificationsQuery(sql: Sql, actor: Actor) {
  return sql('notifications as n')
    .leftJoin('users as s', 's.id', 'n.sender_id')
    .where('n.recipient_id', actor.id)
    .select(
      'n.id',
      'n.type',
      'n.text',
      'n.sender_id',
      's.username as sender_username',
      'n.room_id',
      'n.message_id',
      'n.task_id',
      'n.comment_id',
      'n.is_read',
      'n.created_at',
    );
}

/** Newest first, keyset by id (`before`). */
export async function listNotifications(
  deps: DomainDeps,
  actor: Actor,
  query: { unread?: boolean | undefined; before?: number | undefined; limit: number },
): Promise<Page<NotificationView>> {
  const q = notificationsQuery(deps.db.knex, actor);
  if (query.unread !== undefined) q.where('n.is_read', bool(deps.db, !query.unread));
  if (query.before !== undefined) q.where('n.id', '<', query.before);
  const rows = await q.orderBy('n.id', 'desc').limit(query.limit + 1);
  return { items: rows.slice(0, query.limit).map(notificationView), has_more: rows.length > query.limit };
}

/** Oldest first after `after` (a WebSocket subscriber catching up). */
export async function notificationsAfter(
  deps: DomainDeps,
  actor: Actor,
  after: number,
  limit: number,
): Promise<Page<NotificationView>> {
  const rows = await notificationsQuery(deps.db.knex, actor)
    .where('n.id', '>', after)
    .orderBy('n.id', 'asc')
    .limit(limit + 1);
  return { items: rows.slice(0, limit).map(notificationView), has_more: rows.length > limit };
}

export async function countUnreadNotifications(deps: DomainDeps, actor: Actor): Promise<number> {
  return unreadNotificationCount(deps.db, actor.id);
}

export async function unreadNotificationCount(db: Db, userId: number): Promise<number> {
  const row = await db
    .knex('notifications')
    .where({ recipient_id: userId, is_read: bool(db, false) })
    .count({ n: '*' })
    .first();
  return num(row?.n ?? 0);
}

export async function readNotification(deps: DomainDeps, actor: Actor, id: number): Promise<NotificationView> {
  const updated = await deps.db
    .knex('notifications')
    .where({ id, recipient_id: actor.id })
    .update({ is_read: bool(deps.db, true) });
  if (updated === 0) throw notFound('notification');
  const row = await notificationsQuery(deps.db.knex, actor).where('n.id', id).first();
  if (!row) throw notFound('notification');
  return notificationView(row);
}

/** Marks every unread notification read; answers how many changed. */
export async function readAllNotifications(deps: DomainDeps, actor: Actor): Promise<number> {
  return deps.db
    .knex('notifications')
    .where({ recipient_id: actor.id, is_read: bool(deps.db, false) })
    .update({ is_read: bool(deps.db, true) });
}

export async function deleteNotification(deps: DomainDeps, actor: Actor, id: number): Promise<void> {
  const deleted = await deps.db.knex('notifications').where({ id, recipient_id: actor.id }).delete();
  if (deleted === 0) throw notFound('notification');
}

/** Deletes all of the caller's notifications; answers how many. */
export async function deleteAllNotifications(deps: DomainDeps, actor: Actor): Promise<number> {
  return deps.db.knex('notifications').where({ recipient_id: actor.id }).delete();
}
