import type { Database } from '../service/db/database.js';
import { outboxJobsBefore, removeFromOutbox } from '../service/db/job-outbox.js';
import type { MentionJob, MentionQueue } from '../service/queue/mentions.js';

/** Jobs read, handed over and cleared per round: one round never holds a long lock or a huge addBulk. */
const SWEEP_BATCH = 500;

/**
 * One sweep: every outbox job older than `graceMs` — its service never handed it over (a crash, or
 * Redis down, between the commit and the hand-over) — goes to the queue under its own job id (a job
 * the queue already has is not added twice, and a retried processor creates nothing twice), then its
 * row goes. Oldest first, SWEEP_BATCH at a time, until none is left.
 */
export async function sweepOutbox(db: Database, queue: MentionQueue, graceMs: number): Promise<number> {
  let handed = 0;
  for (;;) {
    const jobs = await outboxJobsBefore(db, new Date(Date.now() - graceMs), SWEEP_BATCH);
    if (jobs.length === 0) return handed;
    await Promise.all(jobs.map((job) => queue.enqueue(job.data as MentionJob, job.jobId)));
    await removeFromOutbox(
      db,
      jobs.map((job) => job.jobId),
    );
    handed += jobs.length;
    if (jobs.length < SWEEP_BATCH) return handed;
  }
}

/**
 * Sweeps at start and then every `everyMs` (never two at once); a failed sweep (Redis or the database
 * down) is reported and the next one tries again. Answers a stop that waits for the running sweep.
 */
export function sweepOutboxEvery(
  everyMs: number,
  sweep: () => Promise<number>,
  report: (message: string) => void,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = () => {
    running = sweep()
      .then((handed) => {
        if (handed > 0) report(`outbox: ${handed} notification job(s) left by a crash or a Redis failure handed over`);
      })
      .catch((error: unknown) => report(`outbox sweep failed (next in ${everyMs} ms): ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(round, everyMs);
      });
  };
  round();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
