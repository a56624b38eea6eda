import { beforeAll, describe, expect, it } from 'vitest';
import { databaseFactories } from '../fixtures/databases.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('history, read markers and notifications on $dialect', (factory) => {
  // In-process transport for the 1,000-message walk; the rest of the suite covers the socket.
  const ctx = useService(factory, {}, 'inproc');
  let w: World;
  const ids: number[] = [];
  const api = (method: string, path: string, token: string, json?: unknown) =>
    ctx.service.call(method, `/api/v1${path}`, { token, json });

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
    const room = (await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'big', members: ['bob'] }))
      .body.room;
    for (let i = 0; i < 1000; i++) {
      const answer = await api('POST', `/rooms/${room.id}/messages`, i % 2 ? w.bob.token : w.alice.token, {
        content: `message ${i}`,
      });
      ids.push(answer.body.message.id);
    }
    w.roomId = room.id;
  }, 120_000);

  it('walks 1,000 messages forward with after=, no gap, no duplicate, pages ascending', async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await api('GET', `/rooms/${w.roomId}/messages?after=${after}&limit=100`, w.bob.token);
      expect(page.status).toBe(200);
      const pageIds = page.body.messages.map((m: { id: number }) => m.id);
      expect(pageIds).toEqual([...pageIds].sort((a, b) => a - b));
      seen.push(...pageIds);
      if (!page.body.has_more) break;
      after = pageIds.at(-1);
    }
    expect(seen).toEqual(ids);
  });

  it('walks 1,000 messages backward with before=, no gap, no duplicate', async () => {
    const seen: number[] = [];
    let page = await api('GET', `/rooms/${w.roomId}/messages?limit=37`, w.bob.token);
    for (;;) {
      const pageIds = page.body.messages.map((m: { id: number }) => m.id);
      expect(pageIds).toEqual([...pageIds].sort((a, b) => a - b));
      seen.unshift(...pageIds);
      if (!page.body.has_more) break;
      page = await api('GET', `/rooms/${w.roomId}/messages?limit=37&before=${pageIds[0]}`, w.bob.token);
    }
    expect(seen).toEqual(ids);
  });

  it('defaults to the newest 50; limit bounds; before+after is a window', async () => {
    const latest = await api('GET', `/rooms/${w.roomId}/messages`, w.bob.token);
    expect(latest.body.messages.map((m: { id: number }) => m.id)).toEqual(ids.slice(-50));
    expect(latest.body.has_more).toBe(true);
    const window = await api('GET', `/rooms/${w.roomId}/messages?after=${ids[10]}&before=${ids[15]}`, w.bob.token);
    expect(window.body.messages.map((m: { id: number }) => m.id)).toEqual(ids.slice(11, 15));
    expect(window.body.has_more).toBe(false);
    for (const bad of [
      'limit=0',
      'limit=101',
      'limit=-1',
      'limit=abc',
      'before=-1',
      'after=1.5',
      'after=99999999999',
    ]) {
      const answer = await api('GET', `/rooms/${w.roomId}/messages?${bad}`, w.bob.token);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error.field).toBe(bad.split('=')[0]);
    }
  });

  it('unread counts (and mentions) move with the read marker; own posts are read', async () => {
    // Bob has never read: alice's 500 messages are unread, his own 500 are not.
    let unread = await api('GET', '/unread', w.bob.token);
    const big = unread.body.rooms.find((r: { room_id: number }) => r.room_id === w.roomId);
    expect(big).toEqual({ room_id: w.roomId, unread: 500, mentions: 0 });
    const marker = await api('POST', `/rooms/${w.roomId}/read`, w.bob.token, { message_id: ids[99] });
    expect(marker.status).toBe(200);
    expect(marker.body.read_marker).toEqual({
      room_id: w.roomId,
      last_read_message_id: ids[99],
      unread: 450,
      mentions: 0,
    });
    // Markers never move backwards.
    const back = await api('POST', `/rooms/${w.roomId}/read`, w.bob.token, { message_id: ids[10] });
    expect(back.body.read_marker.last_read_message_id).toBe(ids[99]);
    // New mentions count until read; deleted ones stop counting.
    const m1 = (await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: '@bob look' })).body.message;
    const m2 = (await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: '@bob and this' })).body
      .message;
    unread = await api('GET', '/unread', w.bob.token);
    expect(unread.body.rooms.find((r: { room_id: number }) => r.room_id === w.roomId)).toEqual({
      room_id: w.roomId,
      unread: 452,
      mentions: 2,
    });
    await api('DELETE', `/messages/${m2.id}`, w.alice.token);
    unread = await api('GET', '/unread', w.bob.token);
    expect(unread.body.rooms.find((r: { room_id: number }) => r.room_id === w.roomId)).toMatchObject({
      unread: 451,
      mentions: 1,
    });
    const toM1 = await api('POST', `/rooms/${w.roomId}/read`, w.bob.token, { message_id: m1.id });
    expect(toM1.body.read_marker).toMatchObject({ unread: 0, mentions: 0 });
    // No body: to the latest.
    await api('POST', `/rooms/${w.roomId}/messages`, w.alice.token, { content: 'more' });
    const all = await ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/read`, { token: w.bob.token });
    expect(all.status).toBe(200);
    expect(all.body.read_marker).toMatchObject({ unread: 0, mentions: 0 });
    unread = await api('GET', '/unread', w.bob.token);
    expect(unread.body.total).toBe(unread.body.rooms.reduce((sum: number, r: { unread: number }) => sum + r.unread, 0));
    expect(unread.body.rooms.find((r: { room_id: number }) => r.room_id === w.roomId).unread).toBe(0);
  });

  it('/unread of a member of 40 rooms is one statement, not two per room', async () => {
    for (let i = 0; i < 40; i++) {
      const room = await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, {
        name: `many-${i}`,
        members: ['bob'],
      });
      await api('POST', `/rooms/${room.body.room.id}/messages`, w.alice.token, { content: `@bob in ${i}` });
    }
    const before = ctx.service.queries.length;
    const unread = await api('GET', '/unread', w.bob.token);
    expect(unread.status).toBe(200);
    const many = unread.body.rooms.filter((r: { room_id: number }) => r.room_id !== w.roomId);
    expect(many.length).toBeGreaterThanOrEqual(40);
    expect(many.slice(-40).every((r: { unread: number; mentions: number }) => r.unread === 1 && r.mentions === 1)).toBe(
      true,
    );
    const counting = ctx.service.queries.slice(before).filter((sql) => /chat_messages/.test(sql));
    expect(counting).toHaveLength(1);
  });

  it('read markers: a message of another room is 404, non-members 404', async () => {
    expect((await api('POST', `/rooms/${w.roomId}/read`, w.carol.token, {})).status).toBe(404);
    const other = await api('POST', `/rooms/${w.otherRoomId}/messages`, w.dave.token, { content: 'x' });
    const wrong = await api('POST', `/rooms/${w.roomId}/read`, w.bob.token, { message_id: other.body.message.id });
    expect(wrong.status).toBe(404);
  });

  it('a newcomer’s marker starts at the latest message', async () => {
    await api('POST', `/rooms/${w.roomId}/members`, w.alice.token, { username: 'carol' });
    const unread = await api('GET', '/unread', w.carol.token);
    expect(unread.body.rooms).toEqual([{ room_id: w.roomId, unread: 0, mentions: 0 }]);
  });

  it('notifications: the caller’s only; list, count, read, read-all, delete, delete all', async () => {
    const knex = knexOf(ctx.service);
    const at = ctx.service.dialect === 'sqlite' ? Date.now() : new Date();
    const row = (recipient: number, n: number) => ({
      recipient_id: recipient,
      sender_id: w.alice.id,
      type: 'MENTION',
      text: `alice mentioned you (${n})`,
      source: `message:${ids[n]}`,
      room_id: w.roomId,
      message_id: ids[n],
      is_read: ctx.service.dialect === 'sqlite' ? 0 : false,
      created_at: at,
    });
    await knex('notifications').insert([row(w.bob.id, 1), row(w.bob.id, 2), row(w.bob.id, 3), row(w.carol.id, 4)]);
    const list = await api('GET', '/notifications?limit=2', w.bob.token);
    expect(list.status).toBe(200);
    expect(list.body.notifications).toHaveLength(2);
    expect(list.body.has_more).toBe(true);
    const [newest, second] = list.body.notifications;
    expect(newest).toEqual({
      id: expect.any(Number),
      type: 'MENTION',
      text: 'alice mentioned you (3)',
      sender: { id: w.alice.id, username: 'alice' },
      room_id: w.roomId,
      message_id: ids[3],
      task_id: null,
      comment_id: null,
      is_read: false,
      created_at: expect.stringMatching(/Z$/),
    });
    expect(second.id).toBeLessThan(newest.id);
    const older = await api('GET', `/notifications?before=${second.id}`, w.bob.token);
    expect(older.body.notifications.map((n: { text: string }) => n.text)).toEqual(['alice mentioned you (1)']);
    expect((await api('GET', '/notifications/count', w.bob.token)).body).toEqual({ count: 3 });
    const read = await api('POST', `/notifications/${newest.id}/read`, w.bob.token);
    expect(read.status).toBe(200);
    expect(read.body.notification).toMatchObject({ id: newest.id, is_read: true });
    expect((await api('GET', '/notifications/count', w.bob.token)).body.count).toBe(2);
    expect((await api('GET', '/notifications?unread=true', w.bob.token)).body.notifications).toHaveLength(2);
    expect((await api('GET', '/notifications?unread=false', w.bob.token)).body.notifications).toHaveLength(1);
    // Someone else's notification is a 404, for reading and deleting alike.
    const carols = (await api('GET', '/notifications', w.carol.token)).body.notifications[0];
    expect((await api('POST', `/notifications/${carols.id}/read`, w.bob.token)).status).toBe(404);
    expect((await api('DELETE', `/notifications/${carols.id}`, w.bob.token)).status).toBe(404);
    expect((await api('POST', '/notifications/read-all', w.bob.token)).body).toEqual({ count: 2 });
    expect((await api('GET', '/notifications/count', w.bob.token)).body.count).toBe(0);
    expect((await api('DELETE', `/notifications/${newest.id}`, w.bob.token)).status).toBe(204);
    expect((await api('DELETE', `/notifications/${newest.id}`, w.bob.token)).status).toBe(404);
    expect((await api('DELETE', '/notifications', w.bob.token)).body).toEqual({ count: 2 });
    expect((await api('GET', '/notifications', w.bob.token)).body).toEqual({ notifications: [], has_more: false });
    expect((await api('GET', '/notifications/count', w.carol.token)).body.count).toBe(1);
  });
});
