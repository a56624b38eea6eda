import type { Db } from './db.js';

// beat's notificationRetention job (SPEC §8): read notifications older than a configured age are
// deleted in bounded batches — each batch its own short statement, so one run never holds a long lock
// (on SQLite, the one write lock) — while unread notifications are always kept.

/** Rows deleted per statement. */
export const RETENTION_BATCH = 500;

/** Deletes read notifications created before `cutoff`; returns how many. */
export async function deleteOldReadNotifications(db: Db, cutoff: Date, batch = RETENTION_BATCH): Promise<number> {
  const before = db.dialect === 'sqlite' ? cutoff.getTime() : cutoff;
  const read = db.dialect === 'sqlite' ? 1 : true;
  let deleted = 0;
  for (;;) {
    const ids = db
      .knex('notifications')
      .select('id')
      .where('is_read', read)
      .where('created_at', '<', before)
      .orderBy('id')
      .limit(batch);
    const count = await db.knex('notifications').whereIn('id', ids).delete();
    deleted += count;
    if (count < batch) return deleted;
  }
}
