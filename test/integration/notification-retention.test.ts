// beat's notificationRetention job (SPEC §8) against a real database: read notifications older than the
// configured age go, in bounded batches; unread ones and recent ones stay.
import { describe, expect, it } from 'vitest';
import { deleteOldReadNotifications } from '../../service/domain/notification-retention.js';
import { databaseFactories } from '../fixtures/databases.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService } from './support/world.js';

const DAY = 24 * 60 * 60_000;

describe.each(databaseFactories())('notification retention on $dialect', (factory) => {
  const ctx = useService(factory);

  it('deletes read notifications older than the cutoff in batches; keeps unread and recent ones', async () => {
    const w = await buildWorld(ctx.service);
    const knex = knexOf(ctx.service);
    const sqlite = ctx.service.dialect === 'sqlite';
    const at = (ms: number) => (sqlite ? ms : new Date(ms));
    const row = (n: number, isRead: boolean, createdAt: number) => ({
      recipient_id: w.bob.id,
      sender_id: w.alice.id,
      type: 'ACTIVITY',
      text: `n${n}`,
      source: `retention:${n}`,
      is_read: sqlite ? (isRead ? 1 : 0) : isRead,
      created_at: at(createdAt),
    });
    const now = Date.now();
    const rows = [
      ...Array.from({ length: 1200 }, (_, i) => row(i, true, now - 40 * DAY)),
      ...Array.from({ length: 10 }, (_, i) => row(2000 + i, false, now - 40 * DAY)),
      ...Array.from({ length: 10 }, (_, i) => row(3000 + i, true, now - 5 * DAY)),
    ];
    for (let i = 0; i < rows.length; i += 200) await knex('notifications').insert(rows.slice(i, i + 200));

    const db = ctx.service.db;
    const before = ctx.service.queries.length;
    const deleted = await deleteOldReadNotifications(db, new Date(now - 30 * DAY), 500);
    expect(deleted).toBe(1200);
    // 500 + 500 + 200: three short statements, never one long one.
    expect(ctx.service.queries.slice(before).filter((sql) => /^delete/i.test(sql))).toHaveLength(3);
    const left = (await knex('notifications').where('recipient_id', w.bob.id).select('text')).map((r) => r.text);
    expect(left.sort()).toEqual(
      [
        ...Array.from({ length: 10 }, (_, i) => `n${2000 + i}`),
        ...Array.from({ length: 10 }, (_, i) => `n${3000 + i}`),
      ].sort(),
    );
    // A second run finds nothing to do.
    expect(await deleteOldReadNotifications(db, new Date(now - 30 * DAY), 500)).toBe(0);
  });
});
