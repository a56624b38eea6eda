import { BatchQueue } from '../batch-queue.js';
import { DomainError } from '../domain/errors.js';
import type { Database, Executor, Row } from './database.js';
import { isUniqueViolation } from './errors.js';
import { type PostOutcome, type PostRequest, type PostWriter, writePost } from './post-writer.js';
import { placeholders } from './statements.js';

// PostgreSQL's post writer: each batch is one transaction that first locks the row of every room and
// task it writes to, in id order (so two processes' batches never deadlock), holding them to commit —
// a stream's posts therefore commit in id order across processes (SPEC §7). Each post runs in a
// savepoint, so one refused post refuses nothing else.

const PARENT_TABLE = { message: 'chat_rooms', comment: 'tasks' } as const;

async function writeOne(tx: Executor, request: PostRequest): Promise<PostOutcome> {
  const steps = writePost(request, new Date());
  let rows: Row[] = [];
  for (;;) {
    const step = steps.next(rows);
    if (step.done) return step.value;
    rows = await tx.all(step.value.sql, step.value.params);
  }
}

async function lockParents(tx: Executor, requests: PostRequest[]): Promise<void> {
  for (const kind of ['message', 'comment'] as const) {
    const ids = [...new Set(requests.filter((r) => r.kind === kind).map((r) => r.parentId))].sort((a, b) => a - b);
    if (ids.length > 0) {
      await tx.all(
        `select id from ${PARENT_TABLE[kind]} where id in (${placeholders(ids.length)}) order by id for update`,
        ids,
      );
    }
  }
}

export function pgPostWriter(db: Database): PostWriter {
  const queue = new BatchQueue<PostRequest, PostOutcome>((requests) =>
    db.transaction(async (tx) => {
      await lockParents(tx, requests);
      const outcomes: (PostOutcome | { error: unknown })[] = [];
      for (const request of requests) {
        try {
          outcomes.push(await tx.transaction((savepoint) => writeOne(savepoint, request)));
        } catch (error) {
          // The same client_id committed meanwhile by another process: the earlier post wins.
          if (isUniqueViolation(error) && request.clientId !== null) {
            try {
              outcomes.push(await tx.transaction((savepoint) => writeOne(savepoint, request)));
              continue;
            } catch (again) {
              outcomes.push({ error: again });
              continue;
            }
          }
          if (!(error instanceof DomainError)) throw error;
          outcomes.push({ error });
        }
      }
      return outcomes;
    }),
  );
  return { write: (request) => queue.submit(request) };
}
