// The worker process: runs the BullMQ queues — mention notifications (SPEC §8) and the jobs beat
// schedules — reports ready to its supervisor once connected, and stops cleanly on SIGTERM.
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { redisUrlFor } from '../config/managed-redis.js';
import { loadRuntimeConfig } from '../config/runtime.js';
import { requireCjs } from '../service/cjs.js';
import type { Database } from '../service/db/database.js';
import { deleteOldReadNotifications } from '../service/domain/notification-retention.js';
import { redisPublisher } from '../service/events.js';
import { runProcess, stopOnSignals } from '../service/lifecycle.js';
import { sweepPresence } from '../service/presence.js';
import { MENTION_QUEUE, type MentionJob } from '../service/queue/mentions.js';
import { mentionProcessor } from './mention-processor.js';
import { SCHEDULED_QUEUE } from './queues.js';

// Through require: BullMQ's and ioredis' CommonJS builds load without Node's ESM export scan.
const { Worker } = requireCjs('bullmq') as typeof BullMQ;
const { Redis } = requireCjs('ioredis') as typeof IORedis;

async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  // BullMQ's blocking connections must retry forever rather than fail a request.
  const connection = new Redis(redisUrlFor(config), { maxRetriesPerRequest: null });
  const publisher = new Redis(redisUrlFor(config), { maxRetriesPerRequest: 1 });
  // The database opens with the first job that needs it, so a start or a crash restart is ready sooner.
  let opened: Promise<Database> | undefined;
  const database = () => {
    opened ??= import('../service/db/database.js').then(({ connectDatabase }) => connectDatabase(config.database.url));
    return opened.catch((error: unknown) => {
      opened = undefined; // the next job tries again
      throw error;
    });
  };

  const events = redisPublisher(publisher);
  const scheduled = new Worker(
    SCHEDULED_QUEUE,
    async (job) => {
      if (job.name === 'presenceCleanup') {
        // Entries of connections whose service process died: gone, and their users announced as left.
        const left = await sweepPresence(publisher, events);
        if (left > 0) process.stdout.write(`presence: ${left} departure(s) of lapsed connections announced\n`);
        return;
      }
      if (job.name === 'notificationRetention') {
        const { olderThanDays } = config.beat.schedules.notificationRetention;
        const cutoff = new Date(Date.now() - olderThanDays * 24 * 60 * 60_000);
        const deleted = await deleteOldReadNotifications(await database(), cutoff);
        if (deleted > 0)
          process.stdout.write(`retention: ${deleted} read notification(s) older than ${olderThanDays} days deleted\n`);
        return;
      }
      // unreadDigest: scheduled, but its work is not built yet.
    },
    { connection, concurrency: config.worker.concurrency },
  );
  const mentions = new Worker<MentionJob, { created: number }>(
    MENTION_QUEUE,
    mentionProcessor(async () => ({ db: await database(), events })),
    { connection, concurrency: config.worker.concurrency },
  );
  const workers = [scheduled, mentions];
  for (const worker of workers) {
    worker.on('error', (error) => process.stderr.write(`worker error: ${error.message}\n`));
    worker.on('failed', (job, error) =>
      process.stderr.write(`job ${job?.name} (${job?.id}) failed (attempt ${job?.attemptsMade}): ${error.message}\n`),
    );
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  process.stdout.write(`worker ready on queues ${SCHEDULED_QUEUE}, ${MENTION_QUEUE}\n`);
  if (process.connected) process.send?.({ type: 'ready' });

  stopOnSignals(
    (signal) => process.stdout.write(`worker stopping (${signal})\n`),
    [
      workers.map((worker) => () => worker.close()),
      [
        () => (opened ? opened.then((db) => db.close()) : Promise.resolve()),
        () => connection.quit(),
        () => publisher.quit(),
      ],
    ],
  );
}

runProcess('worker', main);
