// A hung or unreachable Redis (SPEC §6: 503 `unavailable` within a few seconds, never a hang): the
// managed redis-server stopped with SIGSTOP, and a Redis that is simply not there.

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../service/app.js';
import { requestRedisOptions } from '../../service/redis-url.js';
import { databaseFactories } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { buildWorld, useService } from './support/world.js';

const [sqlite] = databaseFactories();

describe('Redis hung or down', () => {
  const ctx = useService(sqlite as NonNullable<typeof sqlite>, { limits: { postsPerSecond: 10, postBurst: 50 } });

  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };

  it('hung (SIGSTOP): /healthz answers 503 naming Redis within its deadline; posts and logins 503 within seconds', async () => {
    const w = await buildWorld(ctx.service);
    const paths = (await ctx.service.call('GET', '/openapi.json')).body.paths;
    expect(paths['/api/v1/rooms/{id}/messages'].post.responses['503']).toBeDefined();
    expect(paths['/api/v1/auth/login'].post.responses['503']).toBeDefined();
    expect((await ctx.service.call('GET', '/api/v1/healthz')).status).toBe(200);
    ctx.redis.process.kill('SIGSTOP');
    try {
      const health = await timed(() => ctx.service.call('GET', '/healthz'));
      expect(health.result.status).toBe(503);
      expect(health.result.body).toMatchObject({ status: 'unavailable', db: 'ok' });
      expect(health.result.body.redis).toMatch(/^down/);
      expect(health.ms).toBeLessThan(1800);
      const post = await timed(() =>
        ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
          token: w.alice.token,
          json: { content: 'hung' },
        }),
      );
      expect(post.result.status).toBe(503);
      expect(post.result.body.error.code).toBe('unavailable');
      expect(post.ms).toBeLessThan(4000);
      const login = await timed(() =>
        ctx.service.call('POST', '/api/v1/auth/login', {
          json: { username: 'alice', password: 'correct horse battery' },
        }),
      );
      expect(login.result.status).toBe(503);
      expect(login.ms).toBeLessThan(4000);
    } finally {
      ctx.redis.process.kill('SIGCONT');
    }
    await eventually(
      async () => ((await ctx.service.call('GET', '/healthz')).status === 200 ? true : undefined),
      10_000,
    );
    const stored = await ctx.service.call('GET', `/api/v1/rooms/${w.roomId}/messages`, { token: w.alice.token });
    expect(stored.body.messages.map((m: { content: string }) => m.content)).not.toContain('hung');
  }, 30_000);

  it('down (nothing listening): login answers 503 within seconds, not a 500', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { ...requestRedisOptions, lazyConnect: true });
    dead.on('error', () => {});
    const app = createApp({
      config: ctx.service.config,
      db: ctx.service.db,
      redis: dead,
      mentions: ctx.service.mentions,
      logger: { info() {}, error() {} },
    });
    const started = performance.now();
    const answer = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'whatever it is' }),
    });
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(performance.now() - started).toBeLessThan(5000);
    dead.disconnect();
  });
});
