import type { Knex } from '@mikro-orm/knex';

/** Prepared statements kept per connection; past this many distinct SQL texts the cache starts over. */
const MAX_CACHED = 1000;

interface Statement {
  reader: boolean;
}
interface SqliteConnection {
  prepare(sql: string): Statement;
}
interface PatchableClient {
  _query(connection: SqliteConnection, obj: unknown): Promise<unknown>;
}

/**
 * knex's better-sqlite3 client prepares every statement anew — about a third of a history request's
 * CPU time. This keeps each connection's prepared statements by SQL text (statements run to
 * completion synchronously, so one is never used twice at once). SQLite only; a no-op otherwise.
 */
export function cacheSqliteStatements(knex: Knex): void {
  const client = knex.client as unknown as PatchableClient & { __prizmaiStatements?: true };
  if (client.__prizmaiStatements) return;
  client.__prizmaiStatements = true;
  const patched = new WeakSet<SqliteConnection>();
  const query = client._query.bind(client);
  client._query = (connection, obj) => {
    if (connection && !patched.has(connection)) {
      patched.add(connection);
      const prepare = connection.prepare.bind(connection);
      let cache = new Map<string, Statement>();
      connection.prepare = (sql: string) => {
        let statement = cache.get(sql);
        if (!statement) {
          if (cache.size >= MAX_CACHED) cache = new Map();
          statement = prepare(sql);
          cache.set(sql, statement);
        }
        return statement;
      };
    }
    return query(connection, obj);
  };
}
