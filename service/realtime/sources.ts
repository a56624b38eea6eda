import { streamBoard } from '../db/member-access.js';
import { notFound } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import { latestCommentId, taskCommentsAfter } from '../domain/comments.js';
import type { DomainDeps } from '../domain/deps.js';
import { latestMessageId, roomMessagesAfter } from '../domain/messages.js';
import { countUnreadNotifications, listNotifications, notificationsAfter } from '../domain/notifications.js';
import { roomChannel, taskChannel, userChannel } from '../events.js';
import type { FeedSource } from './feed.js';
import { commentFrame, messageFrame, notificationFrame } from './protocol.js';

// The streams a WebSocket client can follow (SPEC §7), each as a feed source: its Redis channel, how
// its events carry new items, and its items in the database. And who may follow it: checked once, when
// subscribing (the feed drops a subscriber whose access ends).

const PAGE = 100;

export type StreamRef = { kind: 'room' | 'task'; id: number } | { kind: 'notifications' };

export function parseStream(stream: string): StreamRef {
  if (stream === 'notifications') return { kind: 'notifications' };
  const [kind, id] = stream.split(':') as ['room' | 'task', string];
  return { kind, id: Number(id) };
}

/** The board a room or task stream belongs to (its access ends with board membership); null for notifications. */
export async function checkAccess(deps: DomainDeps, actor: Actor, ref: StreamRef): Promise<number | null> {
  if (ref.kind === 'notifications') return null;
  const boardId = await streamBoard(deps.db, ref.kind, ref.id, actor.id);
  if (boardId === undefined) throw notFound(ref.kind);
  return boardId;
}

/** The feed key of a stream: its channel (a user's notifications are their own stream). */
export function channelOfStream(ref: StreamRef, actor: Actor): string {
  if (ref.kind === 'room') return roomChannel(ref.id);
  if (ref.kind === 'task') return taskChannel(ref.id);
  return userChannel(actor.id);
}

export function feedSource(deps: DomainDeps, actor: Actor, ref: StreamRef): FeedSource {
  if (ref.kind === 'room') {
    const roomId = ref.id;
    return {
      channel: roomChannel(roomId),
      latest: () => latestMessageId(deps, roomId),
      after: async (after) => {
        const page = await roomMessagesAfter(deps, roomId, after, PAGE);
        return { items: page.items.map((m) => ({ id: m.id, frame: messageFrame(m) })), has_more: page.has_more };
      },
      itemOf: (event) =>
        event.type === 'message.created'
          ? { item: { id: event.message.id, frame: messageFrame(event.message) }, prevId: event.prev_id }
          : undefined,
    };
  }
  if (ref.kind === 'task') {
    const taskId = ref.id;
    return {
      channel: taskChannel(taskId),
      latest: () => latestCommentId(deps, taskId),
      after: async (after) => {
        const page = await taskCommentsAfter(deps, taskId, after, PAGE);
        return { items: page.items.map((c) => ({ id: c.id, frame: commentFrame(c) })), has_more: page.has_more };
      },
      itemOf: (event) =>
        event.type === 'comment.created'
          ? { item: { id: event.comment.id, frame: commentFrame(event.comment) }, prevId: event.prev_id }
          : undefined,
    };
  }
  // A user's notification ids are not consecutive: each event makes the feed read what is new.
  return {
    channel: userChannel(actor.id),
    latest: async () => (await listNotifications(deps, actor, { limit: 1 })).items[0]?.id ?? 0,
    after: async (after) => {
      const page = await notificationsAfter(deps, actor, after, PAGE);
      const unread = page.items.length ? await countUnreadNotifications(deps, actor) : 0;
      return {
        items: page.items.map((n) => ({ id: n.id, frame: notificationFrame(n, unread) })),
        has_more: page.has_more,
      };
    },
    itemOf: (event) =>
      event.type === 'notification.created'
        ? {
            item: { id: event.notification.id, frame: notificationFrame(event.notification, event.unread_count) },
            prevId: null,
          }
        : undefined,
  };
}
