import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Options } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/knex';
import { requireCjs } from '../cjs.js';
import { entities } from './entities.js';

export type Dialect = 'sqlite' | 'postgresql';

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgresql';
}

export interface OpenOptions {
  /** Log every SQL statement (debugging only). */
  debug?: boolean;
  /** PostgreSQL schema to use instead of `public` (isolated test stacks). */
  schema?: string;
  /**
   * Load the migrator (`orm.getMigrator()`); default true. The service passes false: it never migrates
   * (the supervisor's migrate step does), and the migrator costs ~60 ms of every service start.
   */
  migrator?: boolean;
}

/**
 * Set on every connection the pool opens (a pragma reaches only the connection it runs on): WAL, so
 * readers never wait for the writer; synchronous=NORMAL, the setting WAL is designed for — a commit
 * survives a crash of any process, only an OS crash or power loss can take the last commits since the
 * previous checkpoint; busy_timeout, so a writer waits up to 5 s for another process's write lock
 * instead of failing; foreign keys enforced.
 */
function sqlitePragmas(
  connection: { pragma(source: string): unknown },
  done: (error: Error | null, connection: unknown) => void,
): void {
  try {
    for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'foreign_keys = ON']) {
      connection.pragma(pragma);
    }
    done(null, connection);
  } catch (error) {
    done(error as Error, connection);
  }
}

/** Opens the database of `databaseUrl` (`sqlite:<path>` or `postgres://…`); drivers load lazily. */
export async function openDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<MikroORM> {
  const withMigrator = options.migrator !== false;
  // The migrations import @mikro-orm/migrations as ESM (Node scans its exports): only load them to migrate.
  const migrationsList = withMigrator ? (await import('../../migrations/index.js')).migrationsList : [];
  const common: Options = {
    entities,
    debug: options.debug ?? false,
    // Entities are EntitySchema objects: no source files to scan, nothing to cache.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    metadataCache: { enabled: false },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      migrationsList,
      tableName: 'prizmai_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
  const extensions = withMigrator
    ? [(requireCjs('@mikro-orm/migrations') as typeof import('@mikro-orm/migrations')).Migrator]
    : [];
  if (dialectOf(databaseUrl) === 'sqlite') {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const { MikroORM } = requireCjs('@mikro-orm/better-sqlite') as typeof import('@mikro-orm/better-sqlite');
    return MikroORM.init({ ...common, dbName: path, extensions, pool: { afterCreate: sqlitePragmas } });
  }
  const { MikroORM } = requireCjs('@mikro-orm/postgresql') as typeof import('@mikro-orm/postgresql');
  return MikroORM.init({
    ...common,
    clientUrl: databaseUrl,
    ...(options.schema ? { schema: options.schema } : {}),
    extensions,
  });
}
