import type { Executor } from '../db/database.js';
import * as access from '../db/member-access.js';
import { type UserRow, userByKey } from '../db/users.js';
import type { Actor } from './actor.js';
import { DomainError } from './errors.js';

export type { BoardAccess, RoomAccess, TaskAccess } from '../db/member-access.js';

// Visibility rules (SPEC §6): what a caller may not see is a 404, never a 403, so ids cannot be probed.

export function notFound(what: string): DomainError {
  return new DomainError('not_found', `${what} not found`);
}

function found<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw notFound(what);
  return row;
}

/** The board, if the actor is a member of it. */
export async function boardOfMember(q: Executor, boardId: number, actor: Actor) {
  return found(await access.boardOfMember(q, boardId, actor.id), 'board');
}

/** The room, if the actor is a member of it. */
export async function roomOfMember(q: Executor, roomId: number, actor: Actor) {
  return found(await access.roomOfMember(q, roomId, actor.id), 'room');
}

/** The room, if the actor is a member of its board (board members may see and join a board's rooms). */
export async function roomOfBoardMember(q: Executor, roomId: number, actor: Actor) {
  return found(await access.roomOfBoardMember(q, roomId, actor.id), 'room');
}

/** The task, if the actor is a member of its board. */
export async function taskOfMember(q: Executor, taskId: number, actor: Actor) {
  return found(await access.taskOfMember(q, taskId, actor.id), 'task');
}

/** A user by username (case-insensitive), or null. */
export async function userByName(q: Executor, username: string): Promise<UserRow | null> {
  return (await userByKey(q, username.toLowerCase())) ?? null;
}
