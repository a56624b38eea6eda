import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { requireCjs } from '../cjs.js';
import type { ConnectOptions, Database, Executor, Row } from './database.js';
import { SQLITE_PRAGMAS } from './sqlite-pragmas.js';

// SQLite through better-sqlite3: one connection, every statement prepared once (by SQL text) and run
// synchronously. better-sqlite3 has no async API, so a transaction that awaits between its statements
// owns the connection until it ends: statements from elsewhere wait for it (they would otherwise run
// inside it). A transaction is short (statements only, no network), so the wait is too.

type Statement = BetterSqlite3.Statement<unknown[], Row>;

/** Past this many distinct SQL texts the statement cache starts over (texts are a fixed, small set). */
const MAX_PREPARED = 2000;

const unbindable = (value: unknown) => value instanceof Date || typeof value === 'boolean' || value === undefined;

/**
 * better-sqlite3 binds numbers, strings, bigints, buffers and null: Date and boolean become numbers.
 * The parameters as they are when nothing needs it (most statements), so the hot path copies nothing.
 */
function bindable(params: readonly unknown[]): readonly unknown[] {
  if (!params.some(unbindable)) return params;
  return params.map((value) =>
    value instanceof Date ? value.getTime() : typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null),
  );
}

export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private prepared = new Map<string, Statement>();
  /** Settles when the open transaction ends; null when none is open. */
  private busy: Promise<void> | null = null;

  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly onQuery?: (sql: string) => void,
  ) {}

  private statement(sql: string): Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      if (this.prepared.size >= MAX_PREPARED) this.prepared = new Map();
      statement = this.connection.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Runs one statement now, on the connection: its rows (none for a write without `returning`). */
  allSync(sql: string, params: readonly unknown[] = []): Row[] {
    this.onQuery?.(sql);
    const statement = this.statement(sql);
    if (statement.reader) return statement.all(...bindable(params));
    statement.run(...bindable(params));
    return [];
  }

  /** The first row only (the rest are never read). */
  getSync(sql: string, params: readonly unknown[] = []): Row | undefined {
    this.onQuery?.(sql);
    const statement = this.statement(sql);
    if (statement.reader) return statement.get(...bindable(params));
    statement.run(...bindable(params));
    return undefined;
  }

  runSync(sql: string, params: readonly unknown[] = []): number {
    this.onQuery?.(sql);
    return this.statement(sql).run(...bindable(params)).changes;
  }

  // Each waits for an open transaction to end and then runs in the same synchronous stretch as its
  // last check: between the two, another waiter could begin a transaction this would run inside.

  async all<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    while (this.busy) await this.busy;
    return this.allSync(sql, params) as T[];
  }

  async get<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    while (this.busy) await this.busy;
    return this.getSync(sql, params) as T | undefined;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    while (this.busy) await this.busy;
    return this.runSync(sql, params);
  }

  /**
   * Synchronous work in one `BEGIN IMMEDIATE` transaction, once no other transaction is open: the post
   * writer's batches, which need no await between statements. Rolled back if `work` throws.
   */
  async immediate<T>(work: () => T): Promise<T> {
    while (this.busy) await this.busy;
    return this.connection.transaction(work).immediate();
  }

  async transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    while (this.busy) await this.busy;
    let release!: () => void;
    this.busy = new Promise((resolve) => (release = resolve));
    try {
      this.runSync('begin immediate');
      try {
        const result = await work(this.inside());
        this.runSync('commit');
        return result;
      } catch (error) {
        if (this.connection.inTransaction) this.runSync('rollback');
        throw error;
      }
    } finally {
      this.busy = null;
      release();
    }
  }

  /** The executor of the open transaction: runs at once (it owns the connection); nested = savepoint. */
  private inside(depth = 0): Executor {
    const tx: Executor = {
      dialect: this.dialect,
      all: async <T = Row>(sql: string, params?: readonly unknown[]) => this.allSync(sql, params) as T[],
      get: async <T = Row>(sql: string, params?: readonly unknown[]) => this.getSync(sql, params) as T | undefined,
      run: async (sql, params) => this.runSync(sql, params),
      transaction: async <T>(work: (inner: Executor) => Promise<T>): Promise<T> => {
        // Named by depth: one at a time per depth, so the statement texts stay few.
        const name = `sp${depth + 1}`;
        this.runSync(`savepoint ${name}`);
        try {
          const result = await work(this.inside(depth + 1));
          this.runSync(`release ${name}`);
          return result;
        } catch (error) {
          this.runSync(`rollback to ${name}`);
          this.runSync(`release ${name}`);
          throw error;
        }
      },
    };
    return tx;
  }

  async close(): Promise<void> {
    while (this.busy) await this.busy;
    this.connection.close();
  }
}

export function openSqlite(path: string, options: ConnectOptions): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const Driver = requireCjs('better-sqlite3') as typeof BetterSqlite3;
  const connection = new Driver(path);
  for (const pragma of SQLITE_PRAGMAS) connection.pragma(pragma);
  return new SqliteDatabase(connection, options.onQuery);
}
