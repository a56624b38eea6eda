import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MikroORM } from '@mikro-orm/knex';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/types.js';
import type { DomainDeps } from './domain/deps.js';
import { bodyLimit } from './http/body-limit.js';
import type { AppEnv } from './http/env.js';
import { notFoundHandler, onError } from './http/on-error.js';
import { requestLog } from './http/request-log.js';
import { urlGuard } from './http/url-guard.js';
import { validationHook } from './http/validation-hook.js';
import { jsonLogger, type Logger } from './log.js';
import { bullMentionQueue, type MentionQueue } from './queue/mentions.js';
import { apiRoutes } from './routes/api.js';
import { json } from './routes/openapi.js';
import { domainDeps } from './wiring.js';

/** Everything the HTTP app needs; it opens nothing itself, so tests can hand it real or scoped parts. */
export interface AppDeps {
  config: ResolvedConfig;
  orm: MikroORM;
  redis: Redis;
  /** Where mention jobs go; default: the BullMQ queue on `redis` (closing it is then the caller's job via `app`). */
  mentions?: MentionQueue;
  /** Request and error logs; default: JSON lines on stdout. */
  logger?: Logger;
  /** The use cases' side effects, when the caller shares them (with the WebSocket endpoint). */
  domain?: DomainDeps;
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  }
}

const Health = z.object({ status: z.string(), db: z.string(), redis: z.string() });

export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? jsonLogger();
  const mentions = deps.mentions ?? bullMentionQueue(deps.redis);
  const domain = deps.domain ?? domainDeps({ ...deps, mentions, logger });
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestLog(logger));
  app.use('*', urlGuard());
  app.use('*', bodyLimit());
  app.onError(onError(logger));
  app.notFound(notFoundHandler);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['health'],
      summary: 'Database and Redis reachability (no auth)',
      responses: { 200: json(Health, 'Everything is up'), 503: json(Health, 'Names what is down') },
    }),
    async (c) => {
      const [db, redis] = await Promise.all([
        probe(() => deps.orm.em.getConnection().execute('select 1')),
        probe(() => deps.redis.ping()),
      ]);
      const ok = db === 'ok' && redis === 'ok';
      return ok ? c.json({ status: 'ok', db, redis }, 200) : c.json({ status: 'unavailable', db, redis }, 503);
    },
  );

  app.route('/api/v1', apiRoutes(domain));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'prizmai chat service', version: '1' },
  });
  return app;
}
