import { z } from '@hono/zod-openapi';
import type { CommentView, MessageView, NotificationView } from '../domain/views.js';
import type { ChatEvent } from '../events.js';
import { Content, ClientId as HttpClientId, IdNumber as Id } from '../input/fields.js';
import type { ServerFrame } from './server-frames.js';

// The frames of SPEC §7: what clients may send (validated with the same fields as HTTP bodies, so a
// frame refuses what a request refuses), and what the server sends for each event.
export const Stream = z.string().regex(/^(room:[1-9][0-9]{0,9}|task:[1-9][0-9]{0,9}|notifications)$/, {
  error: 'expected room:<id>, task:<id> or notifications',
});
const ClientId = HttpClientId.nullable();

export const ClientFrame = z.discriminatedUnion(
  'type',
  [
    z
      .strictObject({ type: z.literal('subscribe'), stream: Stream, after: z.number().int().min(0).optional() })
      .describe(
        'Follow a stream. With `after`, everything newer than that id is replayed first, then live items follow: no gap, no duplicate. Answered by `subscribed`, or an `error` (`not_found` when not a member)',
      ),
    z.strictObject({ type: z.literal('unsubscribe'), stream: Stream }).describe('Stop following a stream'),
    z
      .strictObject({ type: z.literal('chat_message'), room_id: Id, message: Content, client_id: ClientId })
      .describe(
        'Post a message (1–10,000 characters after trimming). Answered by `ack` once stored, then broadcast like any other; a repeated client_id acks the original',
      ),
    z
      .strictObject({ type: z.literal('comment'), task_id: Id, comment: Content, client_id: ClientId })
      .describe('Post a task comment; `ack` likewise'),
    z
      .strictObject({ type: z.literal('typing'), room_id: Id })
      .describe('Typing in a room; lapses 10 s after the last one'),
    z.strictObject({ type: z.literal('stop_typing'), room_id: Id }).describe('Stopped typing'),
    z.strictObject({ type: z.literal('ping') }).describe('Answered by `pong`'),
  ],
  { error: 'expected a frame of a known type' },
);
export type ClientFrame = z.infer<typeof ClientFrame>;

export type { ServerFrame } from './server-frames.js';

/** A message's fields as its frames carry them. */
function chatFields(message: MessageView) {
  return {
    room_id: message.room_id,
    message_id: message.id,
    user_id: message.author.id,
    username: message.author.username,
    message: message.content,
    mentioned_users: message.mentions,
    timestamp: message.created_at,
    client_id: message.client_id,
  };
}

export function messageFrame(message: MessageView): ServerFrame {
  if (message.deleted) return { type: 'message_deleted', room_id: message.room_id, message_id: message.id };
  return { type: 'chat_message', ...chatFields(message) };
}

export function commentFrame(comment: CommentView): ServerFrame {
  return {
    type: 'new_comment',
    task_id: comment.task_id,
    comment_id: comment.id,
    user_id: comment.author.id,
    username: comment.author.username,
    comment: comment.content,
    mentioned_users: comment.mentions,
    timestamp: comment.created_at,
    client_id: comment.client_id,
  };
}

export function notificationFrame(notification: NotificationView, unreadCount: number): ServerFrame {
  return { type: 'notification', notification, unread_count: unreadCount };
}

/** The frame of an event that is not a new item of its stream (those are `messageFrame`…); else undefined. */
export function updateFrame(event: ChatEvent): ServerFrame | undefined {
  switch (event.type) {
    case 'message.edited':
      return { type: 'message_edited', ...chatFields(event.message), edited_at: event.message.edited_at };
    case 'message.deleted':
      return { type: 'message_deleted', room_id: event.room_id, message_id: event.message.id };
    // Presence: the user's first connection following the room arrived, or their last one went.
    case 'room.user_joined':
      return { type: 'user_join', room_id: event.room_id, user_id: event.user.id, username: event.user.username };
    case 'room.user_left':
      return { type: 'user_leave', room_id: event.room_id, user_id: event.user.id, username: event.user.username };
    case 'room.typing':
      return { type: 'user_typing', room_id: event.room_id, user_id: event.user.id, username: event.user.username };
    case 'room.stop_typing':
      return {
        type: 'user_stop_typing',
        room_id: event.room_id,
        user_id: event.user.id,
        username: event.user.username,
      };
    default:
      return undefined;
  }
}

export function errorFrame(code: string, message: string, ref?: string | null): ServerFrame {
  return { type: 'error', code, message, ...(ref ? { ref } : {}) };
}

/** A frame as sent: serialised once, the same bytes for every socket that gets it. */
export function encode(frame: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(frame));
}
