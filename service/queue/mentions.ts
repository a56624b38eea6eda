import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BatchQueue } from '../batch-queue.js';
import { requireCjs } from '../cjs.js';
import { MENTION_QUEUE } from './names.js';

/**
 * The BullMQ queue the write path hands notifications of a post to (through the outbox, see
 * hand-over.ts), so a post never waits on them;
 * the worker consumes it (one job per message with mentions, and per comment: its mentions, and the
 * task's assignee and creator).
 *
 * Queue `prizmai-mentions`, job name `mention`, job id `message-<id>` / `comment-<id>`[`-e<n>` for an
 * edit], payload `MentionJob`. The worker creates one MENTION notification per recipient (and for a
 * comment one COMMENT notification to the task's assignee and creator not mentioned in it) with source
 * `message:<id>` / `comment:<id>`; the unique (recipient, source, type) key makes a retried job idempotent.
 */
export { MENTION_QUEUE } from './names.js';
export const MENTION_JOB = 'mention';

export type MentionJob =
  | {
      kind: 'message';
      message_id: number;
      room_id: number;
      author_id: number;
      /** Users to notify: mentioned room members, never the author. */
      recipient_ids: number[];
    }
  | {
      kind: 'comment';
      comment_id: number;
      task_id: number;
      author_id: number;
      /** Users to notify of a mention: mentioned board members, never the author (may be none). */
      recipient_ids: number[];
    };

/** Enqueues mention work; the use cases depend on this interface, not on BullMQ. */
export interface MentionQueue {
  enqueue(job: MentionJob, jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** Retried with exponential backoff, kept inspectable when it finally fails (SPEC §8). */
const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: 1000,
  removeOnFail: false,
} as const;

/**
 * A BullMQ-backed queue over an existing connection (BullMQ leaves a shared connection open). BullMQ
 * itself loads on first use or on `preload()`, so the service answers /healthz ~140 ms sooner.
 */
export function bullMentionQueue(connection: Redis): MentionQueue & { preload(): void } {
  let queue: Promise<Queue<MentionJob>> | undefined;
  const load = () =>
    (queue ??= Promise.resolve().then(() => {
      const { Queue } = requireCjs('bullmq') as typeof import('bullmq');
      return new Queue<MentionJob>(MENTION_QUEUE, { connection });
    }));
  let closed: Promise<void> | undefined;
  // The jobs enqueued in one moment (a batch of posts) go to Redis in one addBulk.
  const jobs = new BatchQueue<{ job: MentionJob; jobId: string }, void>(async (batch) => {
    await (await load()).addBulk(
      batch.map(({ job, jobId }) => ({ name: MENTION_JOB, data: job, opts: { ...JOB_OPTIONS, jobId } })),
    );
    return batch.map(() => undefined);
  });
  return {
    preload() {
      void load();
    },
    enqueue(job, jobId) {
      return jobs.submit({ job, jobId });
    },
    close() {
      closed ??= queue ? queue.then((q) => q.close()) : Promise.resolve();
      return closed;
    },
  };
}
