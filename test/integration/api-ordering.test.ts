import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../service/app.js';
import { connectDatabase, type Database } from '../../service/db/database.js';
import { databaseFactories } from '../fixtures/databases.js';
import { knexOf } from './support/harness.js';
import { buildWorld, useService } from './support/world.js';

// SPEC §7: within a room, no message becomes visible after one with a larger id — even with several
// service processes writing to one room — or a client resuming with `after` would skip it.
describe.each(databaseFactories())('messages become visible in id order on $dialect', (factory) => {
  const ctx = useService(factory, {}, 'inproc');
  const extra: { db: Database | undefined; redis: Redis }[] = [];
  afterAll(async () => {
    for (const part of extra) {
      await part.db?.close().catch(() => {});
      part.redis.disconnect();
    }
  });

  it('concurrent writers through separate connection pools; a polling reader never skips an id', async () => {
    const w = await buildWorld(ctx.service);
    // Four "service processes": each its own Redis connection and app, and on PostgreSQL its own
    // connection pool. (better-sqlite3 is synchronous: several connections to one file inside one
    // process would wait on each other's locks with the event loop blocked, so SQLite shares one.)
    const apps: ReturnType<typeof createApp>[] = [];
    for (let i = 0; i < 4; i++) {
      const db =
        factory.dialect === 'postgresql' ? await connectDatabase(ctx.service.config.database.url) : ctx.service.db;
      const redis = new Redis(ctx.redis.url);
      extra.push({ db: db === ctx.service.db ? undefined : db, redis });
      apps.push(
        createApp({
          config: ctx.service.config,
          db,
          redis,
          mentions: ctx.service.mentions,
          logger: { info() {}, error() {} },
        }),
      );
    }
    const writers = [w.alice, w.bob];
    const perApp = 60;
    let writing = true;
    const write = async (appIndex: number) => {
      const app = apps[appIndex];
      if (!app) throw new Error('no app');
      for (let n = 0; n < perApp; n++) {
        const author = writers[(appIndex + n) % writers.length];
        const response = await app.request(`/api/v1/rooms/${w.roomId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${author?.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: `from ${appIndex}: ${n} @alice @bob` }),
        });
        expect(response.status).toBe(201);
      }
    };
    const seen: number[] = [];
    let polls = 0;
    const poll = async () => {
      let after = 0;
      const drain = async () => {
        for (;;) {
          const page = await ctx.service.call('GET', `/api/v1/rooms/${w.roomId}/messages?after=${after}&limit=100`, {
            token: w.bob.token,
          });
          polls++;
          const ids = page.body.messages.map((m: { id: number }) => m.id);
          seen.push(...ids);
          if (ids.length > 0) after = ids.at(-1);
          if (!page.body.has_more) return;
        }
      };
      while (writing) {
        await drain();
        // better-sqlite3 answers synchronously: yield so the writers' Redis I/O gets its turn.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await drain();
    };
    const reader = poll();
    await Promise.all(apps.map((_, i) => write(i)));
    writing = false;
    await reader;
    const knex = knexOf(ctx.service);
    const stored = (await knex('chat_messages').where('room_id', w.roomId).orderBy('id').select('id')).map(
      (row: { id: number }) => row.id,
    );
    expect(stored).toHaveLength(apps.length * perApp);
    expect(polls).toBeGreaterThan(1);
    // Everything the reader saw, in order, exactly once: nothing was skipped by a resume cursor.
    expect(seen).toEqual(stored);
  });
});
