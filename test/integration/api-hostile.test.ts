import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseFactories } from '../fixtures/databases.js';
import type { Answer, CallOptions } from './support/harness.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

// Every route gets malformed JSON, wrong types, huge numbers, negative and non-numeric ids, oversized
// content, a 1 MiB body, unknown fields and invalid UTF-8: each answer is a 4xx with the error shape,
// and the database is byte-for-byte unchanged afterwards.

interface Route {
  method: string;
  /** With `{board}`, `{room}`, `{task}`, `{message}`, `{notification}` or `{user}` placeholders. */
  path: string;
  /** A valid body: the attacks vary it field by field. */
  body?: Record<string, unknown>;
  /** A valid query string, when the route takes one. */
  query?: string;
  public?: boolean;
}

const ROUTES: Route[] = [
  { method: 'POST', path: '/auth/register', body: { username: 'newcomer', password: 'long enough' }, public: true },
  { method: 'POST', path: '/auth/login', body: { username: 'alice', password: 'correct horse battery' }, public: true },
  { method: 'POST', path: '/auth/logout' },
  { method: 'GET', path: '/me' },
  { method: 'GET', path: '/users', query: 'q=a' },
  { method: 'POST', path: '/boards', body: { name: 'x' } },
  { method: 'GET', path: '/boards' },
  { method: 'GET', path: '/boards/{board}' },
  { method: 'GET', path: '/boards/{board}/members' },
  { method: 'POST', path: '/boards/{board}/members', body: { username: 'dave' } },
  { method: 'DELETE', path: '/boards/{board}/members/{user}' },
  { method: 'POST', path: '/boards/{board}/tasks', body: { title: 't', assignee: 'bob' } },
  { method: 'GET', path: '/boards/{board}/tasks' },
  { method: 'GET', path: '/tasks/{task}' },
  { method: 'GET', path: '/boards/{board}/rooms' },
  { method: 'POST', path: '/boards/{board}/rooms', body: { name: 'n', description: 'd', members: ['bob'] } },
  { method: 'GET', path: '/rooms/{room}' },
  { method: 'PATCH', path: '/rooms/{room}', body: { name: 'renamed', description: 'd' } },
  { method: 'DELETE', path: '/rooms/{room}' },
  { method: 'GET', path: '/rooms/{room}/members' },
  { method: 'POST', path: '/rooms/{room}/members', body: { username: 'carol' } },
  { method: 'DELETE', path: '/rooms/{room}/members/{user}' },
  { method: 'POST', path: '/rooms/{room}/messages', body: { content: 'hi', client_id: 'c1' } },
  { method: 'GET', path: '/rooms/{room}/messages', query: 'limit=5&before=1000' },
  { method: 'GET', path: '/rooms/{room}/messages/search', query: 'q=hi&limit=5' },
  { method: 'PATCH', path: '/messages/{message}', body: { content: 'edited' } },
  { method: 'DELETE', path: '/messages/{message}' },
  { method: 'POST', path: '/rooms/{room}/read', body: { message_id: 1 } },
  { method: 'GET', path: '/unread' },
  { method: 'POST', path: '/tasks/{task}/comments', body: { content: 'hi', client_id: 'k1' } },
  { method: 'GET', path: '/tasks/{task}/comments', query: 'limit=5&after=0' },
  { method: 'GET', path: '/notifications', query: 'unread=true&limit=5' },
  { method: 'GET', path: '/notifications/count' },
  { method: 'POST', path: '/notifications/{notification}/read' },
  { method: 'POST', path: '/notifications/read-all' },
  { method: 'DELETE', path: '/notifications/{notification}' },
  { method: 'DELETE', path: '/notifications' },
];

const TABLES = [
  'users',
  'api_tokens',
  'boards',
  'board_members',
  'tasks',
  'chat_rooms',
  'room_members',
  'chat_messages',
  'message_mentions',
  'task_comments',
  'comment_mentions',
  'notifications',
  'read_markers',
];

