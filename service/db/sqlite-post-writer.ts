import type { Knex } from '@mikro-orm/knex';
import { BatchQueue } from '../batch-queue.js';
import { DomainError } from '../domain/errors.js';
import {
  type PostKind,
  type PostOutcome,
  type PostRequest,
  type PostStatements,
  type PostWriter,
  postStatements,
  writePost,
} from './post-writer.js';
import { type Row, runOn, type SqliteDatabase, withSqliteConnection } from './sql.js';

// SQLite's post writer: each batch is one `BEGIN IMMEDIATE` transaction on the connection of knex's
// pool (borrowed through the pool, so it never interleaves with a knex transaction), run synchronously
// with prepared statements. Taking the write lock first means a batch waits (busy_timeout) for another
// process's write instead of failing on a stale snapshot, and nothing else can write in between.

/** Under load, a commit at most every 2 ms: each commit writes its pages to the WAL, whatever its rows. */
const GROUP_COMMIT_MS = 2;

const STATEMENTS: Record<PostKind, PostStatements> = {
  message: postStatements('message'),
  comment: postStatements('comment'),
};

function writeOne(db: SqliteDatabase, request: PostRequest, createdAt: number): PostOutcome {
  const steps = writePost(request, STATEMENTS[request.kind], createdAt);
  let rows: Row[] = [];
  for (;;) {
    const step = steps.next(rows);
    if (step.done) return step.value;
    rows = runOn(db, step.value.sql, step.value.params);
  }
}

export function sqlitePostWriter(knex: Knex): PostWriter {
  const queue = new BatchQueue<PostRequest, PostOutcome>(
    async (requests) =>
      withSqliteConnection(knex, (db) => {
        // A refusal (no access) comes before a post's first write, so it leaves nothing to undo and the
        // others go on; any other failure rolls the whole batch back, and every post in it fails.
        const all = db.transaction(() =>
          requests.map((request) => {
            try {
              return writeOne(db, request, Date.now());
            } catch (error) {
              if (error instanceof DomainError) return { error };
              throw error;
            }
          }),
        );
        return all.immediate();
      }),
    GROUP_COMMIT_MS,
  );
  return { write: (request) => queue.submit(request) };
}
