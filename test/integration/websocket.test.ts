// The WebSocket protocol (SPEC §7) against the real service over real sockets, Redis and database:
// handshake auth, frames and errors, posting with ack, live streams, resuming with `after` with no gap
// and no duplicate (also while messages are being posted), edits, deletes, typing, notifications.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMentionNotifications } from '../../service/domain/mention-notifications.js';
import { redisPublisher, roomChannel } from '../../service/events.js';
import { sweepPresence } from '../../service/presence.js';
import { ServerFrame } from '../../service/realtime/server-frames.js';
import { databaseFactories } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { type Client, connectClient, type Frame } from '../fixtures/ws-client.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('WebSocket protocol on $dialect', (factory) => {
  const ctx = useService(factory);
  let w: World;
  const clients: WebSocket[] = [];
  const wsUrl = (query = '') => `${ctx.service.url.replace('http', 'ws')}/ws${query}`;
  const api = (method: string, path: string, token: string, json?: unknown) =>
    ctx.service.call(method, `/api/v1${path}`, { token, json });

  function handshake(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers });
      clients.push(ws);
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
  }

  /** Every client of the file, so the last test can check every frame they were sent. */
  const connected: Client[] = [];
  async function connect(token: string, path = '/ws'): Promise<Client> {
    const client = await connectClient(ctx.service.url, token, path);
    connected.push(client);
    clients.push(client.ws);
    return client;
  }

  const post = async (token: string, content: string, roomId = w.roomId) =>
    (await api('POST', `/rooms/${roomId}/messages`, token, { content })).body.message.id as number;

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
  });

  afterAll(() => {
    for (const ws of clients) ws.terminate();
  });

  it('the handshake: a token by header or ?token=, else 401; /ws only; other origins 403', async () => {
    expect(await handshake(wsUrl())).toBe(401);
    expect(await handshake(wsUrl('?token=wrong'))).toBe(401);
    expect(await handshake(wsUrl(), { authorization: 'Bearer wrong' })).toBe(401);
    expect(await handshake(wsUrl(`?token=${w.alice.token}`))).toBe(101);
    expect(await handshake(wsUrl(), { authorization: `Bearer ${w.alice.token}` })).toBe(101);
    expect(await handshake(`${ctx.service.url.replace('http', 'ws')}/nope?token=${w.alice.token}`)).toBe(404);
    expect(await handshake(wsUrl(`?token=${w.alice.token}`), { origin: 'https://evil.example' })).toBe(403);
    expect(await handshake(wsUrl(`?token=${w.alice.token}`), { origin: ctx.service.url })).toBe(101);
  });

  it('a token remembered by the handshake cache is refused at once after logout', async () => {
    const login = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'bob', password: 'correct horse battery' },
    });
    const token = login.body.token as string;
    expect(await handshake(wsUrl(`?token=${token}`))).toBe(101);
    expect(await handshake(wsUrl(`?token=${token}`))).toBe(101);
    expect((await ctx.service.call('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    // The revocation is published and heard by the handshake cache (Redis is asynchronous: briefly polled).
    await eventually(async () => ((await handshake(wsUrl(`?token=${token}`))) === 401 ? true : undefined), 2000);
  });

  it('ping → pong; a malformed frame gets an error and the connection stays open', async () => {
    const c = await connect(w.alice.token);
    c.send({ type: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong' });
    c.send('not json');
    expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_request' });
    c.send({ type: 'shout' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_request' });
    c.send({ type: 'subscribe', stream: 'room:abc' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_request', ref: 'room:abc' });
    c.send({ type: 'chat_message', room_id: w.roomId, message: '', client_id: 'empty-1' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_request', ref: 'empty-1' });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_request' });
    c.send({ type: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('subscribing to what one cannot see is not_found; to one’s room, subscribed', async () => {
    const dave = await connect(w.dave.token);
    dave.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    expect(await dave.next()).toMatchObject({ type: 'error', code: 'not_found', ref: `room:${w.roomId}` });
    dave.send({ type: 'subscribe', stream: `task:${w.taskId}` });
    expect(await dave.next()).toMatchObject({ type: 'error', code: 'not_found' });
    const bob = await connect(w.bob.token);
    bob.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    expect(await bob.next()).toEqual({ type: 'subscribed', stream: `room:${w.roomId}` });
  });

  it('chat_message: ack once stored, then the broadcast to every subscriber, the sender too', async () => {
    const alice = await connect(w.alice.token);
    const bob = await connect(w.bob.token);
    for (const c of [alice, bob]) {
      c.send({ type: 'subscribe', stream: `room:${w.roomId}` });
      await c.next((f) => f.type === 'subscribed');
    }
    alice.send({ type: 'chat_message', room_id: w.roomId, message: 'hello @bob', client_id: 'c-1' });
    const ack = await alice.next((f) => f.type === 'ack');
    expect(ack).toEqual({ type: 'ack', client_id: 'c-1', message_id: expect.any(Number) });
    const stored = await knexOf(ctx.service)('chat_messages').where({ id: ack.message_id }).first();
    expect(stored.content).toBe('hello @bob');
    const expected = {
      type: 'chat_message',
      room_id: w.roomId,
      message_id: ack.message_id,
      user_id: w.alice.id,
      username: 'alice',
      message: 'hello @bob',
      mentioned_users: ['bob'],
      timestamp: expect.any(String),
      client_id: 'c-1',
    };
    expect(await bob.next((f) => f.type === 'chat_message')).toEqual(expected);
    expect(await alice.next((f) => f.type === 'chat_message')).toEqual(expected);
    // The same client_id again is the same message: acked with its id, not broadcast twice.
    alice.send({ type: 'chat_message', room_id: w.roomId, message: 'hello @bob', client_id: 'c-1' });
    expect((await alice.next((f) => f.type === 'ack')).message_id).toBe(ack.message_id);
  });

  it('subscribe with after replays what is newer, then continues live: no gap, no duplicate', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await post(w.alice.token, `replay ${i}`));
    const bob = await connect(w.bob.token);
    const from = ids[1] as number;
    bob.send({ type: 'subscribe', stream: `room:${w.roomId}`, after: from });
    // Messages posted while the subscription is being set up and replayed.
    const during = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => post(w.alice.token, `during ${i}`)));
    const expected = [...ids.slice(2), ...during].sort((a, b) => a - b);
    const received: number[] = [];
    while (received.length < expected.length) {
      received.push((await bob.next((f) => f.type === 'chat_message')).message_id);
    }
    expect(received).toEqual(expected);
    const live = await post(w.alice.token, 'live');
    expect((await bob.next((f) => f.type === 'chat_message')).message_id).toBe(live);
    await new Promise((r) => setTimeout(r, 200));
    const all = bob.frames.filter((f) => f.type === 'chat_message').map((f) => f.message_id);
    expect(all).toEqual([...expected, live]);
  });

  it('edits and deletes reach subscribers', async () => {
    const bob = await connect(w.bob.token);
    bob.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await bob.next((f) => f.type === 'subscribed');
    const id = await post(w.alice.token, 'first draft');
    await bob.next((f) => f.type === 'chat_message' && f.message_id === id);
    await api('PATCH', `/messages/${id}`, w.alice.token, { content: 'second draft' });
    expect(await bob.next((f) => f.type === 'message_edited')).toMatchObject({
      message_id: id,
      message: 'second draft',
      edited_at: expect.any(String),
    });
    await api('DELETE', `/messages/${id}`, w.alice.token);
    expect(await bob.next((f) => f.type === 'message_deleted')).toEqual({
      type: 'message_deleted',
      room_id: w.roomId,
      message_id: id,
    });
  });

  it('presence: user_join with a user’s first connection to the room, user_leave with the last', async () => {
    // The earlier tests' connections are still open (and present): close them first.
    for (const ws of clients.splice(0)) ws.terminate();
    const key = `prizmai:presence:${w.roomId}`;
    await eventually(async () => ((await ctx.service.redis.zcard(key)) === 0 ? true : undefined));
    const alice = await connect(w.alice.token);
    alice.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await alice.next((f) => f.type === 'subscribed');
    const bobJoined = (f: Frame) => f.type === 'user_join' && f.user_id === w.bob.id;
    const bobLeft = (f: Frame) => f.type === 'user_leave' && f.user_id === w.bob.id;
    const first = await connect(w.bob.token);
    first.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    expect(await alice.next(bobJoined)).toEqual({
      type: 'user_join',
      room_id: w.roomId,
      user_id: w.bob.id,
      username: 'bob',
    });
    const second = await connect(w.bob.token);
    second.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await second.next((f) => f.type === 'subscribed');
    first.ws.close();
    await first.closed;
    await new Promise((r) => setTimeout(r, 200));
    // Still there on the second connection: neither a second join nor a leave.
    expect(alice.frames.filter(bobJoined)).toHaveLength(1);
    expect(alice.frames.filter(bobLeft)).toHaveLength(0);
    second.send({ type: 'unsubscribe', stream: `room:${w.roomId}` });
    expect(await alice.next(bobLeft)).toEqual({
      type: 'user_leave',
      room_id: w.roomId,
      user_id: w.bob.id,
      username: 'bob',
    });

    // A service process that died leaves entries that lapse; the presenceCleanup job announces them.
    await ctx.service.redis.zadd(key, Date.now() - 1000, `${w.carol.id}:dead-connection:carol`);
    const events = redisPublisher(ctx.service.redis);
    expect(await sweepPresence(ctx.service.redis, events)).toBe(1);
    // Its typing ended, then its departure.
    expect(await alice.next((f) => f.user_id === w.carol.id)).toMatchObject({ type: 'user_stop_typing' });
    expect(await alice.next((f) => f.user_id === w.carol.id)).toMatchObject({ type: 'user_leave', username: 'carol' });
    expect(await ctx.service.redis.zscore(key, `${w.carol.id}:dead-connection:carol`)).toBeNull();
    expect(await sweepPresence(ctx.service.redis, events)).toBe(0);
  });

  it('typing: announced once, refreshed silently, stopped explicitly or after the timeout', async () => {
    const alice = await connect(w.alice.token);
    const bob = await connect(w.bob.token);
    bob.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await bob.next((f) => f.type === 'subscribed');
    alice.send({ type: 'typing', room_id: w.roomId });
    alice.send({ type: 'typing', room_id: w.roomId });
    const typing = { room_id: w.roomId, user_id: w.alice.id, username: 'alice' };
    expect(await bob.next((f) => f.type.includes('typing'))).toEqual({ type: 'user_typing', ...typing });
    alice.send({ type: 'stop_typing', room_id: w.roomId });
    expect(await bob.next((f) => f.type.includes('typing'))).toEqual({ type: 'user_stop_typing', ...typing });
    alice.send({ type: 'typing', room_id: w.roomId });
    expect(await bob.next((f) => f.type.includes('typing'))).toEqual({ type: 'user_typing', ...typing });
    // The test service lets typing lapse after 300 ms (10 s in the service process).
    expect(await bob.next((f) => f.type.includes('typing'))).toEqual({ type: 'user_stop_typing', ...typing });
    const dave = await connect(w.dave.token);
    dave.send({ type: 'typing', room_id: w.roomId });
    expect(await dave.next()).toMatchObject({ type: 'error', code: 'not_found' });
  });

  it('comments on a task stream, and notifications on the notifications stream', async () => {
    const carol = await connect(w.carol.token);
    carol.send({ type: 'subscribe', stream: `task:${w.taskId}` });
    await carol.next((f) => f.type === 'subscribed');
    carol.send({ type: 'subscribe', stream: 'notifications' });
    await carol.next((f) => f.type === 'subscribed');
    const alice = await connect(w.alice.token);
    alice.send({ type: 'comment', task_id: w.taskId, comment: 'over to you @carol', client_id: 'k-1' });
    const ack = await alice.next((f) => f.type === 'ack');
    expect(ack).toEqual({ type: 'ack', client_id: 'k-1', comment_id: expect.any(Number) });
    expect(await carol.next((f) => f.type === 'new_comment')).toMatchObject({
      task_id: w.taskId,
      comment_id: ack.comment_id,
      user_id: w.alice.id,
      comment: 'over to you @carol',
      mentioned_users: ['carol'],
      client_id: 'k-1',
    });
    // What the worker does with the mention job.
    const db = ctx.service.db;
    await createMentionNotifications(
      { db, events: redisPublisher(ctx.service.redis) },
      {
        kind: 'comment',
        comment_id: ack.comment_id,
        task_id: w.taskId,
        author_id: w.alice.id,
        recipient_ids: [w.carol.id],
      },
    );
    const notification = await carol.next((f) => f.type === 'notification');
    expect(notification).toMatchObject({
      notification: { type: 'MENTION', comment_id: ack.comment_id, is_read: false },
      unread_count: expect.any(Number),
    });
  });

  it('the seed’s endpoints: subscribed on connect; frames without ids are about that room or task', async () => {
    const bob = await connect(w.bob.token, `/ws/chat-room/${w.roomId}/`);
    expect(await bob.next()).toEqual({ type: 'subscribed', stream: `room:${w.roomId}` });
    bob.send({ type: 'chat_message', message: 'via the seed endpoint', client_id: 's-1' });
    const ack = await bob.next((f) => f.type === 'ack');
    expect(await bob.next((f) => f.type === 'chat_message')).toMatchObject({
      room_id: w.roomId,
      message_id: ack.message_id,
      message: 'via the seed endpoint',
    });
    const carol = await connect(w.carol.token, `/ws/task-comments/${w.taskId}`);
    expect(await carol.next()).toEqual({ type: 'subscribed', stream: `task:${w.taskId}` });
    carol.send({ type: 'comment', comment: 'seed comment' });
    expect(await carol.next((f) => f.type === 'new_comment')).toMatchObject({
      task_id: w.taskId,
      comment: 'seed comment',
    });
    const dave = await connect(w.dave.token, `/ws/chat-room/${w.roomId}/`);
    expect(await dave.next()).toMatchObject({ type: 'error', code: 'not_found', ref: `room:${w.roomId}` });
  });

  it('a member removed from the room is told so and gets nothing more of it', async () => {
    const bob = await connect(w.bob.token);
    bob.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await bob.next((f) => f.type === 'subscribed');
    await api('DELETE', `/rooms/${w.roomId}/members/bob`, w.alice.token);
    expect(await bob.next((f) => f.type === 'error')).toMatchObject({ code: 'not_found', ref: `room:${w.roomId}` });
    const alice = await connect(w.alice.token);
    alice.send({ type: 'typing', room_id: w.roomId });
    await post(w.alice.token, 'after bob left');
    await new Promise((r) => setTimeout(r, 300));
    expect(bob.frames.slice(-1)[0]).toMatchObject({ type: 'error', code: 'not_found' });
    await api('POST', `/rooms/${w.roomId}/members`, w.alice.token, { username: 'bob' });
  });

  it('a slow client is disconnected with 4008 rather than buffered without bound', async () => {
    const bob = await connect(w.bob.token);
    bob.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await bob.next((f) => f.type === 'subscribed');
    // Bob stops reading; events keep coming (published as another service process would) until the
    // service's buffer for him passes its bound (64 KiB here) — beyond what the kernel buffers hold.
    const socket = (bob.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const user = { id: w.carol.id, username: 'c'.repeat(4000) };
    let closed = false;
    void bob.closed.then(() => (closed = true));
    for (let round = 0; round < 20 && !closed; round++) {
      const pipeline = ctx.service.redis.pipeline();
      for (let i = 0; i < 1000; i++) {
        pipeline.publish(roomChannel(w.roomId), JSON.stringify({ type: 'room.typing', room_id: w.roomId, user }));
      }
      await pipeline.exec();
      await new Promise((r) => setTimeout(r, 50));
    }
    socket.resume();
    expect((await bob.closed).code).toBe(4008);
  });

  // Runs last: the frames of every test above, of every type, each checked against the schema that
  // /asyncapi.json publishes for its type (strict: no field the document does not name).
  it('every frame the service sent is one the AsyncAPI document describes', () => {
    const types = new Set<string>();
    for (const client of connected) {
      for (const frame of client.frames) {
        const result = ServerFrame.safeParse(frame);
        expect(result.success, `${JSON.stringify(frame).slice(0, 300)}: ${result.error?.message}`).toBe(true);
        types.add(frame.type);
      }
    }
    // The tests above saw most kinds of frame (pong, errors, acks, streams, presence, typing, notifications).
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'ack',
        'chat_message',
        'error',
        'message_deleted',
        'message_edited',
        'new_comment',
        'notification',
        'pong',
        'subscribed',
        'user_join',
        'user_leave',
        'user_typing',
        'user_stop_typing',
      ]),
    );
  });
});
