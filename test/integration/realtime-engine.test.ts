// The real-time engine under load and hostile use (SPEC §7), over real sockets, Redis and databases:
// one feed per stream (no database read per subscriber or per message in steady state), gaps repaired
// with one read for all subscribers, subscriptions serialised per connection and capped, access kept
// current (a user removed from the board gets nothing more), frames checked like HTTP bodies, and one
// connection's posts stored and acked in the order sent.

import type { ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { redisPublisher, roomChannel } from '../../service/events.js';
import { type DatabaseFactory, databaseFactories } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { startWorkerProcess } from '../fixtures/service-process.js';
import { startSqliteContender } from '../fixtures/sqlite-contender.js';
import { type Client, connectClient } from '../fixtures/ws-client.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('real-time engine on $dialect', (factory) => {
  const ctx = useService(factory);
  let w: World;
  const clients: Client[] = [];
  const api = (method: string, path: string, token: string, json?: unknown) =>
    ctx.service.call(method, `/api/v1${path}`, { token, json });
  const connect = async (token: string) => {
    const client = await connectClient(ctx.service.url, token);
    clients.push(client);
    return client;
  };
  const subscribe = async (client: Client, stream: string, after?: number) => {
    client.send({ type: 'subscribe', stream, ...(after === undefined ? {} : { after }) });
    return client.next((f) => (f.type === 'subscribed' || f.type === 'error') && (f.stream ?? f.ref) === stream);
  };
  const chatIds = (client: Client, roomId: number) =>
    client.frames.filter((f) => f.type === 'chat_message' && f.room_id === roomId).map((f) => f.message_id as number);
  const post = async (token: string, content: string, roomId = w.roomId) =>
    (await api('POST', `/rooms/${roomId}/messages`, token, { content })).body.message.id as number;

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
  });
  afterAll(() => {
    for (const client of clients) client.close();
  });

  it('steady state: N subscribers × M messages read nothing from the database per subscriber or message', async () => {
    const subscribers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => connect(i % 2 ? w.alice.token : w.bob.token)),
    );
    for (const client of subscribers) expect((await subscribe(client, `room:${w.roomId}`)).type).toBe('subscribed');
    const poster = await connect(w.alice.token);
    const readsBefore = ctx.service.feedReads.length;
    const queriesBefore = ctx.service.queries.length;
    const M = 40;
    for (let i = 0; i < M; i++)
      poster.send({ type: 'chat_message', room_id: w.roomId, message: `steady ${i} @bob`, client_id: `steady-${i}` });
    const acks = await poster.collect((f) => f.type === 'ack' && String(f.client_id).startsWith('steady-'), M);
    const ids = acks.map((f) => f.message_id as number);
    for (const client of subscribers) {
      await client.collect((f) => f.type === 'chat_message' && ids.includes(f.message_id), M);
      expect(chatIds(client, w.roomId).filter((id) => ids.includes(id))).toEqual(ids);
    }
    // No feed read, and no statement reading messages back (history reads join the author as `m`/`u`;
    // the writer's own statements look up only ids): the posts' writes only.
    expect(ctx.service.feedReads.slice(readsBefore)).toEqual([]);
    const reads = ctx.service.queries
      .slice(queriesBefore)
      .filter((sql) => /chat_messages[`"]? as [`"]?m[`"]?/.test(sql) || /max\(/.test(sql));
    expect(reads).toEqual([]);
    for (const client of subscribers) client.close();
  });

  it('a gap (an event withheld, or events out of order) is repaired with one read for all subscribers', async () => {
    const subscribers = await Promise.all(Array.from({ length: 5 }, () => connect(w.bob.token)));
    for (const client of subscribers) await subscribe(client, `room:${w.roomId}`);
    const knex = knexOf(ctx.service);
    const insert = async (content: string) => {
      const [row] = await knex('chat_messages')
        .insert({
          room_id: w.roomId,
          author_id: w.alice.id,
          content,
          created_at: ctx.service.dialect === 'sqlite' ? Date.now() : new Date(),
        })
        .returning('id');
      return Number((row as { id: unknown }).id);
    };
    // Withheld: stored, never published; the next post's event names it as its predecessor.
    const withheld = await insert('withheld');
    const readsBefore = ctx.service.feedReads.length;
    const next = await post(w.alice.token, 'after the withheld one');
    for (const client of subscribers) {
      await client.collect((f) => f.type === 'chat_message' && f.message_id === next, 1);
      expect(chatIds(client, w.roomId).slice(-2)).toEqual([withheld, next]);
    }
    expect(ctx.service.feedReads.slice(readsBefore)).toEqual([{ channel: roomChannel(w.roomId), reason: 'gap' }]);

    // Out of order: two stored messages whose events arrive second first.
    const first = await insert('first');
    const second = await insert('second');
    const view = (id: number, content: string) => ({
      id,
      room_id: w.roomId,
      author: { id: w.alice.id, username: 'alice' },
      content,
      mentions: [],
      client_id: null,
      created_at: new Date().toISOString(),
      edited_at: null,
      deleted: false,
    });
    const publisher = redisPublisher(ctx.service.redis);
    const gapReads = ctx.service.feedReads.length;
    await publisher.publish({
      type: 'message.created',
      room_id: w.roomId,
      prev_id: first,
      message: view(second, 'second'),
    });
    await publisher.publish({
      type: 'message.created',
      room_id: w.roomId,
      prev_id: next,
      message: view(first, 'first'),
    });
    const last = await post(w.alice.token, 'in order again');
    for (const client of subscribers) {
      await client.collect((f) => f.type === 'chat_message' && f.message_id === last, 1);
      expect(chatIds(client, w.roomId).slice(-3)).toEqual([first, second, last]);
    }
    expect(ctx.service.feedReads.slice(gapReads)).toEqual([{ channel: roomChannel(w.roomId), reason: 'gap' }]);
    for (const client of subscribers) client.close();
  });

  it('an event read from Redis that is not one (forged or garbled) is dropped and logged, never delivered', async () => {
    const client = await connect(w.bob.token);
    await subscribe(client, `room:${w.roomId}`);
    const channel = roomChannel(w.roomId);
    await ctx.service.redis.publish(channel, JSON.stringify({ type: 'message.edited', room_id: w.roomId }));
    await ctx.service.redis.publish(channel, '{"type":"room.typing","room_id":1,"user":{"id":"x"}}');
    await ctx.service.redis.publish(channel, 'not json at all');
    const real = await post(w.alice.token, 'the real one after forgeries');
    await client.next((f) => f.type === 'chat_message' && f.message_id === real);
    expect(client.frames.filter((f) => f.type === 'message_edited' || f.type === 'user_typing')).toEqual([]);
    expect(ctx.service.logs.filter((line) => line.includes('dropped an event'))).toHaveLength(3);
    client.close();
  });

  it('three rapid identical subscribes leave one subscription; unsubscribe leaves none', async () => {
    const client = await connect(w.bob.token);
    for (let i = 0; i < 3; i++) client.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    client.send({ type: 'subscribe', stream: `task:${w.taskId}` });
    await client.collect((f) => f.type === 'subscribed', 4);
    const once = await post(w.alice.token, 'delivered once');
    // The comment is published after the message, on the same connection: it arrives after it.
    await api('POST', `/tasks/${w.taskId}/comments`, w.alice.token, { content: 'marker 1' });
    await client.next((f) => f.type === 'new_comment' && f.comment === 'marker 1');
    expect(chatIds(client, w.roomId).filter((id) => id === once)).toHaveLength(1);

    client.send({ type: 'unsubscribe', stream: `room:${w.roomId}` });
    await client.next((f) => f.type === 'unsubscribed');
    const none = await post(w.alice.token, 'delivered to nobody here');
    await api('POST', `/tasks/${w.taskId}/comments`, w.alice.token, { content: 'marker 2' });
    await client.next((f) => f.type === 'new_comment' && f.comment === 'marker 2');
    expect(chatIds(client, w.roomId)).not.toContain(none);
  });

  it('a burst of 150 subscribes opens at most 100 streams', async () => {
    const knex = knexOf(ctx.service);
    const now = ctx.service.dialect === 'sqlite' ? Date.now() : new Date();
    const rooms: number[] = [];
    for (let i = 0; i < 150; i++) {
      const [row] = await knex('chat_rooms')
        .insert({
          board_id: w.boardId,
          name: `burst-${i}`,
          description: '',
          created_by_id: w.alice.id,
          created_at: now,
        })
        .returning('id');
      rooms.push(Number((row as { id: unknown }).id));
    }
    await knex('room_members').insert(rooms.map((room_id) => ({ room_id, user_id: w.bob.id, created_at: now })));
    const client = await connect(w.bob.token);
    for (const roomId of rooms) client.send({ type: 'subscribe', stream: `room:${roomId}` });
    const answers = await client.collect((f) => f.type === 'subscribed' || f.type === 'error', 150, 20_000);
    expect(answers.filter((f) => f.type === 'subscribed')).toHaveLength(100);
    const refused = answers.filter((f) => f.type === 'error');
    expect(refused).toHaveLength(50);
    expect(refused[0]).toMatchObject({ code: 'invalid_request', message: 'at most 100 streams per connection' });
    client.close();
  });

  it('a user removed from the board gets nothing more of its rooms and tasks: posts, edits, typing', async () => {
    const carol = await connect(w.carol.token);
    await api('POST', `/rooms/${w.roomId}/members`, w.alice.token, { username: 'carol' });
    expect((await subscribe(carol, `room:${w.roomId}`)).type).toBe('subscribed');
    expect((await subscribe(carol, `task:${w.taskId}`)).type).toBe('subscribed');
    const alice = await connect(w.alice.token);
    await subscribe(alice, `room:${w.roomId}`);
    await subscribe(alice, `task:${w.taskId}`);

    expect((await api('DELETE', `/boards/${w.boardId}/members/carol`, w.alice.token)).status).toBe(204);
    const ended = await carol.collect((f) => f.type === 'error' && f.code === 'not_found', 2);
    expect(ended.map((f) => f.ref).sort()).toEqual([`room:${w.roomId}`, `task:${w.taskId}`]);

    const id = await post(w.alice.token, 'after carol left');
    await api('PATCH', `/messages/${id}`, w.alice.token, { content: 'edited after carol left' });
    alice.send({ type: 'typing', room_id: w.roomId });
    await api('POST', `/tasks/${w.taskId}/comments`, w.alice.token, { content: 'comment after carol left' });
    await alice.next((f) => f.type === 'message_edited' && f.message_id === id);
    await alice.next((f) => f.type === 'new_comment' && f.comment === 'comment after carol left');
    // Whatever the service sent carol before this pong has arrived before it.
    carol.send({ type: 'ping' });
    await carol.next((f) => f.type === 'pong');
    const leaked = carol.frames.filter((f) =>
      ['chat_message', 'message_edited', 'user_typing', 'new_comment'].includes(f.type),
    );
    expect(leaked).toEqual([]);
    // Subscribing again is refused: what the feed knew of carol's access went with the removal.
    expect((await subscribe(carol, `room:${w.roomId}`)).code).toBe('not_found');
    expect((await subscribe(carol, `task:${w.taskId}`)).code).toBe('not_found');
    alice.send({ type: 'stop_typing', room_id: w.roomId });
    await api('POST', `/boards/${w.boardId}/members`, w.alice.token, { username: 'carol' });
  });

  it('frames are checked like HTTP bodies: NUL, lone surrogates, over-long client ids refused, nothing stored', async () => {
    const client = await connect(w.alice.token);
    const knex = knexOf(ctx.service);
    const count = async () => Number((await knex('chat_messages').count('id as n').first())?.n);
    const before = await count();
    const hostile = [
      { message: 'nul \u0000 inside', client_id: 'h1' },
      { message: 'lone \ud800 surrogate', client_id: 'h2' },
      { message: 'fine', client_id: 'x'.repeat(101) },
      { message: 'fine', client_id: 'nul\u0000' },
      { message: '   ', client_id: 'h5' },
    ];
    for (const frame of hostile) client.send({ type: 'chat_message', room_id: w.roomId, ...frame });
    const errors = await client.collect((f) => f.type === 'error', hostile.length);
    for (const error of errors) expect(error.code).toBe('invalid_request');
    client.send({ type: 'chat_message', room_id: w.roomId, message: 'the one that is fine', client_id: 'h-ok' });
    await client.next((f) => f.type === 'ack' && f.client_id === 'h-ok');
    expect(await count()).toBe(before + 1);
  });

  it('3,000 frames sent back to back on one socket are stored and acked in the order sent', async () => {
    const client = await connect(w.bob.token);
    const N = 3000;
    const frames = Array.from({ length: N }, (_, i) =>
      JSON.stringify({ type: 'chat_message', room_id: w.roomId, message: `burst ${i}`, client_id: `burst-${i}` }),
    );
    for (const frame of frames) client.ws.send(frame);
    const acks = await client.collect((f) => f.type === 'ack' && String(f.client_id).startsWith('burst-'), N, 60_000);
    expect(acks.map((f) => f.client_id)).toEqual(frames.map((_, i) => `burst-${i}`));
    const ids = acks.map((f) => f.message_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
    const stored = await knexOf(ctx.service)('chat_messages')
      .where('author_id', w.bob.id)
      .where('client_id', 'like', 'burst-%')
      .orderBy('id')
      .select('client_id');
    expect(stored.map((row) => row.client_id)).toEqual(frames.map((_, i) => `burst-${i}`));
  }, 90_000);
});

