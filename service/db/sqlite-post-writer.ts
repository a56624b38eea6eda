import { BatchQueue } from '../batch-queue.js';
import { DomainError } from '../domain/errors.js';
import type { Row } from './database.js';
import { type PostOutcome, type PostRequest, type PostWriter, writePost } from './post-writer.js';
import type { SqliteDatabase } from './sqlite-database.js';

// SQLite's post writer: each batch is one `BEGIN IMMEDIATE` transaction, run synchronously with
// prepared statements. Taking the write lock first means a batch waits (busy_timeout) for another
// process's write instead of failing on a stale snapshot, and nothing else can write in between.

/** Under load, a commit at most every 2 ms: each commit writes its pages to the WAL, whatever its rows. */
const GROUP_COMMIT_MS = 2;

function writeOne(db: SqliteDatabase, request: PostRequest, createdAt: Date): PostOutcome {
  const steps = writePost(request, createdAt);
  let rows: Row[] = [];
  for (;;) {
    const step = steps.next(rows);
    if (step.done) return step.value;
    rows = db.allSync(step.value.sql, step.value.params);
  }
}

export function sqlitePostWriter(db: SqliteDatabase): PostWriter {
  const queue = new BatchQueue<PostRequest, PostOutcome>(
    (requests) =>
      // A refusal (no access) comes before a post's first write, so it leaves nothing to undo and the
      // others go on; any other failure rolls the whole batch back, and every post in it fails.
      db.immediate(() =>
        requests.map((request) => {
          try {
            return writeOne(db, request, new Date());
          } catch (error) {
            if (error instanceof DomainError) return { error };
            throw error;
          }
        }),
      ),
    GROUP_COMMIT_MS,
  );
  return { write: (request) => queue.submit(request) };
}
