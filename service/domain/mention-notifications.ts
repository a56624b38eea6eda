import type { EventPublisher } from '../events.js';
import type { MentionJob } from '../queue/mentions.js';
import { bool, type Db, INSERT_CHUNK, now, num } from './db.js';
import { unreadNotificationCount } from './notifications.js';
import { notificationView } from './presenters.js';
import type { NotificationView } from './views.js';

// The mention job's work (SPEC §8), run by the worker: one MENTION notification per recipient of a
// message or comment, then a push to each recipient. Idempotent: the unique (recipient, source, type)
// key turns a retried job's inserts into no-ops, and only rows this run created are pushed.

export interface MentionNotificationDeps {
  db: Db;
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
async function sourceOf(db: Db, job: MentionJob): Promise<Source | undefined> {
  const { knex } = db;
  if (job.kind === 'message') {
    const row = await knex('chat_messages as m')
      .join('chat_rooms as r', 'r.id', 'm.room_id')
      .join('users as u', 'u.id', 'm.author_id')
      .where('m.id', job.message_id)
      .whereNull('m.deleted_at')
      .first('r.name as room_name', 'u.username');
    if (!row) return undefined;
    const members = await knex('room_members')
      .where('room_id', job.room_id)
      .whereIn('user_id', job.recipient_ids)
      .pluck('user_id');
    return {
      key: `message:${job.message_id}`,
      text: `${row.username} mentioned you in #${row.room_name}`,
      links: { room_id: job.room_id, message_id: job.message_id, task_id: null, comment_id: null },
      audience: members.map(num),
    };
  }
  const row = await knex('task_comments as c')
    .join('tasks as t', 't.id', 'c.task_id')
    .join('users as u', 'u.id', 'c.author_id')
    .where('c.id', job.comment_id)
    .whereNull('c.deleted_at')
    .first('t.title', 't.board_id', 'u.username');
  if (!row) return undefined;
  const members = await knex('board_members')
    .where('board_id', row.board_id)
    .whereIn('user_id', job.recipient_ids)
    .pluck('user_id');
  return {
    key: `comment:${job.comment_id}`,
    text: `${row.username} mentioned you on task "${row.title}"`,
    links: { room_id: null, message_id: null, task_id: job.task_id, comment_id: job.comment_id },
    audience: members.map(num),
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
  const createdAt = now(db);
  const values = recipients.map((recipient_id) => ({
    recipient_id,
    sender_id: job.author_id,
    type: 'MENTION',
    text: source.text,
    source: source.key,
    ...source.links,
    is_read: bool(db, false),
    created_at: createdAt,
  }));
  // In chunks: SQLite refuses a compound insert of more than 500 rows (an @all in a big room).
  const inserted: { id: number }[] = [];
  for (let i = 0; i < values.length; i += INSERT_CHUNK) {
    inserted.push(
      ...(await db
        .knex('notifications')
        .insert(values.slice(i, i + INSERT_CHUNK))
        .onConflict(['recipient_id', 'source', 'type'])
        .ignore()
        .returning('id')),
    );
  }
  const ids = inserted.map((row) => num(typeof row === 'object' ? row.id : row));
  if (ids.length === 0) return [];
  const rows = await db
    .knex('notifications as n')
    .leftJoin('users as s', 's.id', 'n.sender_id')
    .whereIn('n.id', ids)
    .orderBy('n.id')
    .select('n.*', 's.username as sender_username');
  const created = rows.map((row) => ({ recipient: num(row.recipient_id), notification: notificationView(row) }));
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