const BAD_IDS = ['abc', '-1', '0', '1.5', '1e3', '0x10', '99999999999', '18446744073709551616', '%00', '%FF', ' 1'];
const BAD_USERNAMES = ['has%20space', 'x'.repeat(151), '%00', '%FF'];
const WRONG_TYPES: unknown[] = [123, -1, 1e308, true, null, [], {}, ['x']];
const BAD_BODIES = ['{"content": ', '{', 'not json', '[]', '"text"', 'null', '42', '{"a":1}{"b":2}'];
const BAD_QUERIES = [
  'evil=1',
  'limit=1e9',
  'limit=-5',
  'limit=abc',
  'limit=99999999999999999999',
  'before=abc',
  'before=-1',
  'after=99999999999',
  'q=%FF',
  'board=-1',
  'room=abc',
  'unread=maybe',
];

describe.each(databaseFactories())('hostile input on $dialect', (factory) => {
  const ctx = useService(factory);
  let w: World;
  let ids: Record<string, string>;
  const problems: string[] = [];

  const snapshot = async () => {
    const knex = knexOf(ctx.service);
    const hash = createHash('sha256');
    for (const table of TABLES) hash.update(JSON.stringify(await knex(table).orderBy('id').select('*')));
    return hash.digest('hex');
  };

  const fill = (path: string, overrides: Record<string, string> = {}) =>
    path.replace(/\{(\w+)\}/g, (_, key: string) => overrides[key] ?? ids[key] ?? 'missing');

  /** Sends one hostile request and records anything that is not a 4xx with the error shape. */
  const attack = async (route: Route, label: string, path: string, options: CallOptions, statuses?: number[]) => {
    let answer: Answer;
    try {
      answer = await ctx.service.call(route.method, `/api/v1${path}`, {
        ...(route.public ? {} : { token: w.alice.token }),
        ...options,
      });
    } catch (error) {
      problems.push(`${route.method} ${route.path} ${label}: request failed ${(error as Error).message}`);
      return;
    }
    const shapeOk =
      typeof answer.body === 'object' &&
      answer.body !== null &&
      typeof answer.body.error?.code === 'string' &&
      typeof answer.body.error?.message === 'string' &&
      /^[a-z_]+$/.test(answer.body.error.code);
    const statusOk = statuses ? statuses.includes(answer.status) : answer.status >= 400 && answer.status < 500;
    if (!shapeOk || !statusOk) {
      problems.push(`${route.method} ${route.path} ${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
    const message = await ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
      token: w.alice.token,
      json: { content: 'target' },
    });
    const knex = knexOf(ctx.service);
    const [notification] = await knex('notifications')
      .insert({
        recipient_id: w.alice.id,
        type: 'MENTION',
        text: 't',
        source: 'message:1',
        is_read: ctx.service.dialect === 'sqlite' ? 0 : false,
        created_at: ctx.service.dialect === 'sqlite' ? Date.now() : new Date(),
      })
      .returning('id');
    ids = {
      board: String(w.boardId),
      room: String(w.roomId),
      task: String(w.taskId),
      message: String(message.body.message.id),
      notification: String((notification as { id: number }).id),
      user: 'bob',
    };
  });

  it('every route refuses every hostile input with a 4xx error and changes nothing', async () => {
    const before = await snapshot();

    for (const route of ROUTES) {
      const path = fill(route.path);
      const query = route.query ? `?${route.query}` : '';

      // Ids in the path: non-numeric, negative, zero, fractional, huge, NUL, invalid UTF-8.
      for (const placeholder of route.path.match(/\{(\w+)\}/g) ?? []) {
        const key = placeholder.slice(1, -1);
        for (const bad of key === 'user' ? BAD_USERNAMES : BAD_IDS) {
          await attack(route, `${key}=${bad}`, fill(route.path, { [key]: bad }) + query, { json: route.body });
        }
      }

      // A 1 MiB body (and one just over 64 KiB) to every route that may carry one.
      if (route.method !== 'GET') {
        await attack(route, '1 MiB body', path + query, { raw: `{"x":"${'a'.repeat(1024 * 1024)}"}` }, [413]);
        await attack(route, '64 KiB + 1 body', path + query, { raw: 'a'.repeat(64 * 1024 + 1) }, [413]);
      }

      // Unknown and malformed query parameters, to every route.
      for (const bad of BAD_QUERIES) {
        await attack(route, `query ${bad}`, `${path}?${route.query ? `${route.query}&` : ''}${bad}`, {
          json: route.body,
        });
      }

      if (!route.body) continue;
      // Malformed JSON and JSON that is not an object.
      for (const raw of BAD_BODIES) await attack(route, `body ${raw}`, path + query, { raw });
      // Invalid UTF-8 inside an otherwise valid JSON string; a body that is not JSON at all.
      const invalidUtf8 = Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      await attack(route, 'invalid UTF-8', path + query, { raw: new Uint8Array(invalidUtf8) });
      await attack(route, 'text/plain body', path + query, { raw: 'hello', contentType: 'text/plain' });
      // Unknown fields.
      await attack(route, 'unknown field', path + query, { json: { ...route.body, evil: true } });
      await attack(route, '__proto__ field', path + query, {
        raw: JSON.stringify(route.body).replace('{', '{"__proto__":{"admin":true},'),
      });
      // Every field with every wrong type, and missing.
      for (const field of Object.keys(route.body)) {
        for (const wrong of WRONG_TYPES) {
          if (field === 'message_id' && wrong === null) continue;
          if (field === 'members' && Array.isArray(wrong) && wrong.length === 0) continue; // no extra members
          if (field === 'message_id' && wrong === 123) continue; // a valid id shape (of no message here)
          await attack(route, `${field}=${JSON.stringify(wrong)}`, path + query, {
            json: { ...route.body, [field]: wrong },
          });
        }
        if (field === 'message_id') {
          for (const wrong of ['1', 0, 1.5, 2 ** 31, 2 ** 53, -0.5]) {
            await attack(route, `${field}=${JSON.stringify(wrong)}`, path + query, { json: { [field]: wrong } });
          }
          continue;
        }
        if (field === 'members') continue;
        const blankOk = field === 'description' || field === 'client_id';
        for (const wrong of [...(blankOk ? [] : ['', ' ']), '\u0000', 'a\u0000b', '\ud800', 'x'.repeat(10_001)]) {
          await attack(route, `${field}=${JSON.stringify(wrong.slice(0, 10))}…(${wrong.length})`, path + query, {
            json: { ...route.body, [field]: wrong },
          });
        }
      }
      const optional = ['description', 'members', 'client_id', 'assignee', 'message_id'];
      const required = Object.keys(route.body).filter(
        (field) =>
          (route.method !== 'PATCH' && !optional.includes(field)) || (route.method === 'PATCH' && field === 'content'),
      );
      for (const field of required) {
        const { [field]: _, ...rest } = route.body;
        await attack(route, `missing ${field}`, path + query, { json: rest });
      }
    }

    // Content: 10,001 characters after trimming is refused; emoji count as one character each.
    const room = `/rooms/${ids.room}/messages`;
    const post = ROUTES.find((r) => r.path === '/rooms/{room}/messages') as Route;
    await attack(post, '10,001 characters', room, { json: { content: 'x'.repeat(10_001) } });
    await attack(post, '10,001 emoji', room, { json: { content: '😀'.repeat(10_001) } });
    await attack(post, 'only whitespace', room, { json: { content: ' \n\t ' } });
    await attack(post, 'huge message_id', `/rooms/${ids.room}/read`, { json: { message_id: 2 ** 53 } });
    await attack(post, 'client_id 101 chars', room, { json: { content: 'x', client_id: 'c'.repeat(101) } });

    // A chunked 1 MiB body without Content-Length is cut off by counting, not trusted.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 16; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(97));
        controller.close();
      },
    });
    const chunked = await fetch(`${ctx.service.url}/api/v1/rooms/${ids.room}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.alice.token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

    expect(problems).toEqual([]);
    expect(await snapshot()).toBe(before);
    // And the service still answers normally.
    const ok = await ctx.service.call('GET', '/api/v1/me', { token: w.alice.token });
    expect(ok.status).toBe(200);
  }, 120_000);

  it('names the offending field in invalid_request errors', async () => {
    const answer = await ctx.service.call('POST', `/api/v1/rooms/${ids.room}/messages`, {
      token: w.alice.token,
      json: { content: 'hi', evil: 1 },
    });
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', field: 'evil' });
    const wrongType = await ctx.service.call('POST', `/api/v1/rooms/${ids.room}/messages`, {
      token: w.alice.token,
      json: { content: 42 },
    });
    expect(wrongType.body.error).toMatchObject({ code: 'invalid_request', field: 'content' });
    expect(wrongType.body.error.message).toContain('content');
    const badId = await ctx.service.call('GET', '/api/v1/rooms/abc', { token: w.alice.token });
    expect(badId.body.error).toMatchObject({ code: 'invalid_request', field: 'id' });
    const malformed = await ctx.service.call('POST', '/api/v1/boards', { token: w.alice.token, raw: '{"name":' });
    expect(malformed.body.error).toMatchObject({ code: 'invalid_request', field: 'body' });
    const unknownRoute = await ctx.service.call('GET', '/api/v1/nope', { token: w.alice.token });
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.error.code).toBe('not_found');
  });
});

