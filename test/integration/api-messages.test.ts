import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../service/app.js';
import { type ChatEvent, roomChannel, taskChannel } from '../../service/events.js';
import { MENTION_QUEUE, type MentionJob } from '../../service/queue/mentions.js';
import { databaseFactories } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { knexOf, signUp } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('messages and comments on $dialect', (factory) => {
  const ctx = useService(factory);
  let w: World;
  let subscriber: Redis;
  let queue: Queue<MentionJob>;
  const events: { channel: string; event: ChatEvent }[] = [];
  const api = (method: string, path: string, token: string, json?: unknown) =>
    ctx.service.call(method, `/api/v1${path}`, { token, json });
  const post = (token: string, content: string, clientId?: string, roomId = w.roomId) =>
    api('POST', `/rooms/${roomId}/messages`, token, { content, ...(clientId ? { client_id: clientId } : {}) });
  const jobs = async () => (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => j);
  /** Until `check` holds (an error after 5 s). */
  const until = (check: () => boolean | Promise<boolean>) =>
    eventually(async () => ((await check()) ? true : undefined));

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
    subscriber = new Redis(ctx.redis.url);
    await subscriber.psubscribe('prizmai:*');
    subscriber.on('pmessage', (_pattern, channel, payload) => events.push({ channel, event: JSON.parse(payload) }));
    queue = new Queue<MentionJob>(MENTION_QUEUE, { connection: { url: ctx.redis.url } });
    const johnDoe = await signUp(ctx.service, 'john.doe');
    await api('POST', `/boards/${w.boardId}/members`, w.alice.token, { username: 'john.doe' });
    await api('POST', `/rooms/${w.roomId}/members`, w.alice.token, { username: 'john.doe' });
    void johnDoe;
  });
  afterAll(async () => {
    await queue?.close();
    subscriber?.disconnect();
  });

  it('posts: 201 {message} in the spec’s shape, content trimmed', async () => {
    const answer = await post(w.bob.token, '  hello world  ');
    expect(answer.status).toBe(201);
    expect(answer.body.message).toEqual({
      id: expect.any(Number),
      room_id: w.roomId,
      author: { id: w.bob.id, username: 'bob' },
      content: 'hello world',
      mentions: [],
      client_id: null,
      created_at: expect.stringMatching(/Z$/),
      edited_at: null,
      deleted: false,
    });
  });

  it('is idempotent by client_id: the repeat answers 200 with the original, one row stored', async () => {
    const first = await post(w.bob.token, 'once', 'c-123');
    const second = await post(w.bob.token, 'once (retry)', 'c-123');
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.message).toEqual(first.body.message);
    const knex = knexOf(ctx.service);
    expect(await knex('chat_messages').where({ client_id: 'c-123' }).count({ n: '*' })).toEqual([
      { n: ctx.service.dialect === 'postgresql' ? '1' : 1 },
    ]);
    // Another author may use the same client_id; the same author in another room is a conflict.
    expect((await post(w.alice.token, 'mine', 'c-123')).status).toBe(201);
    const other = (await api('POST', `/boards/${w.boardId}/rooms`, w.bob.token, { name: 'bobs' })).body.room;
    const conflict = await post(w.bob.token, 'elsewhere', 'c-123', other.id);
    expect(conflict.status).toBe(409);
  });

  it('concurrent posts with one client_id store one message', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(w.alice.token, 'race', 'race-1')));
    const ids = new Set(answers.map((a) => a.body.message.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
  });

  it('parses mentions by the spec’s rule, among room members only, and queues one job', async () => {
    const before = (await jobs()).length;
    const answer = await post(
      w.alice.token,
      'ping @john.doe, @Bob. and @carol (not in the room), @ghost, mail x@bob.example @alice',
    );
    expect(answer.status).toBe(201);
    expect(answer.body.message.mentions).toEqual(['alice', 'bob', 'john.doe']);
    await until(async () => (await jobs()).length === before + 1);
    const job = (await jobs()).find((j) => j.data.kind === 'message' && j.data.message_id === answer.body.message.id);
    expect(job?.id).toBe(`message-${answer.body.message.id}`);
    expect(job?.data).toMatchObject({ kind: 'message', room_id: w.roomId, author_id: w.alice.id });
    // The author is never notified of their own mention.
    expect([...(job?.data.recipient_ids ?? [])].sort()).toEqual(
      [
        w.bob.id,
        (await ctx.service.call('GET', '/api/v1/users?q=john', { token: w.alice.token })).body.users[0].id,
      ].sort(),
    );
    const none = await post(w.bob.token, 'no mentions here');
    expect(none.body.message.mentions).toEqual([]);
    expect((await jobs()).length).toBe(before + 1);
  });

  it('history and comment pages carry each post its own mentions, with other streams’ posts interleaved', async () => {
    const side = await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'side', members: ['bob'] });
    const sideRoom = side.body.room.id as number;
    const task = async (title: string) =>
      (await api('POST', `/boards/${w.boardId}/tasks`, w.alice.token, { title })).body.task.id as number;
    const [myTask, otherTask] = [await task('Paged task'), await task('Other task')];
    const mine: { id: number; mentions: string[] }[] = [];
    const myComments: { id: number; mentions: string[] }[] = [];
    for (let i = 0; i < 6; i++) {
      // Ids of this room and task interleave with another room's and task's, which mention someone else.
      // The first and the last post of each page mention someone (the range's two ends).
      const here = await post(w.alice.token, [0, 2, 5].includes(i) ? `@bob ${i}` : `plain ${i}`);
      await post(w.bob.token, `@alice elsewhere ${i}`, undefined, sideRoom);
      const comment = await api('POST', `/tasks/${myTask}/comments`, w.alice.token, {
        content: [0, 3, 5].includes(i) ? `@carol @bob ${i}` : `note ${i}`,
      });
      await api('POST', `/tasks/${otherTask}/comments`, w.bob.token, { content: `@alice other ${i}` });
      mine.push({ id: here.body.message.id, mentions: [0, 2, 5].includes(i) ? ['bob'] : [] });
      myComments.push({ id: comment.body.comment.id, mentions: [0, 3, 5].includes(i) ? ['bob', 'carol'] : [] });
    }
    const page = await api('GET', `/rooms/${w.roomId}/messages?after=${(mine[0]?.id ?? 1) - 1}`, w.bob.token);
    expect(
      page.body.messages.map((m: { id: number; mentions: string[] }) => ({ id: m.id, mentions: m.mentions })),
    ).toEqual(mine);
    const comments = await api('GET', `/tasks/${myTask}/comments?after=${(myComments[0]?.id ?? 1) - 1}`, w.bob.token);
    expect(
      comments.body.comments.map((c: { id: number; mentions: string[] }) => ({
        id: c.id,
        mentions: [...c.mentions].sort(),
      })),
    ).toEqual(myComments);
  });

  it('@all mentions every member who can see the message, not the author', async () => {
    const answer = await post(w.bob.token, 'hey @all');
    expect(answer.body.message.mentions.sort()).toEqual(['alice', 'john.doe']);
  });

  it('publishes message.created once on the room’s channel after storing, with the room’s previous id', async () => {
    const before = await post(w.bob.token, 'before');
    const answer = await post(w.bob.token, 'live');
    await until(() =>
      events.some(
        (e) =>
          e.event.type === 'message.created' && 'message' in e.event && e.event.message.id === answer.body.message.id,
      ),
    );
    const mine = events.filter((e) => 'message' in e.event && e.event.message.id === answer.body.message.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.channel).toBe(roomChannel(w.roomId));
    expect(mine[0]?.event).toEqual({
      type: 'message.created',
      room_id: w.roomId,
      prev_id: before.body.message.id,
      message: answer.body.message,
    });
  });

  it('edits (author only): new content, edited_at, mentions re-parsed, message.edited published', async () => {
    const original = (await post(w.bob.token, 'first draft')).body.message;
    const byOther = await api('PATCH', `/messages/${original.id}`, w.alice.token, { content: 'hijack' });
    expect(byOther.status).toBe(403);
    expect((await api('PATCH', `/messages/${original.id}`, w.dave.token, { content: 'x' })).status).toBe(404);
    const edited = await api('PATCH', `/messages/${original.id}`, w.bob.token, { content: ' final @alice ' });
    expect(edited.status).toBe(200);
    expect(edited.body.message).toMatchObject({ id: original.id, content: 'final @alice', mentions: ['alice'] });
    expect(Date.parse(edited.body.message.edited_at)).toBeGreaterThanOrEqual(Date.parse(original.created_at));
    await until(() =>
      events.some(
        (e) => e.event.type === 'message.edited' && 'message' in e.event && e.event.message.id === original.id,
      ),
    );
    const jobIds = (await jobs()).map((j) => j.id ?? '');
    expect(jobIds.some((id) => id.startsWith(`message-${original.id}-e`))).toBe(true);
  });

  it('deletes as a tombstone (author or room creator; others 403), visible in history', async () => {
    const mine = (await post(w.bob.token, 'secret @alice')).body.message;
    expect((await api('DELETE', `/messages/${mine.id}`, w.dave.token)).status).toBe(404);
    const johnToken = (
      await ctx.service.call('POST', '/api/v1/auth/login', {
        json: { username: 'john.doe', password: 'correct horse battery' },
      })
    ).body.token;
    expect((await api('DELETE', `/messages/${mine.id}`, johnToken)).status).toBe(403);
    const gone = await api('DELETE', `/messages/${mine.id}`, w.bob.token);
    expect(gone.status).toBe(200);
    expect(gone.body.message).toMatchObject({ id: mine.id, content: '', mentions: [], deleted: true });
    const again = await api('DELETE', `/messages/${mine.id}`, w.bob.token);
    expect(again.status).toBe(200);
    const edit = await api('PATCH', `/messages/${mine.id}`, w.bob.token, { content: 'back' });
    expect(edit.status).toBe(409);
    const history = await api('GET', `/rooms/${w.roomId}/messages?after=${mine.id - 1}&limit=1`, w.alice.token);
    expect(history.body.messages[0]).toMatchObject({ id: mine.id, deleted: true, content: '' });
    // The room creator (alice) may delete bob's message.
    const bobs = (await post(w.bob.token, 'by bob')).body.message;
    expect((await api('DELETE', `/messages/${bobs.id}`, w.alice.token)).status).toBe(200);
    await until(() =>
      events.some((e) => e.event.type === 'message.deleted' && 'message' in e.event && e.event.message.id === bobs.id),
    );
  });

  it('searches a room case-insensitively, wildcards literal, tombstones excluded', async () => {
    await post(w.bob.token, 'The Quick brown fox');
    await post(w.bob.token, '100% sure');
    const deleted = (await post(w.bob.token, 'quick but deleted')).body.message;
    await api('DELETE', `/messages/${deleted.id}`, w.bob.token);
    const found = await api('GET', `/rooms/${w.roomId}/messages/search?q=QUICK`, w.alice.token);
    expect(found.status).toBe(200);
    expect(found.body.messages.map((m: { content: string }) => m.content)).toEqual(['The Quick brown fox']);
    const percent = await api('GET', `/rooms/${w.roomId}/messages/search?q=${encodeURIComponent('0%')}`, w.alice.token);
    expect(percent.body.messages.map((m: { content: string }) => m.content)).toEqual(['100% sure']);
    expect((await api('GET', `/rooms/${w.roomId}/messages/search?q=x`, w.carol.token)).status).toBe(404);
    expect((await api('GET', `/rooms/${w.roomId}/messages/search`, w.alice.token)).status).toBe(400);
  });

  it('search is bounded: each call scans at most 5,000 messages, and scanned_to walks further back', async () => {
    const knex = knexOf(ctx.service);
    const room = await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'archive', members: ['bob'] });
    const roomId = room.body.room.id;
    const at = ctx.service.dialect === 'sqlite' ? Date.now() : new Date();
    const row = (content: string) => ({ room_id: roomId, author_id: w.alice.id, content, created_at: at });
    await knex('chat_messages').insert(row('the needle, long ago'));
    for (let i = 0; i < 12_000; i += 500) {
      await knex('chat_messages').insert(Array.from({ length: 500 }, (_, j) => row(`filler ${i + j}`)));
    }
    await knex('chat_messages').insert(row('a fresh needle'));
    const found: string[] = [];
    let before: number | null | undefined;
    let calls = 0;
    for (;;) {
      const query = `q=needle&limit=10${before ? `&before=${before}` : ''}`;
      const page = await api('GET', `/rooms/${roomId}/messages/search?${query}`, w.alice.token);
      expect(page.status).toBe(200);
      calls++;
      found.unshift(...page.body.messages.map((m: { content: string }) => m.content));
      if (!page.body.has_more) {
        expect(page.body.scanned_to).toBeNull();
        break;
      }
      expect(page.body.scanned_to).toEqual(expect.any(Number));
      before = page.body.scanned_to;
      expect(calls).toBeLessThan(10);
    }
    expect(found).toEqual(['the needle, long ago', 'a fresh needle']);
    // 12,002 messages, at most 5,000 a call: three calls.
    expect(calls).toBe(3);
  }, 60_000);

  it('a non-member gets 404 on posting, history and search; board members on comments only', async () => {
    for (const who of [w.carol, w.dave]) {
      expect((await post(who.token, 'let me in')).status).toBe(404);
      expect((await api('GET', `/rooms/${w.roomId}/messages`, who.token)).status).toBe(404);
    }
    expect((await api('GET', `/tasks/${w.taskId}/comments`, w.dave.token)).status).toBe(404);
    expect((await api('POST', `/tasks/${w.taskId}/comments`, w.dave.token, { content: 'x' })).status).toBe(404);
    expect((await api('POST', `/rooms/999999/messages`, w.alice.token, { content: 'x' })).status).toBe(404);
  });

  it('comments: board members post with mentions among board members, idempotent, published, paged', async () => {
    const first = await api('POST', `/tasks/${w.taskId}/comments`, w.carol.token, {
      content: 'done? @alice @dave',
      client_id: 'k1',
    });
    expect(first.status).toBe(201);
    expect(first.body.comment).toMatchObject({
      task_id: w.taskId,
      author: { id: w.carol.id, username: 'carol' },
      content: 'done? @alice @dave',
      mentions: ['alice'],
      client_id: 'k1',
      deleted: false,
      edited_at: null,
    });
    const repeat = await api('POST', `/tasks/${w.taskId}/comments`, w.carol.token, {
      content: 'again',
      client_id: 'k1',
    });
    expect(repeat.status).toBe(200);
    expect(repeat.body.comment).toEqual(first.body.comment);
    await until(() => events.some((e) => e.channel === taskChannel(w.taskId) && e.event.type === 'comment.created'));
    const job = (await jobs()).find((j) => j.id === `comment-${first.body.comment.id}`);
    expect(job?.data).toMatchObject({
      kind: 'comment',
      task_id: w.taskId,
      author_id: w.carol.id,
      recipient_ids: [w.alice.id],
    });
    for (let i = 0; i < 4; i++) await api('POST', `/tasks/${w.taskId}/comments`, w.bob.token, { content: `c${i}` });
    const page = await api('GET', `/tasks/${w.taskId}/comments?limit=2`, w.alice.token);
    expect(page.body.comments.map((c: { content: string }) => c.content)).toEqual(['c2', 'c3']);
    expect(page.body.has_more).toBe(true);
    const older = await api(
      'GET',
      `/tasks/${w.taskId}/comments?limit=10&before=${page.body.comments[0].id}`,
      w.alice.token,
    );
    expect(older.body.comments.map((c: { content: string }) => c.content)).toEqual(['done? @alice @dave', 'c0', 'c1']);
    expect(older.body.has_more).toBe(false);
  });
});

