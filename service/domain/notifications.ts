import * as notifications from '../db/notifications.js';
import { notFound } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { notificationView } from './presenters.js';
import type { NotificationView, Page } from './views.js';

// The caller's own notifications only: anyone else's is a 404. Created by the worker (mention jobs).

/** Newest first, keyset by id (`before`). */
export async function listNotifications(
  deps: DomainDeps,
  actor: Actor,
  query: { unread?: boolean | undefined; before?: number | undefined; limit: number },
): Promise<Page<NotificationView>> {
  const rows = await notifications.notificationsOf(deps.db, actor.id, {
    read: query.unread === undefined ? undefined : !query.unread,
    before: query.before,
    limit: query.limit + 1,
  });
  return { items: rows.slice(0, query.limit).map(notificationView), has_more: rows.length > query.limit };
}

/** Oldest first after `after` (a WebSocket subscriber catching up). */
export async function notificationsAfter(
  deps: DomainDeps,
  actor: Actor,
  after: number,
  limit: number,
): Promise<Page<NotificationView>> {
  const rows = await notifications.notificationsAfter(deps.db, actor.id, after, limit + 1);
  return { items: rows.slice(0, limit).map(notificationView), has_more: rows.length > limit };
}

export function countUnreadNotifications(deps: DomainDeps, actor: Actor): Promise<number> {
  return notifications.unreadCount(deps.db, actor.id);
}

export async function readNotification(deps: DomainDeps, actor: Actor, id: number): Promise<NotificationView> {
  if (!(await notifications.markRead(deps.db, actor.id, id))) throw notFound('notification');
  const row = await notifications.notificationOf(deps.db, actor.id, id);
  if (!row) throw notFound('notification');
  return notificationView(row);
}

/** Marks every unread notification read; answers how many changed. */
export function readAllNotifications(deps: DomainDeps, actor: Actor): Promise<number> {
  return notifications.markAllRead(deps.db, actor.id);
}

export async function deleteNotification(deps: DomainDeps, actor: Actor, id: number): Promise<void> {
  if (!(await notifications.deleteOne(deps.db, actor.id, id))) throw notFound('notification');
}

/** Deletes all of the caller's notifications; answers how many. */
export function deleteAllNotifications(deps: DomainDeps, actor: Actor): Promise<number> {
  return notifications.deleteAllOf(deps.db, actor.id);
}