describe('error logs on sqlite', () => {
  const [sqlite] = databaseFactories();
  const ctx = useService(sqlite as NonNullable<typeof sqlite>);

  it('a failing statement is logged by code, route and a short message, never its SQL or bound values', async () => {
    const w = await buildWorld(ctx.service);
    const knex = knexOf(ctx.service);
    const posted = await ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
      token: w.alice.token,
      json: { content: 'before' },
    });
    await knex.raw(
      `create trigger refuse_secret before update on chat_messages when new.content like '%secret-value%'
       begin select raise(abort, 'refused by a trigger'); end`,
    );
    try {
      const edit = await ctx.service.call('PATCH', `/api/v1/messages/${posted.body.message.id}`, {
        token: w.alice.token,
        json: { content: 'a secret-value nobody may log' },
      });
      expect(edit.status).toBe(500);
      const errors = ctx.service.logs.filter((line) => line.includes('"level":"error"'));
      expect(errors.length).toBeGreaterThan(0);
      const logged = errors.join('\n');
      expect(logged).not.toContain('secret-value');
      expect(logged).not.toContain('chat_messages');
      expect(logged).toContain('refused by a trigger');
      expect(logged).toContain('"route":"/api/v1/messages/:id"');
    } finally {
      await knex.raw('drop trigger refuse_secret');
    }
  });
});

