import { type BoardAccess, boardOfMember, notFound, userByName } from './access.js';
import type { Actor } from './actor.js';
import { now, type Sql, writeTransaction } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { boardView, userView } from './presenters.js';
import { publishStored } from './publish.js';
import type { BoardView, UserView } from './views.js';

function boardsQuery(sql: Sql) {
  return sql('boards as b')
    .join('users as o', 'o.id', 'b.owner_id')
    .select('b.id', 'b.name', 'b.owner_id', 'o.username as owner_username', 'b.created_at');
}

/** A new board; its creator is its owner and first member. */
export async function createBoard(deps: DomainDeps, actor: Actor, input: { name: string }): Promise<BoardView> {
  const id = await writeTransaction(deps.db, async (trx) => {
    const at = now(deps.db);
    const [row] = await trx('boards').insert({ name: input.name, owner_id: actor.id, created_at: at }).returning('id');
    const boardId = (row as { id: number }).id;
    await trx('board_members').insert({ board_id: boardId, user_id: actor.id, created_at: at });
    return boardId;
  });
  return getBoard(deps, actor, id);
}

/** Boards the caller belongs to. */
export async function listBoards(deps: DomainDeps, actor: Actor): Promise<BoardView[]> {
  const rows = await boardsQuery(deps.db.knex)
    .join('board_members as bm', 'bm.board_id', 'b.id')
    .where('bm.user_id', actor.id)
    .orderBy('b.id');
  return rows.map(boardView);
}

export async function getBoard(deps: DomainDeps, actor: Actor, boardId: number): Promise<BoardView> {
  await boardOfMember(deps.db.knex, boardId, actor);
  const row = await boardsQuery(deps.db.knex).where('b.id', boardId).first();
  if (!row) throw notFound('board');
  return boardView(row);
}

export async function listBoardMembers(deps: DomainDeps, actor: Actor, boardId: number): Promise<UserView[]> {
  await boardOfMember(deps.db.knex, boardId, actor);
  const rows = await deps.db
    .knex('users as u')
    .join('board_members as bm', 'bm.user_id', 'u.id')
    .where('bm.board_id', boardId)
    .select('u.id', 'u.username', 'u.display_name', 'u.created_at')
    .orderBy('u.username_key');
  return rows.map(userView);
}

async function ownedBoard(deps: DomainDeps, actor: Actor, boardId: number): Promise<BoardAccess> {
  const board = await boardOfMember(deps.db.knex, boardId, actor);
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
  const user = await userByName(deps.db.knex, username);
  if (!user) throw new DomainError('invalid_request', `no user named "${username}"`, 'username');
  const inserted = await deps.db
    .knex('board_members')
    .insert({ board_id: boardId, user_id: user.id, created_at: now(deps.db) })
    .onConflict(['board_id', 'user_id'])
    .ignore()
    .returning('id');
  const row = await deps.db.knex('users').where('id', user.id).first('id', 'username', 'display_name', 'created_at');
  return { user: userView(row), added: inserted.length > 0 };
}

/** Owner only; the member also leaves every room of the board, since they can no longer see them. */
export async function removeBoardMember(deps: DomainDeps, actor: Actor, boardId: number, username: string) {
  const board = await ownedBoard(deps, actor, boardId);
  const user = await userByName(deps.db.knex, username);
  if (!user) throw notFound('member');
  if (user.id === board.owner_id) throw new DomainError('conflict', 'the owner cannot be removed from their board');
  const removed = await writeTransaction(deps.db, async (trx) => {
    const count = await trx('board_members').where({ board_id: boardId, user_id: user.id }).delete();
    await trx('room_members')
      .where('user_id', user.id)
      .whereIn('room_id', trx('chat_rooms').select('id').where('board_id', boardId))
      .delete();
    return count;
  });
  if (removed === 0) throw notFound('member');
  // Their WebSocket subscriptions to the board's rooms and tasks end at once, in every service process.
  await publishStored(deps, {
    type: 'board.member_removed',
    board_id: boardId,
    user: { id: user.id, username: user.username },
  });
}
