import type { Executor } from './database.js';

/** The migrations MikroORM's migrator recorded as applied (its `prizmai_migrations` table). */
export async function appliedMigrations(q: Executor): Promise<string[]> {
  return (await q.all<{ name: string }>('select name from prizmai_migrations')).map((row) => row.name);
}
