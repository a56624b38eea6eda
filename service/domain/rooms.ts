import { boardOfMember, notFound, type RoomAccess, roomOfMember } from './access.js';
import type { Actor } from './actor.js';
import { insertRows, isUniqueViolation, now, type Sql, writeTransaction } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { roomView } from './presenters.js';
import { publishStored } from './publish.js';
import type { RoomView } from './views.js';

function roomsQuery(sql: Sql) {
  return sql('chat_rooms as r')
    .join('users as u', 'u.id', 'r.created_by_id')
    .select(
      'r.id',
      'r.board_id',
      'r.name',
      'r.description',
      'r.created_by_id',
      'u.username as created_by_username',
      'r.created_at',
    );
}

function duplicateName(name: string): DomainError {
  return new DomainError('conflict', `a room named "${name}" already exists on this board`, 'name');
}

/** Board members create rooms; the creator is always a member; listed members must be board members. */
export async function createRoom(
  deps: DomainDeps,
  actor: Actor,
  boardId: number,
  input: { name: string; description?: string | undefined; members?: string[] | undefined },
): Promise<RoomView> {
  const sql = deps.db.knex;
  await boardOfMember(sql, boardId, actor);
  const keys = [...new Set((input.members ?? []).map((name) => name.toLowerCase()))];
  const members = keys.length
    ? await sql('users as u')
        .join('board_members as bm', 'bm.user_id', 'u.id')
        .where('bm.board_id', boardId)
        .whereIn('u.username_key', keys)
        .select('u.id', 'u.username_key')
    : [];
  if (members.length !== keys.length) {
    const found = new Set(members.map((m: { username_key: string }) => m.username_key));
    const missing = keys.find((key) => !found.has(key));
    throw new DomainError('invalid_request', `"${missing}" is not a member of this board`, 'members');
  }
  const ids = new Set<number>([actor.id, ...members.map((m: { id: number }) => m.id)]);
  try {
    const roomId = await writeTransaction(deps.db, async (trx) => {
      const at = now(deps.db);
      const [row] = await trx('chat_rooms')
        .insert({
          board_id: boardId,
          name: input.name,
          description: input.description ?? '',
          created_by_id: actor.id,
          created_at: at,
        })
        .returning('id');
      const id = (row as { id: number }).id;
      await insertRows(
        trx,
        'room_members',
        [...ids].map((userId) => ({ room_id: id, user_id: userId, created_at: at })),
      );
      return id;
    });
    return await getRoom(deps, actor, roomId);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(input.name);
    throw error;
  }
}

/** All rooms of a board, for its members (who may join any of them). */
export async function listRooms(deps: DomainDeps, actor: Actor, boardId: number): Promise<RoomView[]> {
  await boardOfMember(deps.db.knex, boardId, actor);
  const rows = await roomsQuery(deps.db.knex).where('r.board_id', boardId).orderBy('r.id');
  return rows.map(roomView);
}

export async function getRoom(deps: DomainDeps, actor: Actor, roomId: number): Promise<RoomView> {
  await roomOfMember(deps.db.knex, roomId, actor);
  const row = await roomsQuery(deps.db.knex).where('r.id', roomId).first();
  if (!row) throw notFound('room');
  return roomView(row);
}

/** Members see a room; only its creator or the board owner may change or delete it. */
export async function managedRoom(sql: Sql, actor: Actor, roomId: number): Promise<RoomAccess> {
  const room = await roomOfMember(sql, roomId, actor);
  if (room.created_by_id !== actor.id && room.board_owner_id !== actor.id) {
    throw new DomainError('forbidden', 'only the room creator or the board owner may change this room');
  }
  return room;
}

export async function updateRoom(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  input: { name?: string | undefined; description?: string | undefined },
): Promise<RoomView> {
  await managedRoom(deps.db.knex, actor, roomId);
  const changes: Record<string, string> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (Object.keys(changes).length > 0) {
    try {
      await deps.db.knex('chat_rooms').where('id', roomId).update(changes);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(input.name ?? '');
      throw error;
    }
  }
  return getRoom(deps, actor, roomId);
}

export async function deleteRoom(deps: DomainDeps, actor: Actor, roomId: number): Promise<void> {
  await managedRoom(deps.db.knex, actor, roomId);
  await deps.db.knex('chat_rooms').where('id', roomId).delete();
  await publishStored(deps, { type: 'room.deleted', room_id: roomId });
}
