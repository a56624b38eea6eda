import type { Executor } from './database.js';

// Who may see what (SPEC §6), as one statement each: the HTTP use cases, the write path and the
// WebSocket subscribe path all ask these.

/** (room or task id, user id) → the board it belongs to, if the user is a member of the room, or of the task's board. */
export const MEMBER_ACCESS = {
  room: 'select r.board_id from chat_rooms r where r.id = ? and exists (select 1 from room_members m where m.room_id = r.id and m.user_id = ?)',
  task: 'select t.board_id from tasks t where t.id = ? and exists (select 1 from board_members m where m.board_id = t.board_id and m.user_id = ?)',
} as const;

export interface BoardAccess {
  id: number;
  owner_id: number;
}

export interface RoomAccess {
  id: number;
  board_id: number;
  created_by_id: number;
  board_owner_id: number;
}

export interface TaskAccess {
  id: number;
  board_id: number;
}

const ROOM =
  'select r.id, r.board_id, r.created_by_id, b.owner_id as board_owner_id from chat_rooms r join boards b on b.id = r.board_id';

/** The board, if the user is a member of it. */
export function boardOfMember(q: Executor, boardId: number, userId: number) {
  return q.get<BoardAccess>(
    'select b.id, b.owner_id from boards b join board_members bm on bm.board_id = b.id and bm.user_id = ? where b.id = ?',
    [userId, boardId],
  );
}

/** The room, if the user is a member of it. */
export function roomOfMember(q: Executor, roomId: number, userId: number) {
  return q.get<RoomAccess>(
    `${ROOM} where r.id = ? and exists (select 1 from room_members m where m.room_id = r.id and m.user_id = ?)`,
    [roomId, userId],
  );
}

/** The room, if the user is a member of its board. */
export function roomOfBoardMember(q: Executor, roomId: number, userId: number) {
  return q.get<RoomAccess>(
    `${ROOM} where r.id = ? and exists (select 1 from board_members m where m.board_id = r.board_id and m.user_id = ?)`,
    [roomId, userId],
  );
}

/** The task, if the user is a member of its board. */
export function taskOfMember(q: Executor, taskId: number, userId: number) {
  return q.get<TaskAccess>(
    'select t.id, t.board_id from tasks t where t.id = ? and exists (select 1 from board_members m where m.board_id = t.board_id and m.user_id = ?)',
    [taskId, userId],
  );
}

/** Whether the user is a member of the room. */
export async function isRoomMember(q: Executor, roomId: number, userId: number): Promise<boolean> {
  return (
    (await q.get('select 1 as one from room_members where room_id = ? and user_id = ?', [roomId, userId])) !== undefined
  );
}

/** Whether the user is a member of the board. */
export async function isBoardMember(q: Executor, boardId: number, userId: number): Promise<boolean> {
  return (
    (await q.get('select 1 as one from board_members where board_id = ? and user_id = ?', [boardId, userId])) !==
    undefined
  );
}

/** The board of a room or task stream the user may follow, or undefined. */
export async function streamBoard(q: Executor, kind: 'room' | 'task', id: number, userId: number) {
  return (await q.get<{ board_id: number }>(MEMBER_ACCESS[kind], [id, userId]))?.board_id;
}
