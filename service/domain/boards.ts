import * as boards from '../db/boards.js';
import { boardMembers } from '../db/users.js';
import { type BoardAccess, boardOfMember, notFound, userByName } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { boardView, userView } from './presenters.js';
import { publishStored } from './publish.js';
import type { BoardView, UserView } from './views.js';

/** A new board; its creator is its owner and first member. */
export async function createBoard(deps: DomainDeps, actor: Actor, input: { name: string }): Promise<BoardView> {
  const id = await deps.db.transaction((tx) => boards.insertBoard(tx, input.name, actor.id));
  return getBoard(deps, actor, id);
}

/** Boards the caller belongs to. */
export async function listBoards(deps: DomainDeps, actor: Actor): Promise<BoardView[]> {
  return (await boards.boardsOfMember(deps.db, actor.id)).map(boardView);
}

export async function getBoard(deps: DomainDeps, actor: Actor, boardId: number): Promise<BoardView> {
  await boardOfMember(deps.db, boardId, actor);
  const row = await boards.boardById(deps.db, boardId);
  if (!row) throw notFound('board');
  return boardView(row);
}

export async function listBoardMembers(deps: DomainDeps, actor: Actor, boardId: number): Promise<UserView[]> {
  await boardOfMember(deps.db, boardId, actor);
  return (await boardMembers(deps.db, boardId)).map(userView);
}

async function ownedBoard(deps: DomainDeps, actor: Actor, boardId: number): Promise<BoardAccess> {
  const board = await boardOfMember(deps.db, boardId, actor);
  if (board.owner_id !== actor.id) throw new DomainError('forbidden', 'only the board owner may change its members');
  return board;
}

/** Owner only. Adding an existing member changes nothing (`added: false`). */
export async function addBoardMember(
  deps: DomainDeps,
  actor: Actor,
  boardId: number,
  username: string,
): Promise<{ user: UserView; added: boolean }> {
  await ownedBoard(deps, actor, boardId);
  const user = await userByName(deps.db, username);
  if (!user) throw new DomainError('invalid_request', `no user named "${username}"`, 'username');
  const added = await boards.addBoardMember(deps.db, boardId, user.id);
  return { user: userView(user), added };
}

/** Owner only; the member also leaves every room of the board, since they can no longer see them. */
export async function removeBoardMember(deps: DomainDeps, actor: Actor, boardId: number, username: string) {
  const board = await ownedBoard(deps, actor, boardId);
  const user = await userByName(deps.db, username);
  if (!user) throw notFound('member');
  if (user.id === board.owner_id) throw new DomainError('conflict', 'the owner cannot be removed from their board');
  const removed = await deps.db.transaction((tx) => boards.removeBoardMember(tx, boardId, user.id));
  if (!removed) throw notFound('member');
  // Their WebSocket subscriptions to the board's rooms and tasks end at once, in every service process.
  await publishStored(deps, {
    type: 'board.member_removed',
    board_id: boardId,
    user: { id: user.id, username: user.username },
  });
}
