import type { Executor } from './database.js';
import { greatest } from './dialect.js';

// Read markers and unread counts: unread = live messages of others after the reader's marker (their
// own posts are read by definition); mentions = how many of those mention the reader.

export interface UnreadRow {
  room_id: number;
  unread: number;
  mentions: number;
}

/**
 * Moves the user's marker in the room forward to `messageId` (never back, so two devices reading at
 * once never un-read each other's progress); answers where it stands.
 */
export async function advanceMarker(q: Executor, userId: number, roomId: number, messageId: number): Promise<number> {
  const row = await q.get<{ last_read_message_id: number }>(
    `insert into read_markers (user_id, room_id, last_read_message_id, updated_at) values (?, ?, ?, ?)
     on conflict (user_id, room_id) do update set
       last_read_message_id = ${greatest(q.dialect)}(read_markers.last_read_message_id, excluded.last_read_message_id),
       updated_at = excluded.updated_at
     returning last_read_message_id`,
    [userId, roomId, messageId, new Date()],
  );
  return row?.last_read_message_id ?? messageId;
}

/** Sets the user's marker in the room (a newcomer starts at the room's latest message). */
export async function setMarker(q: Executor, userId: number, roomId: number, messageId: number): Promise<void> {
  await q.run(
    `insert into read_markers (user_id, room_id, last_read_message_id, updated_at) values (?, ?, ?, ?)
     on conflict (user_id, room_id) do update set last_read_message_id = excluded.last_read_message_id,
       updated_at = excluded.updated_at`,
    [userId, roomId, messageId, new Date()],
  );
}

const UNREAD_AFTER = `select
  (select count(*) from chat_messages m
    where m.room_id = ? and m.id > ? and m.deleted_at is null and m.author_id <> ?) as unread,
  (select count(*) from message_mentions mm join chat_messages m on m.id = mm.message_id
    where mm.user_id = ? and mm.room_id = ? and mm.message_id > ? and m.deleted_at is null and m.author_id <> ?) as mentions`;

/** The user's unread and mention counts in the room after message `marker`. */
export async function unreadAfter(q: Executor, userId: number, roomId: number, marker: number): Promise<UnreadRow> {
  const row = await q.get<{ unread: number; mentions: number }>(UNREAD_AFTER, [
    roomId,
    marker,
    userId,
    userId,
    roomId,
    marker,
    userId,
  ]);
  return { room_id: roomId, unread: Number(row?.unread ?? 0), mentions: Number(row?.mentions ?? 0) };
}

/**
 * Unread counts of every room the user is in, in one statement (a correlated count per room over the
 * `room + id` and mention indexes), not two queries per room one after another.
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

export async function unreadOfEveryRoom(q: Executor, userId: number): Promise<UnreadRow[]> {
  const rows = await q.all<UnreadRow>(UNREAD_OF_EVERY_ROOM, [userId, userId, userId, userId]);
  return rows.map((row) => ({ room_id: row.room_id, unread: Number(row.unread), mentions: Number(row.mentions) }));
}
