import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { requireCjs } from '../cjs.js';
import { withDeadline } from '../deadline.js';
import { JOB_STATES, WORKER_QUEUES } from '../queue/names.js';

/** A scrape waits this long for Redis, then reports the queues as unknown rather than hang. */
const COUNT_DEADLINE_MS = 1000;

export type QueueCounts = Record<string, Record<(typeof JOB_STATES)[number], number>>;

export interface QueueDepths {
  /** Jobs per state of each of the worker's queues, or undefined when Redis does not answer in time. */
  counts(): Promise<QueueCounts | undefined>;
  close(): Promise<void>;
}

/** The worker's queues as BullMQ counts them, over the service's Redis connection (opened on first scrape). */
export function bullQueueDepths(connection: Redis): QueueDepths {
  let queues: Queue[] | undefined;
  const open = () => {
    const { Queue: BullQueue } = requireCjs('bullmq') as typeof import('bullmq');
    queues ??= WORKER_QUEUES.map((name) => new BullQueue(name, { connection }));
    return queues;
  };
  return {
    async counts() {
      const counted = Promise.all(
        open().map(async (queue) => [queue.name, await queue.getJobCounts(...JOB_STATES)] as const),
      );
      return withDeadline(counted, COUNT_DEADLINE_MS, () => new Error('late')).then(
        (entries) => Object.fromEntries(entries) as QueueCounts,
        () => undefined,
      );
    },
    async close() {
      await Promise.allSettled((queues ?? []).map((queue) => queue.close()));
    },
  };
}
