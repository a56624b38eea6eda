import type { Knex } from '@mikro-orm/knex';
import { DomainError } from '../domain/errors.js';
import {
  BatchQueue,
  type PostKind,
  type PostOutcome,
  type PostRequest,
  type PostStatements,
  type PostWriter,
  postStatements,
  type Query,
  type Row,
  writePost,
} from './post-writer.js';

// SQLite's post writer: each batch is one `BEGIN IMMEDIATE` transaction on the connection of knex's
// pool (borrowed through the pool, so it never interleaves with a knex transaction), run synchronously
// with prepared statements. Taking the write lock first means a batch waits (busy_timeout) for another
// process's write instead of failing on a stale snapshot, and nothing else can write in between.

interface Statement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface Transaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}
/** The part of better-sqlite3's Database used here. */
export interface SqliteDatabase {
  prepare(sql: string): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>;
}
interface PoolClient {
  acquireConnection(): Promise<SqliteDatabase>;
  releaseConnection(connection: SqliteDatabase): Promise<unknown>;
}

/** Under load, a commit at most every 2 ms: each commit writes its pages to the WAL, whatever its rows. */
const GROUP_COMMIT_MS = 2;

const STATEMENTS: Record<PostKind, PostStatements> = {
  message: postStatements('message'),
  comment: postStatements('comment'),
};

/** Each connection's prepared statements, by SQL text (a fixed, small set). */
const prepared = new WeakMap<SqliteDatabase, Map<string, Statement>>();

function statementOf(db: SqliteDatabase, sql: string): Statement {
  let cache = prepared.get(db);
  if (!cache) {
    cache = new Map();
    prepared.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

function run(db: SqliteDatabase, query: Query): Row[] {
  const statement = statementOf(db, query.sql);
  if (statement.reader) return statement.all(...query.params) as Row[];
  statement.run(...query.params);
  return [];
}

function writeOne(db: SqliteDatabase, request: PostRequest, createdAt: number): PostOutcome {
  const steps = writePost(request, STATEMENTS[request.kind], createdAt);
  let rows: Row[] = [];
  for (;;) {
    const step = steps.next(rows);
    if (step.done) return step.value;
    rows = run(db, step.value);
  }
}

export function sqlitePostWriter(knex: Knex): PostWriter {
  const pool = knex.client as unknown as PoolClient;
  const queue = new BatchQueue<PostRequest, PostOutcome>(async (requests) => {
    const db = await pool.acquireConnection();
    try {
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
    } finally {
      await pool.releaseConnection(db);
    }
  }, GROUP_COMMIT_MS);
  return { write: (request) => queue.submit(request) };
}
