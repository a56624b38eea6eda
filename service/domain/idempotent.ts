import type { Knex } from '@mikro-orm/knex';
import { type Db, isUniqueViolation, type Sql } from './db.js';

export type IdempotentOutcome<Row, Created> = { existing: Row } | { created: Created };

/**
 * The idempotent half of posting a message or a comment: inside one transaction, `prepare` checks
 * access and takes the row lock, then the author's earlier post with this client_id (found by
 * `find`) wins over a new `write`. Two posts with one client_id racing on two connections are settled
 * by the unique (author, client_id) key: the loser answers with the winner's row.
 */
export async function idempotentWrite<Row, Created>(
  db: Db,
  clientId: string | null,
  steps: {
    prepare: (trx: Knex.Transaction) => Promise<unknown>;
    find: (sql: Sql, clientId: string) => Promise<Row | undefined>;
    write: (trx: Knex.Transaction) => Promise<Created>;
  },
): Promise<IdempotentOutcome<Row, Created>> {
  try {
    return await db.knex.transaction(async (trx): Promise<IdempotentOutcome<Row, Created>> => {
      await steps.prepare(trx);
      const existing = clientId === null ? undefined : await steps.find(trx, clientId);
      return existing ? { existing } : { created: await steps.write(trx) };
    });
  } catch (error) {
    if (clientId !== null && isUniqueViolation(error)) {
      const existing = await steps.find(db.knex, clientId);
      if (existing) return { existing };
    }
    throw error;
  }
}