describe('real-time engine on SQLite beside the worker and another writing process', () => {
  const [sqlite] = databaseFactories();
  const ctx = useService(sqlite as DatabaseFactory);
  const clients: Client[] = [];
  let contender: ChildProcess | undefined;
  let worker: { stop(): Promise<void> } | undefined;
  afterAll(async () => {
    for (const client of clients) client.close();
    contender?.kill('SIGKILL');
    await worker?.stop();
  });

  it('concurrent WebSocket posts while the worker writes notifications: all acked and stored, none refused', async () => {
    const w = await buildWorld(ctx.service);
    const dbPath = ctx.service.database.url.slice('sqlite:'.length);
    // The real worker process turns the posts' @bob mentions into notifications in the same file.
    worker = await startWorkerProcess({
      dir: dirname(dbPath),
      databaseUrl: ctx.service.database.url,
      redisUrl: ctx.redis.url,
    });
    const started = await startSqliteContender(dbPath, [w.carol.id, w.alice.id], 4000);
    contender = started.child;
    const posters = await Promise.all(
      [w.alice, w.bob, w.alice, w.bob].map((p) => connectClient(ctx.service.url, p.token)),
    );
    clients.push(...posters);
    const PER = 300;
    posters.forEach((client, c) => {
      for (let i = 0; i < PER; i++) {
        client.send({
          type: 'chat_message',
          room_id: w.roomId,
          message: `contended ${c}/${i} @bob`,
          client_id: `c${c}-${i}`,
        });
      }
    });
    for (const client of posters) {
      await client.collect((f) => f.type === 'ack' || f.type === 'error', PER, 30_000);
      expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
    }
    const written = await started.done;
    expect(written).toBeGreaterThan(0);
    const stored = await knexOf(ctx.service)('chat_messages')
      .where('content', 'like', 'contended %')
      .count('id as n')
      .first();
    expect(Number(stored?.n)).toBe(PER * posters.length);
    expect(ctx.service.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    // The worker wrote too: a MENTION notification for bob per post of alice's that mentions him.
    const fromAlice = PER * 2;
    await eventually(async () => {
      const row = await knexOf(ctx.service)('notifications')
        .where({ recipient_id: w.bob.id, type: 'MENTION' })
        .count('id as n')
        .first();
      return Number(row?.n) === fromAlice ? true : undefined;
    }, 20_000);
  }, 60_000);
});

describe('connections per user', () => {
  const [sqlite] = databaseFactories();
  const ctx = useService(sqlite as DatabaseFactory, { limits: { connectionsPerUser: 3 } });
  const sockets: WebSocket[] = [];
  afterAll(() => {
    for (const ws of sockets) ws.terminate();
  });

  const handshake = (token: string) =>
    new Promise<{ status: number; ws: WebSocket; body: string }>((resolve) => {
      const ws = new WebSocket(`${ctx.service.url.replace('http', 'ws')}/ws`, {
        headers: { authorization: `Bearer ${token}` },
      });
      sockets.push(ws);
      ws.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk) => (body += String(chunk)));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ws, body }));
      });
      ws.on('open', () => resolve({ status: 101, ws, body: '' }));
      ws.on('error', () => {});
    });

  it('past limits.connectionsPerUser the handshake is refused with 429, even in one burst; others are not', async () => {
    const w = await buildWorld(ctx.service);
    const burst = await Promise.all(Array.from({ length: 20 }, () => handshake(w.alice.token)));
    expect(burst.filter((answer) => answer.status === 101)).toHaveLength(3);
    const refused = burst.filter((answer) => answer.status !== 101);
    expect(refused).toHaveLength(17);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(JSON.parse(answer.body).error).toMatchObject({ code: 'rate_limited' });
    }
    expect((await handshake(w.bob.token)).status).toBe(101);
    // One closed: a place is free again.
    const open = burst.find((answer) => answer.status === 101) as { ws: WebSocket };
    const closed = new Promise((resolve) => open.ws.once('close', resolve));
    open.ws.close();
    await closed;
    await eventually(async () => ((await handshake(w.alice.token)).status === 101 ? true : undefined), 5000);
  });
});
