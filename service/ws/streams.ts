import type { Actor } from '../domain/actor.js';
import { listComments } from '../domain/comments.js';
import type { DomainDeps } from '../domain/deps.js';
import { listMessages } from '../domain/messages.js';
import { countUnreadNotifications, listNotifications, notificationsAfter } from '../domain/notifications.js';
import { roomChannel, taskChannel, userChannel } from '../events.js';
import { commentFrame, messageFrame, notificationFrame, type ServerFrame } from './protocol.js';

// A stream a WebSocket client can follow (SPEC §7): its Redis channel, and its items read from the
// database in id order — the source of truth, so a subscriber gets every item once, in order, whatever
// order the events of several service processes arrive in. Reading also re-checks access.

const PAGE = 100;

export interface StreamSource {
  channel: string;
  /** The newest item's id (0 when none): where a subscription without `after` starts. */
  latest(): Promise<number>;
  /** Items after `after`, oldest first, as frames. */
  after(after: number): Promise<{ frames: { id: number; frame: ServerFrame }[]; has_more: boolean }>;
}

export function streamSource(deps: DomainDeps, actor: Actor, stream: string): StreamSource {
  if (stream === 'notifications') {
    return {
      channel: userChannel(actor.id),
      latest: async () => (await listNotifications(deps, actor, { limit: 1 })).items[0]?.id ?? 0,
      after: async (after) => {
        const page = await notificationsAfter(deps, actor, after, PAGE);
        const unread = page.items.length ? await countUnreadNotifications(deps, actor) : 0;
        return {
          frames: page.items.map((n) => ({ id: n.id, frame: notificationFrame(n, unread) })),
          has_more: page.has_more,
        };
      },
    };
  }
  const [kind, rawId] = stream.split(':') as ['room' | 'task', string];
  const id = Number(rawId);
  if (kind === 'room') {
    return {
      channel: roomChannel(id),
      latest: async () => (await listMessages(deps, actor, id, { limit: 1 })).items.at(-1)?.id ?? 0,
      after: async (after) => {
        const page = await listMessages(deps, actor, id, { after, limit: PAGE });
        return { frames: page.items.map((m) => ({ id: m.id, frame: messageFrame(m) })), has_more: page.has_more };
      },
    };
  }
  return {
    channel: taskChannel(id),
    latest: async () => (await listComments(deps, actor, id, { limit: 1 })).items.at(-1)?.id ?? 0,
    after: async (after) => {
      const page = await listComments(deps, actor, id, { after, limit: PAGE });
      return { frames: page.items.map((c) => ({ id: c.id, frame: commentFrame(c) })), has_more: page.has_more };
    },
  };
}
