// beat's unreadDigest job against the real database (SQLite and PostgreSQL): one ACTIVITY notification
// per user summarising their old unread notifications, never about read or recent ones, at most one
// per period however many runs race, and none again for what a digest already covered.

import { describe, expect, it } from 'vitest';
import { insertNotifications, type NewNotification } from '../../service/db/notifications.js';
import { sendUnreadDigests } from '../../service/domain/unread-digest.js';
import { redisPublisher } from '../../service/events.js';
import { databaseFactories } from '../fixtures/databases.js';
import { buildWorld, useService } from './support/world.js';

const HOUR = 60 * 60_000;

describe.each(databaseFactories())('unread digest on $dialect', (factory) => {
  const ctx = useService(factory);

  it('summarises old unread notifications once per period; read, recent and covered ones are left out', async () => {
    const w = await buildWorld(ctx.service);
    const { db } = ctx.service;
    const deps = { db, events: redisPublisher(ctx.service.redis) };
    const base = { sender_id: w.alice.id, message_id: null, comment_id: null, room_id: null, task_id: null };
    const notify = async (
      list: (Partial<NewNotification> & { recipient_id: number; source: string })[],
      ageMs: number,
    ) => {
      const rows = await insertNotifications(
        db,
        list.map((n) => ({ ...base, type: 'MENTION', text: 'x', ...n })),
      );
      const ids = rows.map((row) => row.id);
      await db.run(`update notifications set created_at = ? where id in (${ids.map(() => '?').join(', ')})`, [
        new Date(Date.now() - ageMs),
        ...ids,
      ]);
      return ids;
    };
    await notify(
      [
        ...[1, 2, 3].map((i) => ({ recipient_id: w.bob.id, source: `message:${i}`, room_id: w.roomId })),
        { recipient_id: w.bob.id, source: 'comment:1', type: 'COMMENT', task_id: w.taskId },
      ],
      2 * HOUR,
    );
    const [read] = await notify([{ recipient_id: w.carol.id, source: 'message:9', room_id: w.roomId }], 2 * HOUR);
    await db.run('update notifications set is_read = ? where id = ?', [true, read]);
    await notify([{ recipient_id: w.dave.id, source: 'message:10', room_id: w.otherRoomId }], 10 * 60_000);

    const options = { olderThanMinutes: 60, everyMs: HOUR, now: Date.now() };
    expect(await sendUnreadDigests(deps, options)).toBe(1);
    const digestsOf = async (token: string) =>
      (
        (await ctx.service.call('GET', '/api/v1/notifications', { token })).body.notifications as {
          type: string;
          text: string;
          sender: unknown;
        }[]
      ).filter((n) => n.type === 'ACTIVITY');
    expect(await digestsOf(w.bob.token)).toEqual([
      expect.objectContaining({ text: '3 unread mentions in Acme/general, 1 comment on task "Ship it"', sender: null }),
    ]);
    expect(await digestsOf(w.carol.token)).toEqual([]);
    expect(await digestsOf(w.dave.token)).toEqual([]);

    // Runs racing in one period (two beats, a retry): still one digest.
    await notify([{ recipient_id: w.bob.id, source: 'message:4', room_id: w.roomId }], 2 * HOUR);
    const racing = await Promise.all([sendUnreadDigests(deps, options), sendUnreadDigests(deps, options)]);
    expect(racing).toEqual([0, 0]);
    expect(await digestsOf(w.bob.token)).toHaveLength(1);

    // The next period: for bob only what arrived since his last digest (that one new mention); dave's
    // mention is old enough by now.
    const next = { ...options, now: options.now + HOUR };
    expect(await sendUnreadDigests(deps, next)).toBe(2);
    const [latest] = await digestsOf(w.bob.token);
    expect(latest?.text).toBe('1 unread mention in Acme/general');
    expect((await digestsOf(w.dave.token)).map((n) => n.text)).toEqual(['1 unread mention in Other/secret']);
    // And the period after: nothing new, nothing sent.
    expect(await sendUnreadDigests(deps, { ...options, now: options.now + 2 * HOUR })).toBe(0);
  });
});
