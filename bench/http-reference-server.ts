// The HTTP benchmark's reference: POST a message and GET a history page, done the plain way on the same
// schema and database file as prizmai — Hono on @hono/node-server, bearer token → user by sha256, a
// membership check, body validation, one better-sqlite3 insert in a transaction with prepared statements,
// one Redis PUBLISH, the JSON answer (the shape of prizmai's, so answers are alike in size). No ORM, no
// query builder, no schema library, no request log. What prizmai is measured against. Run as
// `node dist/bench/http-reference-server.js <port> <sqlite-path> <redis-url>`; prints only errors.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { Redis } from 'ioredis';
import { CLIENT_ID_MAX, CONTENT_MAX } from '../service/domain/content.js';

// The part of better-sqlite3 used here (a dependency of @mikro-orm/better-sqlite).
interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { lastInsertRowid: number | bigint };
}
interface Database {
  pragma(source: string): unknown;
  prepare(sql: string): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}
type Row = { id: number; room_id: number; author_id: number; username: string; content: string } & Record<
  'client_id' | 'created_at' | 'edited_at' | 'deleted_at',
  string | number | null
>;

const [port, path, redisUrl] = [Number(process.argv[2]), process.argv[3] ?? 'bench.db', process.argv[4]];
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => Database;
const db = new Sqlite(path);
for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'foreign_keys = ON']) {
  db.pragma(pragma);
}
const redis = new Redis(redisUrl ?? 'redis://127.0.0.1:6379');
redis.on('error', (error: Error) => process.stderr.write(`http reference server: ${error.message}\n`));

const COLUMNS =
  'm.id, m.room_id, m.author_id, u.username, m.content, m.client_id, m.created_at, m.edited_at, m.deleted_at';
const sql = {
  actor: db.prepare(
    'select u.id, u.username from api_tokens t join users u on u.id = t.user_id where t.token_hash = ? and t.revoked_at is null',
  ),
  member: db.prepare('select 1 from room_members where room_id = ? and user_id = ?'),
  insert: db.prepare(
    'insert into chat_messages (room_id, author_id, content, client_id, created_at) values (?, ?, ?, ?, ?)',
  ),
  older: db.prepare(
    `select ${COLUMNS} from chat_messages m join users u on u.id = m.author_id where m.room_id = ? and m.id < ? order by m.id desc limit ?`,
  ),
  newer: db.prepare(
    `select ${COLUMNS} from chat_messages m join users u on u.id = m.author_id where m.room_id = ? and m.id > ? and m.id < ? order by m.id limit ?`,
  ),
  // A keyset page is every message of the room between its first and last id: their mentions in one range.
  mentions: db.prepare(
    'select mm.message_id, u.username from message_mentions mm join users u on u.id = mm.user_id where mm.room_id = ? and mm.message_id between ? and ? order by mm.id',
  ),
};
const insert = db.transaction((room: number, author: number, content: string, clientId: string | null, at: number) =>
  Number(sql.insert.run(room, author, content, clientId, at).lastInsertRowid),
);

const iso = (value: string | number | null) => (value === null ? null : new Date(Number(value)).toISOString());
const view = (row: Row, mentions: string[]) => ({
  id: row.id,
  room_id: row.room_id,
  author: { id: row.author_id, username: row.username },
  content: row.content,
  mentions,
  client_id: row.client_id,
  created_at: iso(row.created_at),
  edited_at: iso(row.edited_at),
  deleted: row.deleted_at !== null,
});
const fail = (c: Context, status: 400 | 401 | 404, code: string, message: string) =>
  c.json({ error: { code, message } }, status);
const ID = /^[1-9][0-9]{0,9}$/;
// prizmai's text rules: no NUL, no lone surrogate; content 1–CONTENT_MAX code points after trimming.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unclean = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
const tooLong = (text: string, max: number) => text.length > max && [...text].length > max;
const CURSOR = /^(0|[1-9][0-9]{0,9})$/;

/** The caller, if a member of room `:id`: [user, room] or an error answer. */
function access(c: Context): [{ id: number; username: string }, number] | Response {
  const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  const user = token && (sql.actor.get(createHash('sha256').update(token).digest('hex')) as Row | undefined);
  if (!user) return fail(c, 401, 'unauthenticated', 'a valid bearer token is required');
  const room = c.req.param('id') ?? '';
  if (!ID.test(room) || !sql.member.get(Number(room), user.id)) return fail(c, 404, 'not_found', 'room not found');
  return [user, Number(room)];
}

const app = new Hono();
app.get('/healthz', (c) => c.text('ok'));
app.post('/api/v1/rooms/:id/messages', async (c) => {
  const allowed = access(c);
  if (allowed instanceof Response) return allowed;
  const [user, room] = allowed;
  const body = (await c.req.json().catch(() => null)) as { content?: unknown; client_id?: unknown } | null;
  if (typeof body !== 'object' || !body || Object.keys(body).some((k) => k !== 'content' && k !== 'client_id')) {
    return fail(c, 400, 'invalid_request', 'expected {content, client_id?}');
  }
  const content = typeof body.content === 'string' && !unclean(body.content) ? body.content.trim() : '';
  if (!content || tooLong(content, CONTENT_MAX)) return fail(c, 400, 'invalid_request', 'content');
  const clientId = body.client_id ?? null;
  const badId = typeof clientId !== 'string' || !clientId || clientId.length > CLIENT_ID_MAX || unclean(clientId);
  if (clientId !== null && badId) return fail(c, 400, 'invalid_request', 'client_id');
  const createdAt = Date.now();
  const id = insert(room, user.id, content, clientId as string | null, createdAt);
  const row = { id, room_id: room, author_id: user.id, username: user.username, content, client_id: clientId };
  const message = view({ ...row, created_at: createdAt, edited_at: null, deleted_at: null }, []);
  await redis.publish(`prizmai:room:${room}`, JSON.stringify({ type: 'message.created', room_id: room, message }));
  return c.json({ message }, 201);
});
app.get('/api/v1/rooms/:id/messages', (c) => {
  const allowed = access(c);
  if (allowed instanceof Response) return allowed;
  const room = allowed[1];
  const { before, after, limit = '50' } = c.req.query();
  const limitN = Number(limit);
  if ([before, after].some((v) => v !== undefined && !CURSOR.test(v)) || !(limitN >= 1 && limitN <= 100)) {
    return fail(c, 400, 'invalid_request', 'before, after or limit');
  }
  const upTo = before === undefined ? 2 ** 31 : Number(before);
  const rows = (
    after === undefined ? sql.older.all(room, upTo, limitN + 1) : sql.newer.all(room, Number(after), upTo, limitN + 1)
  ) as Row[];
  const hasMore = rows.length > limitN;
  const page = rows.slice(0, limitN);
  if (after === undefined) page.reverse();
  const mentions = new Map<number, string[]>();
  if (page.length > 0) {
    const found = sql.mentions.all(room, page[0]?.id, page.at(-1)?.id) as { message_id: number; username: string }[];
    for (const m of found) mentions.set(m.message_id, [...(mentions.get(m.message_id) ?? []), m.username]);
  }
  return c.json({ messages: page.map((row) => view(row, mentions.get(row.id) ?? [])), has_more: hasMore });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  db.close();
  process.exit(0);
});
