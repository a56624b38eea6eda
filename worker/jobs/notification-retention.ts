import type { ResolvedConfig } from '../../config/types.js';
import type { Database } from '../../service/db/database.js';
import { deleteOldReadNotifications } from '../../service/domain/notification-retention.js';

const DAY_MS = 24 * 60 * 60_000;

/** beat's notificationRetention: read notifications older than `olderThanDays` are deleted, in batches. */
export function notificationRetention(config: ResolvedConfig, database: () => Promise<Database>) {
  return async (): Promise<{ deleted: number }> => {
    const { olderThanDays } = config.beat.schedules.notificationRetention;
    const deleted = await deleteOldReadNotifications(await database(), new Date(Date.now() - olderThanDays * DAY_MS));
    if (deleted > 0) {
      process.stdout.write(`retention: ${deleted} read notification(s) older than ${olderThanDays} days deleted\n`);
    }
    return { deleted };
  };
}
