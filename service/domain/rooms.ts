import type { Executor } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import * as rooms from '../db/rooms.js';
import { audienceMembers } from '../db/users.js';
import { boardOfMember, notFound, type RoomAccess, roomOfMember } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { roomView } from './presenters.js';
import { publishStored } from './publish.js';
import type { RoomView } from './views.js';

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
  await boardOfMember(deps.db, boardId, actor);
  const keys = [...new Set((input.members ?? []).map((name) => name.toLowerCase()))];
  const members = await audienceMembers(deps.db, { kind: 'board', id: boardId }, keys);
  if (members.length !== keys.length) {
    const found = new Set(members.map((m) => m.username_key));
    const missing = keys.find((key) => !found.has(key));
    throw new DomainError('invalid_request', `"${missing}" is not a member of this board`, 'members');
  }
  try {
    const roomId = await deps.db.transaction((tx) =>
      rooms.insertRoom(tx, {
        boardId,
        name: input.name,
        description: input.description ?? '',
        createdBy: actor.id,
        members: [...new Set([actor.id, ...members.map((m) => m.id)])],
      }),
    );
    return await getRoom(deps, actor, roomId);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(input.name);
    throw error;
  }
}

/** All rooms of a board, for its members (who may join any of them). */
export async function listRooms(deps: DomainDeps, actor: Actor, boardId: number): Promise<RoomView[]> {
  await boardOfMember(deps.db, boardId, actor);
  return (await rooms.roomsOfBoard(deps.db, boardId)).map(roomView);
}

export async function getRoom(deps: DomainDeps, actor: Actor, roomId: number): Promise<RoomView> {
  await roomOfMember(deps.db, roomId, actor);
  const row = await rooms.roomById(deps.db, roomId);
  if (!row) throw notFound('room');
  return roomView(row);
}

/** Members see a room; only its creator or the board owner may change or delete it. */
export async function managedRoom(q: Executor, actor: Actor, roomId: number): Promise<RoomAccess> {
  const room = await roomOfMember(q, roomId, actor);
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
  await managedRoom(deps.db, actor, roomId);
  try {
    await rooms.updateRoom(deps.db, roomId, input);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(input.name ?? '');
    throw error;
  }
  return getRoom(deps, actor, roomId);
}

export async function deleteRoom(deps: DomainDeps, actor: Actor, roomId: number): Promise<void> {
  await managedRoom(deps.db, actor, roomId);
  await rooms.deleteRoom(deps.db, roomId);
  await publishStored(deps, { type: 'room.deleted', room_id: roomId });
}
