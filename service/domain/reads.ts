import { notFound, roomOfMember } from './access.js';
import type { Actor } from './actor.js';
import { now, num, type Sql } from './db.js';
import type { DomainDeps } from './deps.js';
import type { ReadMarkerView, RoomUnread } from './views.js';

// Unread = live messages of others after the caller's read marker (their own posts are read by
// definition); mentions = how many of those mention the caller.

async function unreadOf(sql: Sql, actor: Actor, roomId: number, marker: number): Promise<RoomUnread> {
  const [unread, mentions] = await Promise.all([
    sql('chat_messages')
      .where('room_id', roomId)
      .where('id', '>', marker)
      .whereNull('deleted_at')
      .whereNot('author_id', actor.id)
      .count({ n: '*' })
      .first(),
    sql('message_mentions as mm')
      .join('chat_messages as m', 'm.id', 'mm.message_id')
      .where({ 'mm.user_id': actor.id, 'mm.room_id': roomId })
      .where('mm.message_id', '>', marker)
      .whereNull('m.deleted_at')
      .whereNot('m.author_id', actor.id)
      .count({ n: '*' })
      .first(),
  ]);
  return { room_id: roomId, unread: num(unread?.n ?? 0), mentions: num(mentions?.n ?? 0) };
}

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
  const { knex: sql, dialect } = deps.db;
  await roomOfMember(sql, roomId, actor);
  let target: number;
  if (messageId === undefined) {
    const latest = await sql('chat_messages').where('room_id', roomId).max({ id: 'id' }).first();
    target = num(latest?.id ?? 0);
  } else {
    const message = await sql('chat_messages').where({ id: messageId, room_id: roomId }).first('id');
    if (!message) throw notFound('message');
    target = messageId;
  }
  const greatest = dialect === 'postgresql' ? 'greatest' : 'max';
  await sql('read_markers')
    .insert({ user_id: actor.id, room_id: roomId, last_read_message_id: target, updated_at: now(deps.db) })
    .onConflict(['user_id', 'room_id'])
    .merge({
      last_read_message_id: sql.raw(`${greatest}(read_markers.last_read_message_id, excluded.last_read_message_id)`),
      updated_at: now(deps.db),
    });
  const marker = await sql('read_markers').where({ user_id: actor.id, room_id: roomId }).first('last_read_message_id');
  const last = num(marker?.last_read_message_id ?? target);
  return { ...(await unreadOf(sql, actor, roomId, last)), last_read_message_id: last };
}

/**
 * Unread counts of every room the caller is in, in one statement (a correlated count per room over
 * the `room + id` and mention indexes), not two queries per room one after another.
 */
const UNREAD_OF_EVERY_ROOM = `
select rm.room_id,
  (select count(*) from chat_messages m
    where m.room_id = rm.room_id and m.id > coalesce(rmk.last_read_message_id, 0)
      and m.deleted_at is null and m.author_id <> ?) as unread,
  (select count(*) from message_mentions mm join chat_messages m on m.id = mm.message_id
    where mm.user_id = ? and mm.room_id = rm.room_id and mm.message_id > coalesce(rmk.last_read_message_id, 0)
      and m.deleted_at is null and m.author_id <> ?) as mentions
from room_members rm
left join read_markers rmk on rmk.room_id = rm.room_id and rmk.user_id = rm.user_id
where rm.user_id = ?
order by rm.room_id`;

export async function unread(deps: DomainDeps, actor: Actor): Promise<{ rooms: RoomUnread[]; total: number }> {
  const result = await deps.db.knex.raw(UNREAD_OF_EVERY_ROOM, [actor.id, actor.id, actor.id, actor.id]);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    room_id: unknown;
    unread: unknown;
    mentions: unknown;
  }[];
  const rooms = rows.map((row) => ({
    room_id: num(row.room_id),
    unread: num(row.unread),
    mentions: num(row.mentions),
  }));
  return { rooms, total: rooms.reduce((sum, room) => sum + room.unread, 0) };
}
