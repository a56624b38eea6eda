import { notFound, roomOfBoardMember, roomOfMember, userByName } from './access.js';
import type { Actor } from './actor.js';
import { now, writeTransaction } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { userView } from './presenters.js';
import { publishStored } from './publish.js';
import type { UserView } from './views.js';

export async function listRoomMembers(deps: DomainDeps, actor: Actor, roomId: number): Promise<UserView[]> {
  await roomOfMember(deps.db.knex, roomId, actor);
  const rows = await deps.db
    .knex('users as u')
    .join('room_members as rm', 'rm.user_id', 'u.id')
    .where('rm.room_id', roomId)
    .select('u.id', 'u.username', 'u.display_name', 'u.created_at')
    .orderBy('u.username_key');
  return rows.map(userView);
}

/**
 * Adds a board member to a room: a room member may add anyone of the board, and a board member may
 * join by adding themselves. The newcomer's read marker starts at the room's latest message, so the
 * history they never saw does not count as unread. Adding a member twice changes nothing.
 */
export async function addRoomMember(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  username: string,
): Promise<{ user: UserView; added: boolean }> {
  const sql = deps.db.knex;
  const room = await roomOfBoardMember(sql, roomId, actor);
  const user = await userByName(sql, username);
  if (user === null || user.id !== actor.id) {
    // Adding someone else takes membership of the room itself.
    await roomOfMember(sql, roomId, actor);
  }
  if (!user) throw new DomainError('invalid_request', `no user named "${username}"`, 'username');
  const onBoard = await sql('board_members').where({ board_id: room.board_id, user_id: user.id }).first('id');
  if (!onBoard)
    throw new DomainError('invalid_request', `"${user.username}" is not a member of this board`, 'username');
  const added = await writeTransaction(deps.db, async (trx) => {
    const at = now(deps.db);
    const inserted = await trx('room_members')
      .insert({ room_id: roomId, user_id: user.id, created_at: at })
      .onConflict(['room_id', 'user_id'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return false;
    const latest = await trx('chat_messages').where('room_id', roomId).max('id as id').first();
    await trx('read_markers')
      .insert({ user_id: user.id, room_id: roomId, last_read_message_id: Number(latest?.id ?? 0), updated_at: at })
      .onConflict(['user_id', 'room_id'])
      .merge(['last_read_message_id', 'updated_at']);
    return true;
  });
  if (added)
    await publishStored(deps, {
      type: 'room.member_joined',
      room_id: roomId,
      user: { id: user.id, username: user.username },
    });
  const row = await sql('users').where('id', user.id).first('id', 'username', 'display_name', 'created_at');
  return { user: userView(row), added };
}

/** A member leaves, or the room creator or board owner removes them. */
export async function removeRoomMember(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  username: string,
): Promise<void> {
  const sql = deps.db.knex;
  const room = await roomOfMember(sql, roomId, actor);
  const user = await userByName(sql, username);
  if (!user) throw notFound('member');
  if (user.id !== actor.id && room.created_by_id !== actor.id && room.board_owner_id !== actor.id) {
    throw new DomainError('forbidden', 'only the room creator or the board owner may remove other members');
  }
  const removed = await sql('room_members').where({ room_id: roomId, user_id: user.id }).delete();
  if (removed === 0) throw notFound('member');
  await publishStored(deps, {
    type: 'room.member_left',
    room_id: roomId,
    user: { id: user.id, username: user.username },
  });
}
