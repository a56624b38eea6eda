import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { dialectOf, openDatabase } from '../service/db/orm.js';
import { createUser, issueToken } from '../service/domain/users.js';

export interface SeededUser {
  id: number;
  username: string;
  /** An API token of the user's, in clear. */
  token: string;
}

export interface Seeded {
  /** The "bench" user's token and id. */
  token: string;
  userId: number;
  /** The rooms' ids, in the order of their names. */
  rooms: number[];
  /** Every user: "bench" first, then any members (`user1`…`userN`). */
  users: SeededUser[];
}

type Fill = (knex: Knex, seeded: Seeded) => Promise<void>;

/**
 * A fresh, migrated database with one user (and an API token), one board and the named rooms, all
 * the user's; `fill` may add rows with the same connection before it closes.
 */
export function seedRooms(databaseUrl: string, roomNames: string[], fill?: Fill): Promise<Seeded> {
  return seed(databaseUrl, roomNames, 0, fill);
}

/**
 * The same, with `members` more users — `user1`…`userN`, each with an API token (and no password, so
 * no password hashing) — members of the board and of every room, so that clients can be different
 * users and `@userN` mentions name real members.
 */
export function seedMembers(databaseUrl: string, roomNames: string[], members: number): Promise<Seeded> {
  return seed(databaseUrl, roomNames, members);
}

async function seed(databaseUrl: string, roomNames: string[], members: number, fill?: Fill): Promise<Seeded> {
  const orm = await openDatabase(databaseUrl);
  try {
    await orm.getMigrator().up();
    const em = orm.em.fork() as unknown as SqlEntityManager;
    const user = await createUser(em, { username: 'bench', password: 'bench password' });
    const users: SeededUser[] = [{ id: user.id, username: user.username, token: await issueToken(em, user, 'bench') }];
    for (let i = 1; i <= members; i++) {
      const member = await createUser(em, { username: `user${i}` });
      users.push({ id: member.id, username: member.username, token: await issueToken(em, member, 'bench') });
    }
    const knex = em.getKnex();
    // Timestamps as each dialect stores them: epoch ms in SQLite, timestamptz in PostgreSQL.
    const now = dialectOf(databaseUrl) === 'sqlite' ? Date.now() : new Date();
    const [board] = await knex('boards').insert({ name: 'bench', owner_id: user.id, created_at: now }).returning('id');
    const boardId = (board as { id: number }).id;
    await knex('board_members').insert(users.map((u) => ({ board_id: boardId, user_id: u.id, created_at: now })));
    const rooms: number[] = [];
    for (const name of roomNames) {
      const [room] = await knex('chat_rooms')
        .insert({ board_id: boardId, name, description: '', created_by_id: user.id, created_at: now })
        .returning('id');
      const roomId = (room as { id: number }).id;
      rooms.push(roomId);
      await knex('room_members').insert(users.map((u) => ({ room_id: roomId, user_id: u.id, created_at: now })));
    }
    const seeded: Seeded = { token: users[0]!.token, userId: user.id, rooms, users };
    await fill?.(knex, seeded);
    return seeded;
  } finally {
    await orm.close(true);
  }
}
