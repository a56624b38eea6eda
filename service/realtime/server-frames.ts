import { z } from '@hono/zod-openapi';
import { Notification } from '../routes/schemas.js';

// Every frame the server sends (SPEC §7), as schemas: the frame builders and the session are typed by
// them (a frame the code builds that the schemas do not describe does not compile), and /asyncapi.json
// is generated from them, as /openapi.json is from the request schemas.

const id = z.number().int().positive();
const who = { user_id: id, username: z.string() };
const chatFields = {
  room_id: id,
  message_id: id,
  ...who,
  message: z.string(),
  mentioned_users: z.array(z.string()),
  timestamp: z.string().describe('ISO 8601 UTC, when it was stored'),
  client_id: z.string().nullable().describe("the sender's client_id, so a sender can match its own post"),
};
const presence = (type: string, description: string) =>
  z.strictObject({ type: z.literal(type), room_id: id, ...who }).describe(description);

export const ServerFrames = {
  subscribed: z
    .strictObject({ type: z.literal('subscribed'), stream: z.string() })
    .describe('The stream is followed: with `after`, its replay follows, then live items'),
  unsubscribed: z
    .strictObject({ type: z.literal('unsubscribed'), stream: z.string() })
    .describe('The stream is no longer followed'),
  ack: z
    .union([
      z.strictObject({ type: z.literal('ack'), client_id: z.string().nullable(), message_id: id }),
      z.strictObject({ type: z.literal('ack'), client_id: z.string().nullable(), comment_id: id }),
    ])
    .describe('A post is durably stored (sent before its broadcast reaches the sender)'),
  pong: z.strictObject({ type: z.literal('pong') }).describe('The answer to a ping'),
  chat_message: z
    .strictObject({ type: z.literal('chat_message'), ...chatFields })
    .describe('A new message of a followed room'),
  message_edited: z
    .strictObject({ type: z.literal('message_edited'), ...chatFields, edited_at: z.string().nullable() })
    .describe('A message of a followed room was edited'),
  message_deleted: z
    .strictObject({ type: z.literal('message_deleted'), room_id: id, message_id: id })
    .describe('A message was deleted (a tombstone: its content is gone)'),
  new_comment: z
    .strictObject({
      type: z.literal('new_comment'),
      task_id: id,
      comment_id: id,
      ...who,
      comment: z.string(),
      mentioned_users: z.array(z.string()),
      timestamp: z.string(),
      client_id: z.string().nullable(),
    })
    .describe('A new comment of a followed task'),
  user_join: presence('user_join', "A user's first connection following the room arrived"),
  user_leave: presence('user_leave', "A user's last connection following the room left"),
  user_typing: presence('user_typing', 'A user is typing in the room (lapses 10 s after their last typing frame)'),
  user_stop_typing: presence('user_stop_typing', 'A user stopped typing'),
  notification: z
    .strictObject({
      type: z.literal('notification'),
      notification: Notification,
      unread_count: z.number().int().min(0),
    })
    .describe('A new notification of the `notifications` stream, with the unread count after it'),
  error: z
    .strictObject({
      type: z.literal('error'),
      code: z
        .string()
        .describe('invalid_request, not_found, forbidden, conflict, rate_limited, unavailable or internal'),
      message: z.string(),
      ref: z.string().optional().describe("the refused frame's client_id or stream, when it had one"),
    })
    .describe('A frame was refused, or a followed stream ended (the connection stays open)'),
} as const;

export const ServerFrame = z.union(Object.values(ServerFrames) as unknown as [z.ZodType, ...z.ZodType[]]);
export type ServerFrame = {
  [K in keyof typeof ServerFrames]: z.infer<(typeof ServerFrames)[K]>;
}[keyof typeof ServerFrames];
