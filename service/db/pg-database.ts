import type * as Pg from 'pg';
import { requireCjs } from '../cjs.js';
import type { ConnectOptions, Database, Executor, Row } from './database.js';
import { DatabaseUnavailableError, isPgUnavailable } from './errors.js';

// PostgreSQL through pg's pool: each SQL text becomes a named prepared statement (pg prepares it once
// per connection and reuses it), `?` placeholders become `$1…`. Timestamps are read as epoch
// milliseconds and int8 (count(*)) as numbers, as the SQLite driver answers them.

const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;

/** Past this many distinct SQL texts, further ones run unnamed (not kept prepared). */
const MAX_NAMED = 2000;

interface Prepared {
  name: string | undefined;
  text: string;
}

/** `?` → `$n`, outside quoted literals and identifiers. */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else out += ch === '?' ? `$${++n}` : ch;
  }
  return out;
}

/** A failure to reach the server, marked as such; any other error as it is. */
function unavailableOr(error: unknown): unknown {
  if (!isPgUnavailable(error)) return error;
  return new DatabaseUnavailableError(`PostgreSQL is not answering: ${(error as Error).message}`, { cause: error });
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgresql' as const;
  private readonly prepared = new Map<string, Prepared>();

  readonly all: Executor['all'];
  readonly get: Executor['get'];
  readonly run: Executor['run'];

  constructor(
    private readonly pool: Pg.Pool,
    private readonly onQuery?: (sql: string) => void,
  ) {
    const root = this.executor(pool);
    this.all = root.all;
    this.get = root.get;
    this.run = root.run;
  }

  private config(sql: string, params: readonly unknown[]): Pg.QueryConfig {
    let prepared = this.prepared.get(sql);
    if (!prepared) {
      prepared = {
        name: this.prepared.size < MAX_NAMED ? `p${this.prepared.size + 1}` : undefined,
        text: numberedPlaceholders(sql),
      };
      if (prepared.name) this.prepared.set(sql, prepared);
    }
    return { ...(prepared.name ? { name: prepared.name } : {}), text: prepared.text, values: params as unknown[] };
  }

  private async query(client: Pg.Pool | Pg.PoolClient, sql: string, params: readonly unknown[]) {
    this.onQuery?.(sql);
    try {
      return await client.query(this.config(sql, params));
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /** Statements on the pool (each on any connection), or `inside` a transaction, on its own client. */
  private executor(client: Pg.Pool | Pg.PoolClient, inside?: Pg.PoolClient, depth = 0): Executor {
    const tx: Executor = {
      dialect: this.dialect,
      all: async <T = Row>(sql: string, params: readonly unknown[] = []) =>
        (await this.query(client, sql, params)).rows as T[],
      get: async <T = Row>(sql: string, params: readonly unknown[] = []) =>
        (await this.query(client, sql, params)).rows[0] as T | undefined,
      run: async (sql, params = []) => (await this.query(client, sql, params)).rowCount ?? 0,
      transaction: (work) => (inside ? this.savepoint(inside, work, depth + 1) : this.transaction(work)),
    };
    return tx;
  }

  async transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailableOr(error);
    });
    let broken = false;
    try {
      await this.query(client, 'begin', []);
      try {
        const result = await work(this.executor(client, client));
        await this.query(client, 'commit', []);
        return result;
      } catch (error) {
        await this.query(client, 'rollback', []).catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Named by depth: one at a time per depth, so the statement texts stay few. */
  private async savepoint<T>(client: Pg.PoolClient, work: (tx: Executor) => Promise<T>, depth: number): Promise<T> {
    const name = `sp${depth}`;
    await this.query(client, `savepoint ${name}`, []);
    try {
      const result = await work(this.executor(client, client, depth));
      await this.query(client, `release savepoint ${name}`, []);
      return result;
    } catch (error) {
      // The work's error is the one to report; a failed rollback leaves the transaction to fail as a whole.
      await this.query(client, `rollback to savepoint ${name}`, [])
        .then(() => this.query(client, `release savepoint ${name}`, []))
        .catch(() => {});
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export function openPostgres(url: string, options: ConnectOptions): PostgresDatabase {
  const pg = requireCjs('pg') as typeof Pg;
  const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ);
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === TIMESTAMPTZ || oid === TIMESTAMP) return (text: string) => (parseTimestamp(text) as Date).getTime();
      if (oid === INT8) return (text: string) => Number(text);
      return pg.types.getTypeParser(oid, format);
    }) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    types,
    // Each statement bounded: a locked table or a hung server ends in an error, not a wait forever.
    statement_timeout: 10_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new PostgresDatabase(pool, options.onQuery);
}
