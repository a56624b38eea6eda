import { randomBytes } from 'node:crypto';

export interface ThrowawayDatabase {
  url: string;
  /** Drops the database, closing any connection still open to it; safe to call twice. */
  drop: () => Promise<void>;
}

/**
 * A fresh, empty PostgreSQL database beside the one `baseUrl` names (same server and credentials), for an
 * isolated stack or a test suite. `pg` loads lazily: SQLite users never pay for it.
 */
export async function createThrowawayPgDatabase(baseUrl: string, prefix = 'prizmai_tmp'): Promise<ThrowawayDatabase> {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const onAdmin = async (sql: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onAdmin(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await onAdmin(`drop database if exists ${name} with (force)`);
    },
  };
}
