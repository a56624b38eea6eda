import { notFound } from './access.js';
import type { Actor } from './actor.js';
import { checkClientId, normaliseContent } from './content.js';
import { insertRows, now, num, type Sql, writeTransaction } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { keysetPage, type PageRequest } from './keyset.js';
import { type MentionedUser, parseMentions, resolveMentions } from './mentions.js';
import { insertedPostRow, messageView } from './presenters.js';
import { publishStored } from './publish.js';
import type { MessageView, Page } from './views.js';

const MESSAGE_COLUMNS = [
  'm.id',
  'm.room_id',
  'm.author_id',
  'u.username as author_username',
  'm.content',
  'm.client_id',
  'm.created_at',
  'm.edited_at',
  'm.deleted_at',
];

type MessageRow = Record<string, unknown> & { id: number; room_id: number; author_id: number };

function messagesQuery(sql: Sql) {
  return sql('chat_messages as m').join('users as u', 'u.id', 'm.author_id').select(MESSAGE_COLUMNS);
}

/** Mentioned usernames of each message, in one query. */
async function mentionsOf(sql: Sql, messageIds: number[]): Promise<Map<number, string[]>> {
  const byMessage = new Map<number, string[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = (await sql('message_mentions as mm')
    .join('users as u', 'u.id', 'mm.user_id')
    .whereIn('mm.message_id', messageIds)
    .orderBy('mm.id')
    .select('mm.message_id', 'u.username')) as { message_id: number; username: string }[];
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push(row.username);
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

async function present(sql: Sql, rows: MessageRow[]): Promise<MessageView[]> {
  const mentions = await mentionsOf(
    sql,
    rows.filter((row) => row.deleted_at === null || row.deleted_at === undefined).map((row) => row.id),
  );
  return rows.map((row) => messageView(row, mentions.get(row.id) ?? []));
}

async function loadMessage(sql: Sql, messageId: number): Promise<MessageView> {
  const row = (await messagesQuery(sql).where('m.id', messageId).first()) as MessageRow | undefined;
  if (!row) throw notFound('message');
  const [view] = await present(sql, [row]);
  return view as MessageView;
}

async function insertMentions(trx: Sql, messageId: number, roomId: number, users: MentionedUser[]): Promise<void> {
  if (users.length === 0) return;
  await insertRows(
    trx,
    'message_mentions',
    users.map((user) => ({ message_id: messageId, user_id: user.id, room_id: roomId })),
  );
}

async function enqueueMentions(
  deps: DomainDeps,
  message: { id: number; room_id: number; author_id: number },
  users: MentionedUser[],
  jobId: string,
): Promise<void> {
  const recipient_ids = users.map((user) => user.id).filter((id) => id !== message.author_id);
  if (recipient_ids.length === 0) return;
  try {
    await deps.mentions.enqueue(
      {
        kind: 'message',
        message_id: message.id,
        room_id: message.room_id,
        author_id: message.author_id,
        recipient_ids,
      },
      jobId,
    );
  } catch (error) {
    deps.reportError('enqueue mention job', error);
  }
}

export interface PostResult {
  message: MessageView;
  /** False when the client_id was seen before and the original message is returned. */
  created: boolean;
  /**
   * Settles once `message.created` is published and the mention job queued (never rejects: failures
   * are reported). HTTP answers after it; the WebSocket acks at once, before the broadcast can arrive.
   */
  announced: Promise<void>;
}

/**
 * Posts a message: rate-limited per user, idempotent by (author, client_id), mentions resolved among
 * the room's members and stored with it (the post writer, in one transaction); once committed,
 * `message.created` is published with the room's previous message id, and mention notifications are
 * queued for the worker. HTTP and WebSocket both post through here, and a caller's posts are written
 * in the order of its calls.
 */
export async function postMessage(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  input: { content: string; client_id?: string | null | undefined },
): Promise<PostResult> {
  const content = normaliseContent(input.content);
  const clientId = checkClientId(input.client_id);
  await deps.limiter.take(actor.id);
  const outcome = await deps.posts.write({
    kind: 'message',
    actor,
    parentId: roomId,
    content,
    clientId,
    mentions: parseMentions(content),
  });
  if ('existing' in outcome) {
    if (outcome.existing.parentId !== roomId) {
      throw new DomainError('conflict', 'client_id was already used for a message in another room', 'client_id');
    }
    return {
      message: await loadMessage(deps.db.knex, outcome.existing.id),
      created: false,
      announced: Promise.resolve(),
    };
  }
  const { id, prevId, createdAt, mentioned } = outcome.created;
  const message = messageView(
    { ...insertedPostRow(id, actor, content, clientId, createdAt), room_id: roomId },
    mentioned.map((user) => user.username),
  );
  const announced = Promise.all([
    publishStored(deps, { type: 'message.created', room_id: roomId, prev_id: prevId, message }),
    enqueueMentions(deps, { id, room_id: roomId, author_id: actor.id }, mentioned, `message-${id}`),
  ]).then(() => {});
  return { message, created: true, announced };
}

/** The message with the room it is in, if the actor is a member of that room. */
async function visibleMessage(sql: Sql, actor: Actor, messageId: number) {
  const row = (await sql('chat_messages as m')
    .join('room_members as rm', function () {
      this.on('rm.room_id', 'm.room_id').andOnVal('rm.user_id', actor.id);
    })
    .join('chat_rooms as r', 'r.id', 'm.room_id')
    .where('m.id', messageId)
    .first('m.id', 'm.room_id', 'm.author_id', 'm.deleted_at', 'r.created_by_id as room_created_by_id')) as
    | { id: number; room_id: number; author_id: number; deleted_at: unknown; room_created_by_id: number }
    | undefined;
  if (!row) throw notFound('message');
  return row;
}

/** The author edits (rate-limited like a post); mentions are parsed again and newly mentioned users notified. */
export async function editMessage(
  deps: DomainDeps,
  actor: Actor,
  messageId: number,
  input: { content: string },
): Promise<MessageView> {
  const content = normaliseContent(input.content);
  // An edit costs what a post costs (SPEC §3 limits.*): the same per-user bucket.
  await deps.limiter.take(actor.id);
  const { db } = deps;
  const { roomId, added } = await writeTransaction(db, async (trx) => {
    const found = await visibleMessage(trx, actor, messageId);
    if (found.author_id !== actor.id) throw new DomainError('forbidden', 'only the author may edit a message');
    if (found.deleted_at !== null && found.deleted_at !== undefined) {
      throw new DomainError('conflict', 'a deleted message cannot be edited');
    }
    const before = new Set(
      ((await trx('message_mentions').where('message_id', messageId).select('user_id')) as { user_id: number }[]).map(
        (row) => row.user_id,
      ),
    );
    const mentioned = await resolveMentions(
      trx,
      parseMentions(content),
      { table: 'room_members', column: 'room_id', id: found.room_id },
      actor.id,
    );
    await trx('chat_messages')
      .where('id', messageId)
      .update({ content, edited_at: now(db) });
    await trx('message_mentions').where('message_id', messageId).delete();
    await insertMentions(trx, messageId, found.room_id, mentioned);
    return { roomId: found.room_id, added: mentioned.filter((user) => !before.has(user.id)) };
  });
  const message = await loadMessage(db.knex, messageId);
  await Promise.all([
    publishStored(deps, { type: 'message.edited', room_id: roomId, message }),
    enqueueMentions(
      deps,
      { id: messageId, room_id: roomId, author_id: actor.id },
      added,
      `message-${messageId}-e${Date.parse(message.edited_at ?? '') || Date.now()}`,
    ),
  ]);
  return message;
}

/**
 * The author or the room's creator deletes: the row stays as a tombstone without content, mentions
 * or notifications. Deleting a tombstone again answers the tombstone.
 */
export async function deleteMessage(deps: DomainDeps, actor: Actor, messageId: number): Promise<MessageView> {
  const { db } = deps;
  const outcome = await writeTransaction(db, async (trx) => {
    const found = await visibleMessage(trx, actor, messageId);
    if (found.author_id !== actor.id && found.room_created_by_id !== actor.id) {
      throw new DomainError('forbidden', 'only the author or the room creator may delete a message');
    }
    if (found.deleted_at !== null && found.deleted_at !== undefined) return { roomId: found.room_id, changed: false };
    await trx('chat_messages')
      .where('id', messageId)
      .update({ content: '', deleted_at: now(db) });
    await trx('message_mentions').where('message_id', messageId).delete();
    await trx('notifications').where('message_id', messageId).delete();
    return { roomId: found.room_id, changed: true };
  });
  const message = await loadMessage(db.knex, messageId);
  if (outcome.changed) await publishStored(deps, { type: 'message.deleted', room_id: outcome.roomId, message });
  return message;
}

async function memberRoom(sql: Sql, actor: Actor, roomId: number): Promise<void> {
  const row = await sql('room_members').where({ room_id: roomId, user_id: actor.id }).first('id');
  if (!row) throw notFound('room');
}

/** Keyset history of a room, tombstones included (SPEC §6). */
export async function listMessages(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  page: PageRequest,
): Promise<Page<MessageView>> {
  const sql = deps.db.knex;
  await memberRoom(sql, actor, roomId);
  const { rows, has_more } = await keysetPage<MessageRow>(messagesQuery(sql).where('m.room_id', roomId), 'm.id', page);
  return { items: await present(sql, rows), has_more };
}

/** A search looks at most this many of a room's messages per call (SPEC §10: no input costs more than that). */
export const SEARCH_SCAN = 5000;

export interface SearchPage extends Page<MessageView> {
  /**
   * The oldest message id the search looked at, when older messages were left unlooked: pass it as
   * `before` to search further back. Null when the search reached the room's first message.
   */
  scanned_to: number | null;
}

/**
 * Live (not deleted) messages of a room containing `q`, case-insensitively, newest first in pages
 * (each ascending), like history. Each call scans at most SEARCH_SCAN messages before `before` — a
 * bounded cost on a room of any size; `has_more` says more matches or unscanned messages remain.
 */
export async function searchMessages(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  q: string,
  page: { before?: number | undefined; limit: number },
): Promise<SearchPage> {
  const { knex: sql, dialect } = deps.db;
  await memberRoom(sql, actor, roomId);
  const window = sql('chat_messages').select('id').where('room_id', roomId).orderBy('id', 'desc').limit(SEARCH_SCAN);
  if (page.before !== undefined) window.where('id', '<', page.before);
  const scanned = (await sql
    .from(window.as('w'))
    .select(sql.raw('min(id) as low'), sql.raw('count(*) as n'))
    .first()) as { low: unknown; n: unknown } | undefined;
  const low = num(scanned?.low ?? 0);
  const windowFull = num(scanned?.n ?? 0) >= SEARCH_SCAN;
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const rows = (await messagesQuery(sql)
    .where('m.room_id', roomId)
    .where('m.id', '>=', low)
    .modify((query) => {
      if (page.before !== undefined) query.where('m.id', '<', page.before);
    })
    .whereNull('m.deleted_at')
    .whereRaw(`m.content ${dialect === 'postgresql' ? 'ilike' : 'like'} ? escape '\\'`, [pattern])
    .orderBy('m.id', 'desc')
    .limit(page.limit + 1)) as MessageRow[];
  const more = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit).reverse();
  return {
    items: await present(sql, pageRows),
    has_more: more || windowFull,
    // With more matches in the window, the next page starts before the oldest one shown.
    scanned_to: more ? (pageRows[0]?.id ?? null) : windowFull ? low : null,
  };
}

/**
 * A room's messages after `after`, oldest first, for the room's real-time feed: no access check here —
 * the feed checked each subscriber's membership when it subscribed and drops it when that ends.
 */
export async function roomMessagesAfter(deps: DomainDeps, roomId: number, after: number, limit: number) {
  const sql = deps.db.knex;
  const { rows, has_more } = await keysetPage<MessageRow>(messagesQuery(sql).where('m.room_id', roomId), 'm.id', {
    after,
    limit,
  });
  return { items: await present(sql, rows), has_more };
}

/** The id of a room's newest message, 0 when it has none. */
export async function latestMessageId(deps: DomainDeps, roomId: number): Promise<number> {
  const row = await deps.db.knex('chat_messages').where('room_id', roomId).max('id as id').first();
  return num((row as { id: unknown } | undefined)?.id ?? 0);
}
