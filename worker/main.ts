// The worker process: runs the BullMQ queues — a post's notifications (SPEC §8) and the jobs beat
// schedules, one processor per job in worker/jobs/ — reports ready to its supervisor once connected,
// answers its heartbeats, and stops cleanly (its jobs finished) on SIGTERM or its shutdown request.
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { redisUrlFor } from '../config/managed-redis.js';
import { loadRuntimeConfig } from '../config/runtime.js';
import type { ResolvedConfig } from '../config/types.js';
import { requireCjs } from '../service/cjs.js';
import type { Database } from '../service/db/database.js';
import { redisPublisher } from '../service/events.js';
import { answerHeartbeats, redisDegraded, runProcess, stopOnSignals } from '../service/lifecycle.js';
import { bullMentionQueue, MENTION_QUEUE, type MentionJob } from '../service/queue/mentions.js';
import { SCHEDULED_QUEUE } from '../service/queue/names.js';
import { mentionProcessor } from './jobs/mentions.js';
import { notificationRetention } from './jobs/notification-retention.js';
import { presenceCleanup } from './jobs/presence-cleanup.js';
import { unreadDigest } from './jobs/unread-digest.js';
import { sweepOutbox, sweepOutboxEvery } from './outbox-sweep.js';

// Through require: BullMQ's and ioredis' CommonJS builds load without Node's ESM export scan.
const { Worker } = requireCjs('bullmq') as typeof BullMQ;
const { Redis } = requireCjs('ioredis') as typeof IORedis;

type ScheduleName = keyof ResolvedConfig['beat']['schedules'];

/**
 * A job whose worker was killed holds its lock until the lock expires; BullMQ then finds it stalled
 * and runs it again. Its defaults (30 s, checked every 30 s) would leave a post's notifications up to a
 * minute late; a mention job takes milliseconds, and its lock is renewed every 5 s while it runs.
 */
const RECOVER_KILLED_JOBS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

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
  // One processor per scheduled job, by the name beat gives it (the keys of `beat.schedules`).
  const scheduledJobs: Record<ScheduleName, () => Promise<unknown>> = {
    presenceCleanup: presenceCleanup(publisher, events),
    notificationRetention: notificationRetention(config, database),
    unreadDigest: unreadDigest(config, async () => ({ db: await database(), events })),
  };
  const scheduled = new Worker(
    SCHEDULED_QUEUE,
    async (job) => {
      const run = scheduledJobs[job.name as ScheduleName] as (() => Promise<unknown>) | undefined;
      if (!run) throw new Error(`no processor for the scheduled job "${job.name}"`);
      return run();
    },
    { connection, concurrency: config.worker.concurrency },
  );
  const mentions = new Worker<MentionJob, { created: number }>(
    MENTION_QUEUE,
    mentionProcessor(async () => ({ db: await database(), events })),
    { connection, concurrency: config.worker.concurrency, ...RECOVER_KILLED_JOBS },
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
  answerHeartbeats(redisDegraded([connection, publisher]));

  // What a commit wrote to the outbox and its service never handed over reaches the queue from here;
  // the queue's adds fail fast (`publisher`), so a Redis outage costs a sweep, not a hung one.
  const outboxQueue = bullMentionQueue(publisher);
  const everyMs = config.worker.outboxSweepSeconds * 1000;
  const stopSweeping = sweepOutboxEvery(
    everyMs,
    async () => sweepOutbox(await database(), outboxQueue, everyMs),
    (message) => process.stdout.write(`${message}\n`),
  );

  stopOnSignals(
    (signal) => process.stdout.write(`worker stopping (${signal})\n`),
    [
      [...workers.map((worker) => () => worker.close()), stopSweeping],
      [
        () => outboxQueue.close(),
        // A database that never opened has nothing to close.
        () => (opened ? opened.then((db) => db.close()).catch(() => {}) : Promise.resolve()),
        () => connection.quit(),
        () => publisher.quit(),
      ],
    ],
  );
}

runProcess('worker', main);
