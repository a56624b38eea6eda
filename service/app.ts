import type { MikroORM } from '@mikro-orm/knex';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/types.js';

/** Everything the HTTP app needs; it opens nothing itself, so tests can hand it real or scoped parts. */
export interface AppDeps {
  config: ResolvedConfig;
  orm: MikroORM;
  redis: Redis;
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  }
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    const [db, redis] = await Promise.all([
      probe(() => deps.orm.em.getConnection().execute('select 1')),
      probe(() => deps.redis.ping()),
    ]);
    const ok = db === 'ok' && redis === 'ok';
    return c.json({ status: ok ? 'ok' : 'unavailable', db, redis }, ok ? 200 : 503);
  });

  return app;
}