describe('oversized bodies on sqlite', () => {
  const [sqlite] = databaseFactories();
  const ctx = useService(sqlite as NonNullable<typeof sqlite>);

  it('a 1 MiB or 8 MiB body, by Content-Length or chunked, is answered 413 before the connection closes', async () => {
    const w = await buildWorld(ctx.service);
    const url = `${ctx.service.url}/api/v1/rooms/${w.roomId}/messages`;
    const headers = { authorization: `Bearer ${w.alice.token}`, 'content-type': 'application/json' };
    for (const size of [1024 * 1024, 8 * 1024 * 1024]) {
      const body = JSON.stringify({ content: 'x'.repeat(size) });
      const sized = await fetch(url, { method: 'POST', headers, body });
      expect(sized.status).toBe(413);
      expect(((await sized.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      const bytes = new TextEncoder().encode(body);
      const chunked = await fetch(url, {
        method: 'POST',
        headers,
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.slice(i, i + 16 * 1024));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    }
    // A client that sends its whole body before it reads (as simple clients do) gets the answer, not
    // a reset: the service reads the body to its end before answering and closing.
    const { port } = new URL(ctx.service.url);
    for (const size of [1024 * 1024, 8 * 1024 * 1024]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let text = '';
        socket.on('data', (data) => (text += String(data)));
        socket.on('error', reject);
        socket.on('close', () => resolve(text));
        socket.write(
          `POST /api/v1/rooms/${w.roomId}/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${w.alice.token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
        );
        socket.write(Buffer.alloc(size, 97), (error) => (error ? reject(error) : socket.end()));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain('"payload_too_large"');
    }
    const stored = await knexOf(ctx.service)('chat_messages').count('id as n').first();
    expect(Number(stored?.n)).toBe(0);
  });
});
