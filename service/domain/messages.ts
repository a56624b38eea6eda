import type { Executor } from '../db/database.js';
import { addToOutbox, type OutboxJob } from '../db/job-outbox.js';
import { isRoomMember } from '../db/member-access.js';
import type { PostRow } from '../db/posts.js';
import * as posts from '../db/posts.js';
import type { MentionJob } from '../queue/mentions.js';
import { notFound } from './access.js';
import type { Actor } from './actor.js';
import { checkClientId, normaliseContent } from './content.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import type { PageRequest } from './keyset.js';
import { type MentionedUser, parseMentions, resolveMentions } from './mentions.js';
import { insertedPostRow, messageView } from './presenters.js';
import { publishStored } from './publish.js';
import type { MessageView, Page } from './views.js';

/** Messages as views, with their mentions (one query for the page). */
async function present(q: Executor, rows: PostRow[]): Promise<MessageView[]> {
  const mentions = await posts.mentionsOf(q, 'message', rows);
  return rows.map((row) => messageView(row, mentions.get(row.id) ?? []));
}

async function loadMessage(q: Executor, messageId: number): Promise<MessageView> {
  const row = await posts.postById(q, 'message', messageId);
  if (!row) throw notFound('message');
  const [view] = await present(q, [row]);
  return view as MessageView;
}

/**
 * The mention job of a message (or of an edit's newly mentioned users), null when it notifies nobody:
 * written to the outbox in the message's transaction, handed to the worker after the commit.
 */
function mentionJob(
  message: { id: number; room_id: number; author_id: number },
  users: MentionedUser[],
  jobId: string,
): OutboxJob | null {
  const recipient_ids = users.map((user) => user.id).filter((id) => id !== message.author_id);
  if (recipient_ids.length === 0) return null;
  const data: MentionJob = {
    kind: 'message',
    message_id: message.id,
    room_id: message.room_id,
    author_id: message.author_id,
    recipient_ids,
  };
  return { jobId, data };
}

export interface PostResult {
  message: MessageView;
  /** False when the client_id was seen before and the original message is returned. */
  created: boolean;
  /**
   * Settles once `message.created` is published and the mention job handed to the queue (never
   * rejects: failures are reported, and a job not handed over is left in the outbox for the worker). HTTP answers after it; the WebSocket acks at once, before the broadcast can arrive.
   */
  announced: Promise<void>;
}

/**
 * Posts a message: rate-limited per user, idempotent by (author, client_id), mentions resolved among
 * the room's members and stored with it (the post writer, in one transaction); once committed,
 * `message.created` is published with the room's previous message id, and the mention job — written
 * to the outbox in the same transaction — is handed to the worker's queue. HTTP and WebSocket both post through here, and a caller's posts are written
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
    handOver: ({ id, mentioned }) =>
      mentionJob({ id, room_id: roomId, author_id: actor.id }, mentioned, `message-${id}`),
  });
  if ('existing' in outcome) {
    if (outcome.existing.parentId !== roomId) {
      throw new DomainError('conflict', 'client_id was already used for a message in another room', 'client_id');
    }
    return {
      message: await loadMessage(deps.db, outcome.existing.id),
      created: false,
      announced: Promise.resolve(),
    };
  }
  const { id, prevId, createdAt, mentioned, handOver } = outcome.created;
  const message = messageView(
    insertedPostRow(id, roomId, actor, content, clientId, createdAt),
    mentioned.map((user) => user.username),
  );
  const announced = Promise.all([
    publishStored(deps, { type: 'message.created', room_id: roomId, prev_id: prevId, message }),
    handOver ? deps.jobs.handOver(handOver) : undefined,
  ]).then(() => {});
  return { message, created: true, announced };
}

/** The message with the room it is in, if the actor is a member of that room. */
async function visibleMessage(q: Executor, actor: Actor, messageId: number, options: { lock?: boolean } = {}) {
  const row = await posts.messageOfMember(q, messageId, actor.id, options);
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
  const { roomId, job } = await db.transaction(async (tx) => {
    const found = await visibleMessage(tx, actor, messageId, { lock: true });
    if (found.author_id !== actor.id) throw new DomainError('forbidden', 'only the author may edit a message');
    if (found.deleted_at !== null) throw new DomainError('conflict', 'a deleted message cannot be edited');
    const before = await posts.mentionedUserIds(tx, messageId);
    const mentioned = await resolveMentions(tx, parseMentions(content), { kind: 'room', id: found.room_id }, actor.id);
    // Each edit of a message a later instant than the last (the row is locked): its job id is its own.
    const editedAt = new Date(Math.max(Date.now(), (found.edited_at ?? 0) + 1));
    await posts.editMessage(tx, {
      id: messageId,
      roomId: found.room_id,
      content,
      mentioned: mentioned.map((user) => user.id),
      editedAt,
    });
    const added = mentioned.filter((user) => !before.has(user.id));
    const job = mentionJob(
      { id: messageId, room_id: found.room_id, author_id: actor.id },
      added,
      `message-${messageId}-e${editedAt.getTime()}`,
    );
    if (job) await addToOutbox(tx, job, editedAt);
    return { roomId: found.room_id, job };
  });
  const message = await loadMessage(db, messageId);
  await Promise.all([
    publishStored(deps, { type: 'message.edited', room_id: roomId, message }),
    job ? deps.jobs.handOver(job) : undefined,
  ]);
  return message;
}

