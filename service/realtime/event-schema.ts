import { z } from 'zod';
import type { ChatEvent } from '../events.js';

// Events read from Redis are checked before anything is delivered: a payload that does not parse as a
// ChatEvent (a forged or garbled publish) is dropped, never turned into frames.

const Id = z.number().int().positive();
const User = z.object({ id: Id, username: z.string() });
const Time = z.string();
const Post = {
  id: Id,
  author: User,
  content: z.string(),
  mentions: z.array(z.string()),
  client_id: z.string().nullable(),
  created_at: Time,
  edited_at: Time.nullable(),
  deleted: z.boolean(),
};
const Message = z.object({ ...Post, room_id: Id });
const Comment = z.object({ ...Post, task_id: Id });
const Notification = z.object({
  id: Id,
  type: z.string(),
  text: z.string(),
  sender: User.nullable(),
  room_id: Id.nullable(),
  message_id: Id.nullable(),
  task_id: Id.nullable(),
  comment_id: Id.nullable(),
  is_read: z.boolean(),
  created_at: Time,
});
const Seq = z.number().int().min(0);
const inRoom = (type: string, extra: z.ZodRawShape) => z.object({ type: z.literal(type), room_id: Id, ...extra });

const EventSchema = z.discriminatedUnion('type', [
  inRoom('message.created', { prev_id: Seq, message: Message }),
  inRoom('message.edited', { message: Message }),
  inRoom('message.deleted', { message: Message }),
  z.object({ type: z.literal('comment.created'), task_id: Id, prev_id: Seq, comment: Comment }),
  inRoom('room.member_joined', { user: User }),
  inRoom('room.member_left', { user: User }),
  inRoom('room.deleted', {}),
  inRoom('room.user_joined', { user: User }),
  inRoom('room.user_left', { user: User }),
  inRoom('room.typing', { user: User }),
  inRoom('room.stop_typing', { user: User }),
  z.object({ type: z.literal('notification.created'), user_id: Id, notification: Notification, unread_count: Seq }),
  z.object({ type: z.literal('board.member_removed'), board_id: Id, user: User }),
  z.object({ type: z.literal('token.revoked'), token_hash: z.string() }),
]);

/** The event a Redis payload holds, or undefined when it is not one. */
export function parseEvent(raw: string): ChatEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const result = EventSchema.safeParse(json);
  return result.success ? (json as ChatEvent) : undefined;
}
