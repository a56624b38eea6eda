import type { Executor } from '../db/database.js';
import { deleteReadBefore } from '../db/notifications.js';

// beat's notificationRetention job (SPEC §8): read notifications older than a configured age are
// deleted in bounded batches — each batch its own short statement, so one run never holds a long lock
// (on SQLite, the one write lock) — while unread notifications are always kept.

/** Rows deleted per statement. */
export const RETENTION_BATCH = 500;

/** Deletes read notifications created before `cutoff`; returns how many. */
export async function deleteOldReadNotifications(q: Executor, cutoff: Date, batch = RETENTION_BATCH): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await deleteReadBefore(q, cutoff, batch);
    deleted += count;
    if (count < batch) return deleted;
  }
}
