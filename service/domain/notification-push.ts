import type { Executor } from '../db/database.js';
import { type NotificationRow, unreadCount } from '../db/notifications.js';
import type { EventPublisher } from '../events.js';
import { notificationView } from './presenters.js';
import type { NotificationView } from './views.js';

/** What creating notifications needs: the database, and Redis to push them on. */
export interface NotificationDeps {
  db: Executor;
  events: EventPublisher;
}

/** Pushes each notification just created to its recipient, with their unread count; answers the views. */
export async function pushCreated(deps: NotificationDeps, rows: NotificationRow[]): Promise<NotificationView[]> {
  const created = rows.map((row) => ({ recipient: row.recipient_id, notification: notificationView(row) }));
  await Promise.all(
    created.map(async ({ recipient, notification }) =>
      deps.events.publish({
        type: 'notification.created',
        user_id: recipient,
        notification,
        unread_count: await unreadCount(deps.db, recipient),
      }),
    ),
  );
  return created.map(({ notification }) => notification);
}
