import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Migration names shipped with the package (dist/migrations/Migration*.js). */
export function shippedMigrations(): string[] {
  const dir = fileURLToPath(new URL('../../migrations/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => /^Migration.*\.js$/.test(f))
    .map((f) => f.slice(0, -'.js'.length));
}

/**
 * Whether the database lacks one of the shipped migrations. Cheap (one query through the data layer,
 * no ORM), so `start` spawns the migrate step only when there is work; any doubt answers true and the
 * real step decides.
 */
export async function migrationsPending(databaseUrl: string): Promise<boolean> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path === ':memory:' || !existsSync(path)) return true;
  }
  const [{ connectDatabase }, { appliedMigrations }, { isDatabaseUnavailable }] = await Promise.all([
    import('../../service/db/database.js'),
    import('../../service/db/migrations-table.js'),
    import('../../service/db/errors.js'),
  ]);
  const db = await connectDatabase(databaseUrl);
  let applied: string[];
  try {
    applied = await appliedMigrations(db);
  } catch (error) {
    // A database not there is an error; one without the migrations table has everything pending.
    if (isDatabaseUnavailable(error)) throw error;
    return true;
  } finally {
    await db.close();
  }
  const done = new Set(applied);
  return shippedMigrations().some((name) => !done.has(name));
}
