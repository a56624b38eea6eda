import { isBoardMember } from '../db/member-access.js';
import { latestPostId } from '../db/posts.js';
import { setMarker } from '../db/read-markers.js';
import * as rooms from '../db/rooms.js';
import { roomMembers } from '../db/users.js';
import { notFound, roomOfBoardMember, roomOfMember, userByName } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { userView } from './presenters.js';
import { publishStored } from './publish.js';
import type { UserView } from './views.js';

export async function listRoomMembers(deps: DomainDeps, actor: Actor, roomId: number): Promise<UserView[]> {
  await roomOfMember(deps.db, roomId, actor);
  return (await roomMembers(deps.db, roomId)).map(userView);
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
  const { db } = deps;
  const room = await roomOfBoardMember(db, roomId, actor);
  const user = await userByName(db, username);
  if (user === null || user.id !== actor.id) {
    // Adding someone else takes membership of the room itself.
    await roomOfMember(db, roomId, actor);
  }
  if (!user) throw new DomainError('invalid_request', `no user named "${username}"`, 'username');
  if (!(await isBoardMember(db, room.board_id, user.id)))
    throw new DomainError('invalid_request', `"${user.username}" is not a member of this board`, 'username');
  const added = await db.transaction(async (tx) => {
    if (!(await rooms.addRoomMember(tx, roomId, user.id))) return false;
    await setMarker(tx, user.id, roomId, await latestPostId(tx, 'message', roomId));
    return true;
  });
  if (added)
    await publishStored(deps, {
      type: 'room.member_joined',
      room_id: roomId,
      user: { id: user.id, username: user.username },
    });
  return { user: userView(user), added };
}

/** A member leaves, or the room creator or board owner removes them. */
export async function removeRoomMember(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  username: string,
): Promise<void> {
  const room = await roomOfMember(deps.db, roomId, actor);
  const user = await userByName(deps.db, username);
  if (!user) throw notFound('member');
  if (user.id !== actor.id && room.created_by_id !== actor.id && room.board_owner_id !== actor.id) {
    throw new DomainError('forbidden', 'only the room creator or the board owner may remove other members');
  }
  if (!(await rooms.removeRoomMember(deps.db, roomId, user.id))) throw notFound('member');
  await publishStored(deps, {
    type: 'room.member_left',
    room_id: roomId,
    user: { id: user.id, username: user.username },
  });
}
