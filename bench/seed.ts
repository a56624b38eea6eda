import { addBoardMember, insertBoard } from '../service/db/boards.js';
import { connectDatabase, type Database } from '../service/db/database.js';
import { openDatabase } from '../service/db/orm.js';
import { insertRoom } from '../service/db/rooms.js';
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

type Fill = (db: Database, seeded: Seeded) => Promise<void>;

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
  } finally {
    await orm.close(true);
  }
  const db = await connectDatabase(databaseUrl);
  try {
    const user = await createUser(db, { username: 'bench', password: 'bench password' });
    const users: SeededUser[] = [
      { id: user.id, username: user.username, token: await issueToken(db, user.id, 'bench') },
    ];
    for (let i = 1; i <= members; i++) {
      const member = await createUser(db, { username: `user${i}` });
      users.push({ id: member.id, username: member.username, token: await issueToken(db, member.id, 'bench') });
    }
    const boardId = await insertBoard(db, 'bench', user.id);
    for (const other of users.slice(1)) await addBoardMember(db, boardId, other.id);
    const rooms: number[] = [];
    for (const name of roomNames) {
      rooms.push(
        await db.transaction((tx) =>
          insertRoom(tx, { boardId, name, description: '', createdBy: user.id, members: users.map((u) => u.id) }),
        ),
      );
    }
    const seeded: Seeded = { token: users[0]!.token, userId: user.id, rooms, users };
    await fill?.(db, seeded);
    return seeded;
  } finally {
    await db.close();
  }
}
