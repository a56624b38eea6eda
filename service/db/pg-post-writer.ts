import type { Knex } from '@mikro-orm/knex';
import { BatchQueue } from '../batch-queue.js';
import { isUniqueViolation } from '../domain/db.js';
import { DomainError } from '../domain/errors.js';
import {
  PARENT_TABLE,
  type PostKind,
  type PostOutcome,
  type PostRequest,
  type PostStatements,
  type PostWriter,
  postStatements,
  type Row,
  writePost,
} from './post-writer.js';

// PostgreSQL's post writer: each batch is one transaction that first locks the row of every room and
// task it writes to, in id order (so two processes' batches never deadlock), holding them to commit —
// a stream's posts therefore commit in id order across processes (SPEC §7). Each post runs in a
// savepoint, so one refused post refuses nothing else.

const STATEMENTS: Record<PostKind, PostStatements> = {
  message: postStatements('message'),
  comment: postStatements('comment'),
};

async function writeOne(trx: Knex.Transaction, request: PostRequest, createdAt: Date): Promise<PostOutcome> {
  const steps = writePost(request, STATEMENTS[request.kind], createdAt);
  let rows: Row[] = [];
  for (;;) {
    const step = steps.next(rows);
    if (step.done) return step.value;
    rows = ((await trx.raw(step.value.sql, step.value.params as Knex.RawBinding[])) as { rows: Row[] }).rows;
  }
}

async function lockParents(trx: Knex.Transaction, requests: PostRequest[]): Promise<void> {
  for (const kind of ['message', 'comment'] as const) {
    const ids = [...new Set(requests.filter((r) => r.kind === kind).map((r) => r.parentId))].sort((a, b) => a - b);
    if (ids.length > 0) await trx(PARENT_TABLE[kind]).whereIn('id', ids).orderBy('id').forUpdate().select('id');
  }
}

export function pgPostWriter(knex: Knex): PostWriter {
  const queue = new BatchQueue<PostRequest, PostOutcome>((requests) =>
    knex.transaction(async (trx) => {
      await lockParents(trx, requests);
      const outcomes: (PostOutcome | { error: unknown })[] = [];
      for (const request of requests) {
        try {
          outcomes.push(await trx.transaction((savepoint) => writeOne(savepoint, request, new Date())));
        } catch (error) {
          // The same client_id committed meanwhile by another process: the earlier post wins.
          if (isUniqueViolation(error) && request.clientId !== null) {
            try {
              outcomes.push(await trx.transaction((savepoint) => writeOne(savepoint, request, new Date())));
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
