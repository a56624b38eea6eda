import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/types.js';
import type { Database } from './db/database.js';
import type { DomainDeps } from './domain/deps.js';
import { checkHealth } from './health.js';
import { bodyLimit } from './http/body-limit.js';
import type { AppEnv } from './http/env.js';
import { notFoundHandler, onError } from './http/on-error.js';
import { requestLog } from './http/request-log.js';
import { urlGuard } from './http/url-guard.js';
import { validationHook } from './http/validation-hook.js';
import { jsonLogger, type Logger } from './log.js';
import { bullQueueDepths } from './metrics/queue-depths.js';
import { deferredServiceMetrics, type ServiceMetrics } from './metrics/registry.js';
import { ServiceStats } from './metrics/stats.js';
import { bullMentionQueue, type MentionQueue } from './queue/mentions.js';
import { apiRoutes } from './routes/api.js';
import { json } from './routes/openapi.js';
import { referenceRoutes } from './routes/reference.js';
import { domainDeps } from './wiring.js';

/** Everything the HTTP app needs; it opens nothing itself, so tests can hand it real or scoped parts. */
export interface AppDeps {
  config: ResolvedConfig;
  db: Database;
  redis: Redis;
  /** Where mention jobs go; default: the BullMQ queue on `redis` (closing it is then the caller's job via `app`). */
  mentions?: MentionQueue;
  /** Request and error logs; default: JSON lines on stdout. */
  logger?: Logger;
  /** The use cases' side effects, when the caller shares them (with the WebSocket endpoint). */
  domain?: DomainDeps;
  /** What the process counts (shared with the WebSocket endpoint); default: the app's own. */
  stats?: ServiceStats;
  /** What GET /metrics serves when `service.metrics` is on; default: the figures of `stats` and the queues. */
  metrics?: ServiceMetrics;
}

const Health = z.object({ status: z.string(), db: z.string(), redis: z.string() });

export function createApp(deps: AppDeps) {
  const logger = deps.logger ?? jsonLogger();
  const mentions = deps.mentions ?? bullMentionQueue(deps.redis);
  const stats = deps.stats ?? new ServiceStats();
  const domain = deps.domain ?? domainDeps({ ...deps, mentions, logger, stats });
  const metrics = deps.config.service.metrics
    ? (deps.metrics ?? deferredServiceMetrics(stats, bullQueueDepths(deps.redis)))
    : undefined;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestLog(logger, metrics?.observeRequest));
  app.use('*', urlGuard());
  app.use('*', bodyLimit());
  app.onError(onError(logger));
  app.notFound(notFoundHandler);

  // Health at the root and under /api/v1 (SPEC §6), each probe within its own deadline.
  for (const path of ['/healthz', '/api/v1/healthz']) {
    app.openapi(
      createRoute({
        method: 'get',
        path,
        tags: ['health'],
        summary: 'Database and Redis reachability (no auth), answered within a second',
        responses: { 200: json(Health, 'Everything is up'), 503: json(Health, 'Names what is down') },
      }),
      async (c) => {
        const { ok, db, redis } = await checkHealth(deps.db, deps.redis);
        return ok ? c.json({ status: 'ok', db, redis }, 200) : c.json({ status: 'unavailable', db, redis }, 503);
      },
    );
  }

  if (metrics) {
    // Outside /api/v1 and its auth, like /healthz (SPEC §6); off with `service.metrics: false`.
    app.openapi(
      createRoute({
        method: 'get',
        path: '/metrics',
        tags: ['health'],
        summary: 'Prometheus text: HTTP, WebSocket, delivery, queue and process figures (no auth)',
        responses: { 200: { content: { 'text/plain': { schema: z.string() } }, description: 'The exposition' } },
      }),
      async (c) => {
        const { body, contentType } = await metrics.scrape();
        return c.text(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
      },
    );
  }

  app.route('/api/v1', apiRoutes(domain));
  app.route('/', referenceRoutes(`${deps.config.service.host}:${deps.config.service.port}`));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc('/openapi.json', OPENAPI_INFO);
  return app;
}

export const OPENAPI_INFO = { openapi: '3.0.3', info: { title: 'prizmai chat service', version: '1' } } as const;
