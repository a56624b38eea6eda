import { latestPostId, messageInRoom } from '../db/posts.js';
import * as markers from '../db/read-markers.js';
import { notFound, roomOfMember } from './access.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import type { ReadMarkerView, RoomUnread } from './views.js';

// Unread = live messages of others after the caller's read marker (their own posts are read by
// definition); mentions = how many of those mention the caller.

/**
 * Moves the caller's read marker to `message_id` (a message of this room) or to the latest message.
 * Markers only move forward, so two devices reading at once never un-read each other's progress.
 */
export async function markRead(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  messageId?: number | undefined,
): Promise<ReadMarkerView> {
  const { db } = deps;
  await roomOfMember(db, roomId, actor);
  let target: number;
  if (messageId === undefined) target = await latestPostId(db, 'message', roomId);
  else {
    if (!(await messageInRoom(db, messageId, roomId))) throw notFound('message');
    target = messageId;
  }
  const last = await markers.advanceMarker(db, actor.id, roomId, target);
  return { ...(await markers.unreadAfter(db, actor.id, roomId, last)), last_read_message_id: last };
}

/** Unread and mention counts of every room the caller is in. */
export async function unread(deps: DomainDeps, actor: Actor): Promise<{ rooms: RoomUnread[]; total: number }> {
  const rooms = await markers.unreadOfEveryRoom(deps.db, actor.id);
  return { rooms, total: rooms.reduce((sum, room) => sum + room.unread, 0) };
}
