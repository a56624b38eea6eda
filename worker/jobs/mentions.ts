import type { Job } from 'bullmq';
import { createMentionNotifications } from '../../service/domain/mention-notifications.js';
import type { NotificationDeps } from '../../service/domain/notification-push.js';
import type { MentionJob } from '../../service/queue/mentions.js';

/**
 * The BullMQ processor of the `prizmai-mentions` queue. `deps` is asked for on each job, so the database
 * can open with the first one. A thrown error fails the attempt; BullMQ retries it with backoff (the
 * job's options) and a retry creates no duplicate.
 */
export function mentionProcessor(deps: () => Promise<NotificationDeps>) {
  return async (job: Job<MentionJob>): Promise<{ created: number }> => {
    const created = await createMentionNotifications(await deps(), job.data);
    return { created: created.length };
  };
}
