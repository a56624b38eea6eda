import type { ResolvedConfig } from '../../config/types.js';
import type { NotificationDeps } from '../../service/domain/notification-push.js';
import { sendUnreadDigests } from '../../service/domain/unread-digest.js';

/** beat's unreadDigest: one ACTIVITY notification per user summarising their old unread ones, once per period. */
export function unreadDigest(config: ResolvedConfig, deps: () => Promise<NotificationDeps>) {
  return async (): Promise<{ sent: number }> => {
    const { olderThanMinutes, everyMs } = config.beat.schedules.unreadDigest;
    const sent = await sendUnreadDigests(await deps(), { olderThanMinutes, everyMs });
    if (sent > 0) process.stdout.write(`digest: ${sent} unread digest(s) sent\n`);
    return { sent };
  };
}
