import type { Executor } from './database.js';
import { forUpdate, ilike, likeEscape } from './dialect.js';
import { keysetPage, type PageRequest } from './keyset.js';
import { insertRows, placeholders } from './statements.js';

// The reads of both kinds of post — chat messages (of a room) and task comments (of a task) — which
// differ only in their tables; and the writes of a message after it was posted (edit, delete). The
// post itself is written by the post writer.

export type PostKind = 'message' | 'comment';

/** The tables of a kind of post. */
export interface PostTables {
  posts: 'chat_messages' | 'task_comments';
  parent: 'room_id' | 'task_id';
  mentions: 'message_mentions' | 'comment_mentions';
  mentionPost: 'message_id' | 'comment_id';
}

export const POST_TABLES: Record<PostKind, PostTables> = {
  message: { posts: 'chat_messages', parent: 'room_id', mentions: 'message_mentions', mentionPost: 'message_id' },
  comment: { posts: 'task_comments', parent: 'task_id', mentions: 'comment_mentions', mentionPost: 'comment_id' },
};

/** A post as the views read it; `parent_id` is its room or task. */
export interface PostRow {
  id: number;
  parent_id: number;
  author_id: number;
  author_username: string;
  content: string;
  client_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

function selectPosts(kind: PostKind): string {
  const t = POST_TABLES[kind];
  return `select p.id, p.${t.parent} as parent_id, p.author_id, u.username as author_username, p.content, p.client_id,
    p.created_at, p.edited_at, p.deleted_at from ${t.posts} p join users u on u.id = p.author_id`;
}
const SELECT: Record<PostKind, string> = { message: selectPosts('message'), comment: selectPosts('comment') };

export function postById(q: Executor, kind: PostKind, id: number) {
  return q.get<PostRow>(`${SELECT[kind]} where p.id = ?`, [id]);
}

/** A keyset page of a room's messages or a task's comments, tombstones included. */
export function postPage(q: Executor, kind: PostKind, parentId: number, page: PageRequest) {
  return keysetPage<PostRow>(q, `${SELECT[kind]} where p.${POST_TABLES[kind].parent} = ?`, [parentId], 'p.id', page);
}

/** The id of the newest post of a room or task, 0 when it has none. */
export async function latestPostId(q: Executor, kind: PostKind, parentId: number): Promise<number> {
  const t = POST_TABLES[kind];
  const row = await q.get<{ id: number }>(`select id from ${t.posts} where ${t.parent} = ? order by id desc limit 1`, [
    parentId,
  ]);
  return row?.id ?? 0;
}

/**
 * The mentioned usernames of each of `posts` (of one room or task, ascending), in mention order, in one
 * range query over the ids from the first to the last: a history page (or a single post) holds every
 * post of its stream in that range, so that is exactly its posts' mentions (a tombstone has none).
 * Posts that are not a contiguous run of their stream (search results) use `mentionsOfEach`.
 */
// Through the posts' own `parent + id` index, then each post's mentions by the post-id index: one
// plan however many mentions the room or task holds elsewhere.
const MENTIONS_IN_RANGE: Record<PostKind, string> = {
  message: `select m.message_id as post_id, u.username from message_mentions m join users u on u.id = m.user_id
    where m.message_id in (select id from chat_messages where room_id = ? and id between ? and ?) order by m.id`,
  comment: `select m.comment_id as post_id, u.username from comment_mentions m join users u on u.id = m.user_id
    where m.comment_id in (select id from task_comments where task_id = ? and id between ? and ?) order by m.id`,
};

export async function mentionsOf(q: Executor, kind: PostKind, posts: PostRow[]): Promise<Map<number, string[]>> {
  const [first, last] = [posts[0], posts.at(-1)];
  if (!first || !last) return new Map();
  const rows = await q.all<{ post_id: number; username: string }>(MENTIONS_IN_RANGE[kind], [
    first.parent_id,
    Math.min(first.id, last.id),
    Math.max(first.id, last.id),
  ]);
  return groupMentions(rows);
}

/** The mentioned usernames of each of the messages `ids` (any ids), in mention order. */
export async function mentionsOfEach(q: Executor, ids: number[]): Promise<Map<number, string[]>> {
  if (ids.length === 0) return new Map();
  const rows = await q.all<{ post_id: number; username: string }>(
    `select m.message_id as post_id, u.username from message_mentions m join users u on u.id = m.user_id
     where m.message_id in (${placeholders(ids.length)}) order by m.id`,
    ids,
  );
  return groupMentions(rows);
}

function groupMentions(rows: { post_id: number; username: string }[]): Map<number, string[]> {
  const byPost = new Map<number, string[]>();
  for (const row of rows) {
    const list = byPost.get(row.post_id);
    if (list) list.push(row.username);
    else byPost.set(row.post_id, [row.username]);
  }
  return byPost;
}

/**
 * The message, with its room's creator, if the user is a member of its room; with `lock`, its row is
 * held to the end of the caller's transaction (PostgreSQL; SQLite's transactions hold the whole database).
 */
export function messageOfMember(q: Executor, messageId: number, userId: number, options: { lock?: boolean } = {}) {
  return q.get<{
    id: number;
    room_id: number;
    author_id: number;
    edited_at: number | null;
    deleted_at: number | null;
    room_created_by_id: number;
  }>(
    `select m.id, m.room_id, m.author_id, m.edited_at, m.deleted_at, r.created_by_id as room_created_by_id
     from chat_messages m join chat_rooms r on r.id = m.room_id
     where m.id = ? and exists (select 1 from room_members rm where rm.room_id = m.room_id and rm.user_id = ?)${
       options.lock ? forUpdate(q.dialect, 'm') : ''
     }`,
    [messageId, userId],
  );
}

/** Whether the message is in the room. */
export async function messageInRoom(q: Executor, messageId: number, roomId: number): Promise<boolean> {
  return (await q.get('select id from chat_messages where id = ? and room_id = ?', [messageId, roomId])) !== undefined;
}

/** The ids of the users a message mentions now. */
export async function mentionedUserIds(q: Executor, messageId: number): Promise<Set<number>> {
  const rows = await q.all<{ user_id: number }>('select user_id from message_mentions where message_id = ?', [
    messageId,
  ]);
  return new Set(rows.map((row) => row.user_id));
}

/** New content and mentions of a message (in the caller's transaction). */
export async function editMessage(
  q: Executor,
  message: { id: number; roomId: number; content: string; mentioned: number[]; editedAt: Date },
): Promise<void> {
  await q.run('update chat_messages set content = ?, edited_at = ? where id = ?', [
    message.content,
    message.editedAt,
    message.id,
  ]);
  await q.run('delete from message_mentions where message_id = ?', [message.id]);
  await insertRows(
    q,
    'message_mentions',
    ['message_id', 'user_id', 'room_id'],
    message.mentioned.map((userId) => [message.id, userId, message.roomId]),
  );
}

/** A message becomes a tombstone: no content, mentions or notifications (in the caller's transaction). */
export async function tombstoneMessage(q: Executor, messageId: number): Promise<void> {
  await q.run(`update chat_messages set content = '', deleted_at = ? where id = ?`, [new Date(), messageId]);
  await q.run('delete from message_mentions where message_id = ?', [messageId]);
  await q.run('delete from notifications where message_id = ?', [messageId]);
}

/**
 * The window a search looks at: the lowest id among the room's newest `scan` messages before
 * `before`, and whether the window is full (older messages were left unlooked).
 */
export async function searchWindow(q: Executor, roomId: number, before: number | undefined, scan: number) {
  const row = await q.get<{ low: number | null; n: number }>(
    `select min(id) as low, count(*) as n from (select id from chat_messages
       where room_id = ?${before === undefined ? '' : ' and id < ?'} order by id desc limit ?) w`,
    before === undefined ? [roomId, scan] : [roomId, before, scan],
  );
  return { low: row?.low ?? 0, full: (row?.n ?? 0) >= scan };
}

/** Live messages of the room from id `low` (and before `before`) containing `text` (any case), newest first. */
export function searchPosts(
  q: Executor,
  search: { roomId: number; low: number; before: number | undefined; text: string; limit: number },
) {
  const before = search.before === undefined ? '' : ' and p.id < ?';
  return q.all<PostRow>(
    `${SELECT.message} where p.room_id = ? and p.id >= ?${before} and p.deleted_at is null
     and p.content ${ilike(q.dialect)} ? escape '\\' order by p.id desc limit ?`,
    [
      search.roomId,
      search.low,
      ...(search.before === undefined ? [] : [search.before]),
      `%${likeEscape(search.text)}%`,
      search.limit,
    ],
  );
}
