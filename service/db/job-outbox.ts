import type { Executor } from './database.js';
import { placeholders } from './statements.js';

// The outbox of the mention queue's jobs (table job_outbox): a post's or an edit's notification job is
// written in the transaction that stores the post, so a commit can never lose it; it is deleted once
// the queue holds the job, and what a crash or a Redis failure left behind is swept by the worker.

export interface OutboxJob {
  /** The queue's job id (e.g. `message-12`): handed over twice, it is still one job. */
  jobId: string;
  /** The job's data. */
  data: unknown;
}

/** (job id, payload JSON, created at): run in the post's or edit's own transaction. */
export const OUTBOX_INSERT = 'insert into job_outbox (job_id, payload, created_at) values (?, ?, ?)';

export function outboxInsertParams(job: OutboxJob, createdAt: Date): unknown[] {
  return [job.jobId, JSON.stringify(job.data), createdAt];
}

export async function addToOutbox(q: Executor, job: OutboxJob, createdAt = new Date()): Promise<void> {
  await q.run(OUTBOX_INSERT, outboxInsertParams(job, createdAt));
}

/** Rows per delete: the ids of one moment's hand-overs, bounded like every IN list. */
const DELETE_CHUNK = 200;

/** Forgets jobs the queue now holds. */
export async function removeFromOutbox(q: Executor, jobIds: readonly string[]): Promise<void> {
  for (let i = 0; i < jobIds.length; i += DELETE_CHUNK) {
    const chunk = jobIds.slice(i, i + DELETE_CHUNK);
    await q.run(`delete from job_outbox where job_id in (${placeholders(chunk.length)})`, chunk);
  }
}

/** The oldest `limit` jobs written before `before` — those whose own hand-over did not happen. */
export async function outboxJobsBefore(q: Executor, before: Date, limit: number): Promise<OutboxJob[]> {
  const rows = await q.all<{ job_id: string; payload: string }>(
    'select job_id, payload from job_outbox where created_at < ? order by id limit ?',
    [before, limit],
  );
  return rows.map((row) => ({ jobId: row.job_id, data: JSON.parse(row.payload) as unknown }));
}

/** How many jobs wait in the outbox (diagnostics and tests). */
export async function outboxSize(q: Executor): Promise<number> {
  const row = await q.get<{ n: number }>('select count(*) as n from job_outbox');
  return row?.n ?? 0;
}
