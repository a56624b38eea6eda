import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { openDatabase } from '../service/db/orm.js';
import { createUser, issueToken } from '../service/domain/users.js';

export interface Seeded {
  token: string;
  userId: number;
  /** The rooms' ids, in the order of their names. */
  rooms: number[];
}

/**
 * A fresh, migrated database with one user (and an API token), one board and the named rooms, all
 * the user's; `fill` may add rows with the same connection before it closes.
 */
export async function seedRooms(
  databaseUrl: string,
  roomNames: string[],
  fill?: (knex: Knex, seeded: Seeded) => Promise<void>,
): Promise<Seeded> {
  const orm = await openDatabase(databaseUrl);
  try {
    await orm.getMigrator().up();
    const em = orm.em.fork() as unknown as SqlEntityManager;
    const user = await createUser(em, { username: 'bench', password: 'bench password' });
    const token = await issueToken(em, user, 'bench');
    const knex = em.getKnex();
    const now = Date.now();
    const [board] = await knex('boards').insert({ name: 'bench', owner_id: user.id, created_at: now }).returning('id');
    const boardId = (board as { id: number }).id;
    await knex('board_members').insert({ board_id: boardId, user_id: user.id, created_at: now });
    const rooms: number[] = [];
    for (const name of roomNames) {
      const [room] = await knex('chat_rooms')
        .insert({ board_id: boardId, name, description: '', created_by_id: user.id, created_at: now })
        .returning('id');
      const roomId = (room as { id: number }).id;
      rooms.push(roomId);
      await knex('room_members').insert({ room_id: roomId, user_id: user.id, created_at: now });
    }
    const seeded = { token, userId: user.id, rooms };
    await fill?.(knex, seeded);
    return seeded;
  } finally {
    await orm.close(true);
  }
}
