import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

type SqliteConstructor = new (
  path: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => { prepare(sql: string): { all(): unknown[] }; close(): void };

/** Migration names shipped with the package (dist/migrations/Migration*.js). */
export function shippedMigrations(): string[] {
  const dir = fileURLToPath(new URL('../../migrations/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => /^Migration.*\.js$/.test(f))
    .map((f) => f.slice(0, -'.js'.length));
}

/**
 * Whether the database lacks one of the shipped migrations. Cheap (a driver query, no ORM), so `start`
 * spawns the migrate step only when there is work; any doubt answers true and the real step decides.
 */
export async function migrationsPending(databaseUrl: string): Promise<boolean> {
  const shipped = shippedMigrations();
  let applied: string[];
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path === ':memory:' || !existsSync(path)) return true;
    // The driver MikroORM's SQLite package brings; when it is not resolvable, the real step decides.
    const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      applied = (db.prepare('select name from prizmai_migrations').all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  } else {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      applied = (await client.query<{ name: string }>('select name from prizmai_migrations')).rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  }
  const done = new Set(applied);
  return shipped.some((name) => !done.has(name));
}