/**
 * The author or the room's creator deletes: the row stays as a tombstone without content, mentions
 * or notifications. Deleting a tombstone again answers the tombstone.
 */
export async function deleteMessage(deps: DomainDeps, actor: Actor, messageId: number): Promise<MessageView> {
  const { db } = deps;
  const outcome = await db.transaction(async (tx) => {
    const found = await visibleMessage(tx, actor, messageId, { lock: true });
    if (found.author_id !== actor.id && found.room_created_by_id !== actor.id) {
      throw new DomainError('forbidden', 'only the author or the room creator may delete a message');
    }
    if (found.deleted_at !== null) return { roomId: found.room_id, changed: false };
    await posts.tombstoneMessage(tx, messageId);
    return { roomId: found.room_id, changed: true };
  });
  const message = await loadMessage(db, messageId);
  if (outcome.changed) await publishStored(deps, { type: 'message.deleted', room_id: outcome.roomId, message });
  return message;
}

async function memberRoom(q: Executor, actor: Actor, roomId: number): Promise<void> {
  if (!(await isRoomMember(q, roomId, actor.id))) throw notFound('room');
}

/** Keyset history of a room, tombstones included (SPEC §6). */
export async function listMessages(
  deps: DomainDeps,
  actor: Actor,
  roomId: number,
  page: PageRequest,
): Promise<Page<MessageView>> {
  await memberRoom(deps.db, actor, roomId);
  const { rows, has_more } = await posts.postPage(deps.db, 'message', roomId, page);
  return { items: await present(deps.db, rows), has_more };
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
  const { db } = deps;
  await memberRoom(db, actor, roomId);
  const window = await posts.searchWindow(db, roomId, page.before, SEARCH_SCAN);
  const rows = await posts.searchPosts(db, {
    roomId,
    low: window.low,
    before: page.before,
    text: q,
    limit: page.limit + 1,
  });
  const more = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit).reverse();
  // Matches are not a contiguous run of the room: their mentions by id.
  const mentions = await posts.mentionsOfEach(
    db,
    pageRows.map((row) => row.id),
  );
  return {
    items: pageRows.map((row) => messageView(row, mentions.get(row.id) ?? [])),
    has_more: more || window.full,
    // With more matches in the window, the next page starts before the oldest one shown.
    scanned_to: more ? (pageRows[0]?.id ?? null) : window.full ? window.low : null,
  };
}

/**
 * A room's messages after `after`, oldest first, for the room's real-time feed: no access check here —
 * the feed checked each subscriber's membership when it subscribed and drops it when that ends.
 */
export async function roomMessagesAfter(deps: DomainDeps, roomId: number, after: number, limit: number) {
  const { rows, has_more } = await posts.postPage(deps.db, 'message', roomId, { after, limit });
  return { items: await present(deps.db, rows), has_more };
}

/** The id of a room's newest message, 0 when it has none. */
export function latestMessageId(deps: DomainDeps, roomId: number): Promise<number> {
  return posts.latestPostId(deps.db, 'message', roomId);
}
