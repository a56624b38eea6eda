import type { Knex } from '@mikro-orm/knex';
import type { Dialect } from '../db/orm.js';

/**
 * The SQL handle the use cases run on: MikroORM's knex (its pool, its connection) plus the dialect,
 * so hot paths write plain, portable SQL instead of hydrating entities.
 */
export interface Db {
  knex: Knex;
  dialect: Dialect;
}

/** A knex instance or an open transaction: both run queries. */
export type Sql = Knex | Knex.Transaction;

/** "Now" as the dialect stores it: MikroORM keeps SQLite datetimes as epoch milliseconds. */
export function now(db: Db): Date | number {
  return db.dialect === 'sqlite' ? Date.now() : new Date();
}

/** A stored timestamp (Date, epoch ms or string) as ISO 8601 UTC. */
export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  if (typeof value === 'string') return new Date(/^\d+$/.test(value) ? Number(value) : value).toISOString();
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** Counts come back as bigint strings from PostgreSQL. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A unique-constraint violation from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `escape '\'`. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Case-insensitive LIKE: SQLite's LIKE already is for ASCII; PostgreSQL needs ILIKE. */
export function ilike(db: Db): string {
  return db.dialect === 'postgresql' ? 'ilike' : 'like';
}

/**
 * Locks one row until the transaction ends, so writers to the same room (or task) are serialised and
 * ids become visible in order (SPEC §7). SQLite has a single writer already, so there is nothing to lock.
 */
export async function lockRow(trx: Knex.Transaction, db: Db, table: string, id: number): Promise<boolean> {
  if (db.dialect === 'postgresql') {
    const rows = await trx(table).select('id').where({ id }).forUpdate();
    return rows.length > 0;
  }
  const row = await trx(table).select('id').where({ id }).first();
  return row !== undefined;
}

/** Booleans as the dialect binds them: better-sqlite3 takes 0/1 only. */
export function bool(db: Db, value: boolean): boolean | number {
  return db.dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

/**
 * A write transaction. On SQLite its first statement takes the database's write lock (a DELETE that
 * matches nothing still does), as `BEGIN IMMEDIATE` would — knex only issues `BEGIN`: a deferred
 * transaction that reads and then writes fails at once with SQLITE_BUSY when another process (the
 * worker) committed in between, which busy_timeout cannot help; one that holds the lock from the start
 * waits for the other writer instead.
 */
export function writeTransaction<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.knex.transaction(async (trx) => {
    if (db.dialect === 'sqlite') await trx.raw('delete from prizmai_migrations where 0');
    return work(trx);
  });
}

/**
 * Rows per INSERT statement: knex builds a multi-row insert for SQLite as one compound SELECT, which
 * SQLite refuses past 500 terms; chunks keep every size the API accepts working on both dialects.
 */
export const INSERT_CHUNK = 200;

/** Inserts any number of rows, a chunk per statement (inside the caller's transaction, if any). */
export async function insertRows(sql: Sql, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await sql(table).insert(rows.slice(i, i + INSERT_CHUNK));
}
