import type { Redis } from 'ioredis';
import type { CommentView, MessageView, NotificationView, UserRef } from './domain/views.js';

// Real-time fan-out goes through Redis pub/sub (SPEC §7): the write path publishes each stored change
// once, on the channel of the room or task it belongs to, and every service process's WebSocket hub
// subscribes to the channels its clients follow. Payloads are JSON `ChatEvent`s.

/** `prizmai:room:<id>`: message created/edited/deleted, members joined/left, room deleted. */
export function roomChannel(roomId: number): string {
  return `prizmai:room:${roomId}`;
}

/** `prizmai:task:<id>`: comments created. */
export function taskChannel(taskId: number): string {
  return `prizmai:task:${taskId}`;
}

/** `prizmai:user:<id>`: the user's own notifications (the WebSocket `notifications` stream). */
export function userChannel(userId: number): string {
  return `prizmai:user:${userId}`;
}

export type ChatEvent =
  /** prev_id: the room's previous message (0 for its first), so a feed can tell the next item from a gap. */
  | { type: 'message.created'; room_id: number; prev_id: number; message: MessageView }
  | { type: 'message.edited'; room_id: number; message: MessageView }
  | { type: 'message.deleted'; room_id: number; message: MessageView }
  | { type: 'comment.created'; task_id: number; prev_id: number; comment: CommentView }
  | { type: 'room.member_joined'; room_id: number; user: UserRef }
  | { type: 'room.member_left'; room_id: number; user: UserRef }
  | { type: 'room.deleted'; room_id: number }
  | { type: 'room.user_joined'; room_id: number; user: UserRef }
  | { type: 'room.user_left'; room_id: number; user: UserRef }
  | { type: 'room.typing'; room_id: number; user: UserRef }
  | { type: 'room.stop_typing'; room_id: number; user: UserRef }
  | { type: 'notification.created'; user_id: number; notification: NotificationView; unread_count: number }
  | ControlEvent;

/**
 * `prizmai:control`: changes every service process must hear whatever its clients follow — access to a
 * board's rooms and tasks ended, a token revoked (cached handshakes forget it).
 */
export const CONTROL_CHANNEL = 'prizmai:control';
export type ControlEvent =
  | { type: 'board.member_removed'; board_id: number; user: UserRef }
  | { type: 'token.revoked'; token_hash: string };

export function channelOf(event: ChatEvent): string {
  if (event.type === 'board.member_removed' || event.type === 'token.revoked') return CONTROL_CHANNEL;
  if (event.type === 'notification.created') return userChannel(event.user_id);
  return 'task_id' in event ? taskChannel(event.task_id) : roomChannel(event.room_id);
}

/** Publishes stored changes; the use cases depend on this interface, not on Redis. */
export interface EventPublisher {
  publish(event: ChatEvent): Promise<void>;
}

/** Publishes on the given connection (a normal one, not a subscriber connection). */
export function redisPublisher(redis: Redis): EventPublisher {
  return {
    async publish(event) {
      await redis.publish(channelOf(event), JSON.stringify(event));
    },
  };
}
