import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Options } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/knex';
import { requireCjs } from '../cjs.js';
import { dialectOf } from './database.js';
import { entities } from './entities.js';
import { SQLITE_PRAGMAS } from './sqlite-pragmas.js';

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

/** The pragmas on every connection the pool opens (a pragma reaches only the connection it runs on). */
function sqlitePragmas(
  connection: { pragma(source: string): unknown },
  done: (error: Error | null, connection: unknown) => void,
): void {
  try {
    for (const pragma of SQLITE_PRAGMAS) connection.pragma(pragma);
    done(null, connection);
  } catch (error) {
    done(error as Error, connection);
  }
}

/**
 * MikroORM over the database of `databaseUrl` (`sqlite:<path>` or `postgres://…`), for what it is used
 * for: the schema (entities) and its migrations. Queries go through `connectDatabase` (database.ts).
 */
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
