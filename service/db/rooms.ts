import type { Executor } from './database.js';
import { insertRows } from './statements.js';

/** A room as the views read it. */
export interface RoomRow {
  id: number;
  board_id: number;
  name: string;
  description: string;
  created_by_id: number;
  created_by_username: string;
  created_at: number;
}

const ROOM = `select r.id, r.board_id, r.name, r.description, r.created_by_id, u.username as created_by_username, r.created_at
  from chat_rooms r join users u on u.id = r.created_by_id`;

/** A new room and its members (in the caller's transaction; the unique name refuses a duplicate); its id. */
export async function insertRoom(
  q: Executor,
  room: { boardId: number; name: string; description: string; createdBy: number; members: number[] },
): Promise<number> {
  const at = new Date();
  const row = await q.get<{ id: number }>(
    'insert into chat_rooms (board_id, name, description, created_by_id, created_at) values (?, ?, ?, ?, ?) returning id',
    [room.boardId, room.name, room.description, room.createdBy, at],
  );
  const id = row?.id as number;
  await insertRows(
    q,
    'room_members',
    ['room_id', 'user_id', 'created_at'],
    room.members.map((userId) => [id, userId, at]),
  );
  return id;
}

export function roomById(q: Executor, roomId: number) {
  return q.get<RoomRow>(`${ROOM} where r.id = ?`, [roomId]);
}

export function roomsOfBoard(q: Executor, boardId: number) {
  return q.all<RoomRow>(`${ROOM} where r.board_id = ? order by r.id`, [boardId]);
}

/** Renames and/or re-describes a room (the unique name refuses a duplicate). */
export async function updateRoom(
  q: Executor,
  roomId: number,
  changes: { name?: string | undefined; description?: string | undefined },
): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [];
  if (changes.name !== undefined) sets.push('name = ?') && params.push(changes.name);
  if (changes.description !== undefined) sets.push('description = ?') && params.push(changes.description);
  if (sets.length > 0) await q.run(`update chat_rooms set ${sets.join(', ')} where id = ?`, [...params, roomId]);
}

export async function deleteRoom(q: Executor, roomId: number): Promise<void> {
  await q.run('delete from chat_rooms where id = ?', [roomId]);
}

/** Adds a member; false when they already were one. */
export async function addRoomMember(q: Executor, roomId: number, userId: number): Promise<boolean> {
  const rows = await q.all(
    'insert into room_members (room_id, user_id, created_at) values (?, ?, ?) on conflict (room_id, user_id) do nothing returning id',
    [roomId, userId, new Date()],
  );
  return rows.length > 0;
}

/** Removes a member; false when they were none. */
export async function removeRoomMember(q: Executor, roomId: number, userId: number): Promise<boolean> {
  return (await q.run('delete from room_members where room_id = ? and user_id = ?', [roomId, userId])) > 0;
}
