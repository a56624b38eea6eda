// The one way the service, the worker and the CLI reach the database: plain SQL with `?` placeholders
// over the driver (better-sqlite3 or pg), every statement prepared once and kept. The query modules
// beside this file hold all the SQL; what differs between the dialects is in `dialect.ts` and the two
// drivers, nowhere else.
//
// Values are the same on both: timestamps are bound as Date and read as epoch milliseconds, booleans
// bound as booleans, counts read as numbers.

export type DialectName = 'sqlite' | 'postgresql';
export type Row = Record<string, unknown>;

/** Runs statements: the database itself, or an open transaction. */
export interface Executor {
  readonly dialect: DialectName;
  /** Every row a statement answers (a SELECT, or a write with `returning`). */
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** A write without rows: how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * `work` in a transaction that holds the write lock from its start (SQLite: `BEGIN IMMEDIATE`, so it
   * waits for another process's writer instead of failing on a stale snapshot); committed when `work`
   * settles, rolled back when it throws. Inside a transaction, a savepoint.
   */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
}

export interface Database extends Executor {
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Called with each statement's SQL before it runs (tests count statements). */
  onQuery?: (sql: string) => void;
}

/** A statement that only proves the database answers (health checks). */
export async function ping(q: Executor): Promise<void> {
  await q.get('select 1 as one');
}

export function dialectOf(databaseUrl: string): DialectName {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgresql';
}

/** Opens the database of `databaseUrl` (`sqlite:<path>` or `postgres://…`); the driver loads lazily. */
export async function connectDatabase(databaseUrl: string, options: ConnectOptions = {}): Promise<Database> {
  if (dialectOf(databaseUrl) === 'sqlite') {
    const { openSqlite } = await import('./sqlite-database.js');
    return openSqlite(databaseUrl.slice('sqlite:'.length), options);
  }
  const { openPostgres } = await import('./pg-database.js');
  return openPostgres(databaseUrl, options);
}
