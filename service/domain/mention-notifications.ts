import type { Executor } from '../db/database.js';
import { liveComment, liveMessage, membersAmong } from '../db/mention-sources.js';
import { insertNotifications } from '../db/notifications.js';
import type { MentionJob } from '../queue/mentions.js';
import { type NotificationDeps, pushCreated } from './notification-push.js';
import type { NotificationView } from './views.js';

// The mention job's work (SPEC §8), run by the worker: one MENTION notification per mentioned recipient
// of a message or comment, and for a comment one COMMENT notification to the task's assignee and
// creator (not its author, and not to someone the comment mentions: one notification per recipient and
// comment), then a push to each recipient. Idempotent: the unique (recipient, source, type) key turns a
// retried job's inserts into no-ops, and only rows this run created are pushed.

interface Source {
  key: string;
  text: string;
  links: { room_id: number | null; message_id: number | null; task_id: number | null; comment_id: number | null };
  /** Mentioned users who can still see the source: members of its room, or of its task's board. */
  audience: number[];
  /** A comment's COMMENT notification: its text, and the task's assignee and creator who can still see it. */
  followers?: { text: string; ids: number[] };
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
  const board = { kind: 'board', id: row.board_id } as const;
  const followers = [...new Set([row.assignee_id, row.creator_id])].filter((id): id is number => id !== null);
  return {
    key: `comment:${job.comment_id}`,
    text: `${row.username} mentioned you on task "${row.title}"`,
    links: { room_id: null, message_id: null, task_id: job.task_id, comment_id: job.comment_id },
    audience: await membersAmong(q, board, job.recipient_ids),
    followers: {
      text: `${row.username} commented on task "${row.title}"`,
      ids: await membersAmong(q, board, followers),
    },
  };
}

/** Creates the job's notifications; returns those this run created (none when it ran before). */
export async function createMentionNotifications(deps: NotificationDeps, job: MentionJob): Promise<NotificationView[]> {
  const { db } = deps;
  const source = await sourceOf(db, job);
  if (!source) return [];
  const mentioned = source.audience.filter((id) => id !== job.author_id);
  const notified = new Set(mentioned);
  const followers = (source.followers?.ids ?? []).filter((id) => id !== job.author_id && !notified.has(id));
  const notification = (recipient_id: number, type: 'MENTION' | 'COMMENT', text: string) => ({
    recipient_id,
    sender_id: job.author_id,
    type,
    text,
    source: source.key,
    ...source.links,
  });
  const wanted = [
    ...mentioned.map((id) => notification(id, 'MENTION', source.text)),
    ...followers.map((id) => notification(id, 'COMMENT', source.followers?.text ?? source.text)),
  ];
  if (wanted.length === 0) return [];
  const rows = await insertNotifications(db, wanted);
  return pushCreated(deps, rows);
}
