import { BatchQueue } from '../batch-queue.js';
import type { Database } from '../db/database.js';
import { type OutboxJob, removeFromOutbox } from '../db/job-outbox.js';
import type { MentionJob, MentionQueue } from './mentions.js';

/**
 * Hands a committed post's job (already in the outbox, written in the post's transaction) to the
 * mention queue; once the queue holds it, its outbox row goes. A job the queue refused (Redis down)
 * or the process never got to stays in the outbox, and the worker's sweep hands it over later — the
 * same job id, so it is one job, and the processor is idempotent besides.
 */
export interface JobHandOver {
  /** Never rejects: a failure is reported, and the job left to the sweep. */
  handOver(job: OutboxJob): Promise<void>;
  /** Settles once the rows of everything handed over so far are gone (tests, shutdown). */
  settled(): Promise<void>;
}

export function outboxHandOver(
  queue: MentionQueue,
  db: Database,
  reportError: (what: string, error: unknown) => void,
): JobHandOver {
  // The rows of one moment's hand-overs go in one statement, off the answer's path.
  const forget = new BatchQueue<string, void>(async (jobIds) => {
    await removeFromOutbox(db, jobIds);
    return jobIds.map(() => undefined);
  });
  const pending = new Set<Promise<void>>();
  return {
    async handOver(job) {
      try {
        await queue.enqueue(job.data as MentionJob, job.jobId);
      } catch (error) {
        reportError('enqueue mention job (left in the outbox for the worker)', error);
        return;
      }
      const removal = forget
        .submit(job.jobId)
        .catch((error: unknown) => reportError('clear a handed-over job from the outbox', error))
        .finally(() => pending.delete(removal));
      pending.add(removal);
    },
    async settled() {
      await Promise.all(pending);
    },
  };
}
