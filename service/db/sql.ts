import type { Knex } from '@mikro-orm/knex';
import type { Dialect } from './orm.js';

// Plain SQL (`?` placeholders, text both dialects run) on a hot path, without a query builder: on
// SQLite a statement prepared once per connection, run on the connection of knex's pool (borrowed
// through the pool, so it never interleaves with a knex transaction); on PostgreSQL through knex.

export type Row = Record<string, unknown>;

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

/** Runs one statement on a SQLite connection: its rows, or none for a write. */
export function runOn(db: SqliteDatabase, sql: string, params: unknown[]): Row[] {
  const statement = statementOf(db, sql);
  if (statement.reader) return statement.all(...params) as Row[];
  statement.run(...params);
  return [];
}

/** Borrows knex's SQLite connection for synchronous work on it. */
export async function withSqliteConnection<T>(knex: Knex, work: (db: SqliteDatabase) => T): Promise<T> {
  const pool = knex.client as unknown as PoolClient;
  const db = await pool.acquireConnection();
  try {
    return work(db);
  } finally {
    await pool.releaseConnection(db);
  }
}

/** One statement's rows, on either dialect. */
export async function query(knex: Knex, dialect: Dialect, sql: string, params: unknown[]): Promise<Row[]> {
  if (dialect === 'sqlite') return withSqliteConnection(knex, (db) => runOn(db, sql, params));
  return ((await knex.raw(sql, params as Knex.RawBinding[])) as { rows: Row[] }).rows;
}
