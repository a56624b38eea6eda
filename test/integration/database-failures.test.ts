// The database locked past its wait or not there at all (the guide: a bounded wait and a clear error,
// never a hang or a bare 500): 503 `unavailable`, and nothing half-written.

import { describe, expect, it } from 'vitest';
import { createApp } from '../../service/app.js';
import { connectDatabase } from '../../service/db/database.js';
import { databaseFactories } from '../fixtures/databases.js';
import { holdSqliteWriteLock } from '../fixtures/sqlite-contender.js';
import { buildWorld, useService } from './support/world.js';

const [sqlite] = databaseFactories();

describe('the database locked or unreachable', () => {
  const ctx = useService(sqlite as NonNullable<typeof sqlite>);

  it('SQLite write lock held by another process past busy_timeout: a post answers 503 unavailable, then posts again', async () => {
    const w = await buildWorld(ctx.service);
    const post = (content: string) =>
      ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, { token: w.alice.token, json: { content } });
    const lock = await holdSqliteWriteLock(ctx.service.config.database.url.slice('sqlite:'.length));
    let refused: Awaited<ReturnType<typeof post>>;
    const started = performance.now();
    try {
      refused = await post('while locked');
    } finally {
      await lock.release();
    }
    expect(performance.now() - started).toBeLessThan(8000);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'unavailable' });
    expect(refused.body.error.message).toMatch(/database/);
    const after = await post('after the lock');
    expect(after.status).toBe(201);
    const history = await ctx.service.call('GET', `/api/v1/rooms/${w.roomId}/messages`, { token: w.alice.token });
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual(['after the lock']);
  }, 20_000);

  it('PostgreSQL not listening: authenticated requests answer 503 unavailable at once, /healthz names the database', async () => {
    const db = await connectDatabase('postgres://postgres@127.0.0.1:1/prizmai');
    try {
      const app = createApp({
        config: ctx.service.config,
        db,
        redis: ctx.service.redis,
        mentions: ctx.service.mentions,
        logger: { info() {}, error() {} },
      });
      const started = performance.now();
      const me = await app.request('/api/v1/me', { headers: { authorization: 'Bearer pzm_whatever' } });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(me.status).toBe(503);
      expect(((await me.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      const health = await app.request('/healthz');
      expect(health.status).toBe(503);
      expect(((await health.json()) as { db: string }).db).toMatch(/^down/);
    } finally {
      await db.close();
    }
  });
});
