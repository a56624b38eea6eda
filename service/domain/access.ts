import type { Actor } from './actor.js';
import type { Sql } from './db.js';
import { DomainError } from './errors.js';

// Visibility rules (SPEC §6): what a caller may not see is a 404, never a 403, so ids cannot be probed.

export function notFound(what: string): DomainError {
  return new DomainError('not_found', `${what} not found`);
}

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

/** The board, if the actor is a member of it. */
export async function boardOfMember(sql: Sql, boardId: number, actor: Actor): Promise<BoardAccess> {
  const row = await sql('boards as b')
    .join('board_members as bm', function () {
      this.on('bm.board_id', 'b.id').andOnVal('bm.user_id', actor.id);
    })
    .where('b.id', boardId)
    .first('b.id', 'b.owner_id');
  if (!row) throw notFound('board');
  return row as BoardAccess;
}

/** The room, if the actor is a member of it. */
export async function roomOfMember(sql: Sql, roomId: number, actor: Actor): Promise<RoomAccess> {
  const row = await sql('chat_rooms as r')
    .join('room_members as rm', function () {
      this.on('rm.room_id', 'r.id').andOnVal('rm.user_id', actor.id);
    })
    .join('boards as b', 'b.id', 'r.board_id')
    .where('r.id', roomId)
    .first('r.id', 'r.board_id', 'r.created_by_id', 'b.owner_id as board_owner_id');
  if (!row) throw notFound('room');
  return row as RoomAccess;
}

/** The room, if the actor is a member of its board (board members may see and join a board's rooms). */
export async function roomOfBoardMember(sql: Sql, roomId: number, actor: Actor): Promise<RoomAccess> {
  const row = await sql('chat_rooms as r')
    .join('board_members as bm', function () {
      this.on('bm.board_id', 'r.board_id').andOnVal('bm.user_id', actor.id);
    })
    .join('boards as b', 'b.id', 'r.board_id')
    .where('r.id', roomId)
    .first('r.id', 'r.board_id', 'r.created_by_id', 'b.owner_id as board_owner_id');
  if (!row) throw notFound('room');
  return row as RoomAccess;
}

/** The task, if the actor is a member of its board. */
export async function taskOfMember(sql: Sql, taskId: number, actor: Actor): Promise<TaskAccess> {
  const row = await sql('tasks as t')
    .join('board_members as bm', function () {
      this.on('bm.board_id', 't.board_id').andOnVal('bm.user_id', actor.id);
    })
    .where('t.id', taskId)
    .first('t.id', 't.board_id');
  if (!row) throw notFound('task');
  return row as TaskAccess;
}

/** A user by username (case-insensitive), or null. */
export async function userByName(sql: Sql, username: string): Promise<{ id: number; username: string } | null> {
  const row = await sql('users').where('username_key', username.toLowerCase()).first('id', 'username');
  return (row as { id: number; username: string } | undefined) ?? null;
}