describe.each(databaseFactories())('post rate limit on $dialect', (factory) => {
  const ctx = useService(factory, { limits: { postsPerSecond: 1, postBurst: 3 } });

  it('429 with Retry-After once the burst is spent, shared by every service process', async () => {
    const w = await buildWorld(ctx.service);
    const second = new Redis(ctx.redis.url);
    // A second "process": its own app and Redis connection over the same database and Redis.
    const other = createApp({
      config: ctx.service.config,
      db: ctx.service.db,
      redis: second,
      mentions: ctx.service.mentions,
      logger: { info() {}, error() {} },
    });
    const postVia = async (which: 'a' | 'b', n: number) => {
      const init = {
        method: 'POST',
        headers: { authorization: `Bearer ${w.bob.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: `m${n}` }),
      };
      return which === 'a'
        ? ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
            token: w.bob.token,
            json: { content: `m${n}` },
          })
        : Promise.resolve(other.request(`/api/v1/rooms/${w.roomId}/messages`, init)).then(async (r: Response) => ({
            status: r.status,
            // biome-ignore lint/suspicious/noExplicitAny: probed field by field
            body: (await r.json()) as any,
            headers: r.headers,
          }));
    };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postVia(i % 2 ? 'b' : 'a', i)).status);
    expect(statuses).toEqual([201, 201, 201]);
    const limited = await postVia('b', 9);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const alsoLimited = await postVia('a', 10);
    expect(alsoLimited.status).toBe(429);
    // Comments draw from the same bucket; other users have their own.
    expect(
      (
        await ctx.service.call('POST', `/api/v1/tasks/${w.taskId}/comments`, {
          token: w.bob.token,
          json: { content: 'c' },
        })
      ).status,
    ).toBe(429);
    expect(
      (
        await ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
          token: w.alice.token,
          json: { content: 'a' },
        })
      ).status,
    ).toBe(201);
    // Refused posts store nothing.
    const knex = knexOf(ctx.service);
    const count = await knex('chat_messages').where('author_id', w.bob.id).count({ n: '*' }).first();
    expect(Number(count?.n)).toBe(3);
    second.disconnect();
  });

  it('edits draw from the same per-user bucket as posts: 429 once it is spent, the content unchanged', async () => {
    // A user of their own, with a fresh bucket: their own board and room.
    const erin = await signUp(ctx.service, 'erin');
    const board = await ctx.service.call('POST', '/api/v1/boards', { token: erin.token, json: { name: 'Erin' } });
    const room = await ctx.service.call('POST', `/api/v1/boards/${board.body.board.id}/rooms`, {
      token: erin.token,
      json: { name: 'notes' },
    });
    const posted = await ctx.service.call('POST', `/api/v1/rooms/${room.body.room.id}/messages`, {
      token: erin.token,
      json: { content: 'original' },
    });
    expect(posted.status).toBe(201);
    const id = posted.body.message.id;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const edit = await ctx.service.call('PATCH', `/api/v1/messages/${id}`, {
        token: erin.token,
        json: { content: `edit ${i}` },
      });
      statuses.push(edit.status);
      if (edit.status === 429) {
        expect(edit.body.error.code).toBe('rate_limited');
        expect(Number(edit.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    }
    // The post took one of the burst of 3: two edits pass, then 429s.
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    const stored = await knexOf(ctx.service)('chat_messages').where('id', id).first('content');
    expect(stored?.content).toBe('edit 1');
  });
});
