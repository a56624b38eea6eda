import type { Executor } from '../db/database.js';
import { liveComment, liveMessage, membersAmong } from '../db/mention-sources.js';
import { insertNotifications } from '../db/notifications.js';
import type { EventPublisher } from '../events.js';
import type { MentionJob } from '../queue/mentions.js';
import { unreadNotificationCount } from './notifications.js';
import { notificationView } from './presenters.js';
import type { NotificationView } from './views.js';

// The mention job's work (SPEC §8), run by the worker: one MENTION notification per recipient of a
// message or comment, then a push to each recipient. Idempotent: the unique (recipient, source, type)
// key turns a retried job's inserts into no-ops, and only rows this run created are pushed.

export interface MentionNotificationDeps {
  db: Executor;
  events: EventPublisher;
}

interface Source {
  key: string;
  text: string;
  links: { room_id: number | null; message_id: number | null; task_id: number | null; comment_id: number | null };
  /** Recipients who can still see the source: members of its room, or of its task's board. */
  audience: number[];
}

/** What the job refers to, as it is now; undefined when it has been deleted since (nothing to notify). */
async function sourceOf(q: Executor, job: MentionJob): Promise<Source | undefined> {
  if (job.kind === 'message') {
    const row = await liveMessage(q, job.message_id);
    if (!row) return undefined;
    return {
      key: `message:${job.message_id}`,
      text: `${row.username} mentioned you in #${row.room_name}`,
      links: { room_id: job.room_id, message_id: job.message_id, task_id: null, comment_id: null },
      audience: await membersAmong(q, { kind: 'room', id: job.room_id }, job.recipient_ids),
    };
  }
  const row = await liveComment(q, job.comment_id);
  if (!row) return undefined;
  return {
    key: `comment:${job.comment_id}`,
    text: `${row.username} mentioned you on task "${row.title}"`,
    links: { room_id: null, message_id: null, task_id: job.task_id, comment_id: job.comment_id },
    audience: await membersAmong(q, { kind: 'board', id: row.board_id }, job.recipient_ids),
  };
}

/** Creates the job's notifications; returns those this run created (none when it ran before). */
export async function createMentionNotifications(
  deps: MentionNotificationDeps,
  job: MentionJob,
): Promise<NotificationView[]> {
  const { db } = deps;
  const source = await sourceOf(db, job);
  const recipients = source?.audience.filter((id) => id !== job.author_id) ?? [];
  if (!source || recipients.length === 0) return [];
  const rows = await insertNotifications(
    db,
    recipients.map((recipient_id) => ({
      recipient_id,
      sender_id: job.author_id,
      type: 'MENTION',
      text: source.text,
      source: source.key,
      ...source.links,
    })),
  );
  const created = rows.map((row) => ({ recipient: row.recipient_id, notification: notificationView(row) }));
  await Promise.all(
    created.map(async ({ recipient, notification }) =>
      deps.events.publish({
        type: 'notification.created',
        user_id: recipient,
        notification,
        unread_count: await unreadNotificationCount(db, recipient),
      }),
    ),
  );
  return created.map(({ notification }) => notification);
}
