import type { Executor } from './database.js';

/** A board as the views read it. */
export interface BoardRow {
  id: number;
  name: string;
  owner_id: number;
  owner_username: string;
  created_at: number;
}

const BOARD =
  'select b.id, b.name, b.owner_id, o.username as owner_username, b.created_at from boards b join users o on o.id = b.owner_id';

/** A new board with its owner as first member (in the caller's transaction); its id. */
export async function insertBoard(q: Executor, name: string, ownerId: number): Promise<number> {
  const at = new Date();
  const row = await q.get<{ id: number }>(
    'insert into boards (name, owner_id, created_at) values (?, ?, ?) returning id',
    [name, ownerId, at],
  );
  const id = row?.id as number;
  await q.run('insert into board_members (board_id, user_id, created_at) values (?, ?, ?)', [id, ownerId, at]);
  return id;
}

export function boardById(q: Executor, boardId: number) {
  return q.get<BoardRow>(`${BOARD} where b.id = ?`, [boardId]);
}

/** The boards the user belongs to, oldest first. */
export function boardsOfMember(q: Executor, userId: number) {
  return q.all<BoardRow>(`${BOARD} join board_members bm on bm.board_id = b.id where bm.user_id = ? order by b.id`, [
    userId,
  ]);
}

/** Adds a member; false when they already were one. */
export async function addBoardMember(q: Executor, boardId: number, userId: number): Promise<boolean> {
  const rows = await q.all(
    'insert into board_members (board_id, user_id, created_at) values (?, ?, ?) on conflict (board_id, user_id) do nothing returning id',
    [boardId, userId, new Date()],
  );
  return rows.length > 0;
}

/** Removes a member from the board and every room of it (in the caller's transaction); false when they were none. */
export async function removeBoardMember(q: Executor, boardId: number, userId: number): Promise<boolean> {
  const removed = await q.run('delete from board_members where board_id = ? and user_id = ?', [boardId, userId]);
  await q.run(
    'delete from room_members where user_id = ? and room_id in (select id from chat_rooms where board_id = ?)',
    [userId, boardId],
  );
  return removed > 0;
}
