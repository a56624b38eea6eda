import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Redis as RedisClient } from 'ioredis';
import { redisUrlFor } from '../config/managed-redis.js';
import { loadRuntimeConfig } from '../config/runtime.js';
import { createApp } from './app.js';
import { requireCjs } from './cjs.js';
import { connectDatabase, type Database } from './db/database.js';
import { checkHealth } from './health.js';
import { answerHeartbeats, isClusterInstance, redisDegraded, runProcess, stopOnSignals } from './lifecycle.js';
import { jsonLogger } from './log.js';
import { bullQueueDepths } from './metrics/queue-depths.js';
import { deferredServiceMetrics } from './metrics/registry.js';
import { ServiceStats } from './metrics/stats.js';
import { bullMentionQueue } from './queue/mentions.js';
import { attachWebSockets } from './realtime/upgrade.js';
import { requestRedisOptions } from './redis-url.js';
import { domainDeps } from './wiring.js';

const { Redis } = requireCjs('ioredis') as { Redis: typeof RedisClient };

/** The service process: HTTP and WebSocket (`/ws`) on service.host:service.port. */
async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  const logger = jsonLogger();
  const redis = new Redis(redisUrlFor(config), { lazyConnect: true, ...requestRedisOptions });
  // Redis connects over the network while the database opens.
  const [db] = await Promise.all([connectDatabase(config.database.url), redis.connect()]);
  const mentions = bullMentionQueue(redis);
  // Publishing pipelines what a batch of posts publishes together into one write.
  const publisher = new Redis(redisUrlFor(config), { ...requestRedisOptions, enableAutoPipelining: true });
  const stats = new ServiceStats();
  const domain = domainDeps({ config, db, redis, publisher, mentions, logger, stats });
  const queueDepths = bullQueueDepths(redis);
  const metrics = deferredServiceMetrics(stats, queueDepths);
  const app = createApp({ config, db, redis, mentions, logger, domain, stats, metrics });
  const server = serve({ fetch: app.fetch, hostname: config.service.host, port: config.service.port }, (info) => {
    logger.info('service listening', { url: `http://${config.service.host}:${info.port}` });
    // One of several instances behind a shared port: ready is said over IPC, once the database and
    // Redis answer (what /healthz would check; the shared port cannot tell the instances apart).
    if (isClusterInstance()) void reportReadyOnceHealthy(db, redis);
    // BullMQ loads a moment later (it blocks ~100 ms), not in the way of the supervisor's first probe.
    setTimeout(() => {
      mentions.preload();
      if (config.service.metrics) metrics.load();
    }, 1000).unref();
  });
  const sockets = attachWebSockets(server as Server, {
    deps: domain,
    redis,
    // Fan-out: one Redis subscriber connection for all of this process's clients.
    subscriber: new Redis(redisUrlFor(config), { maxRetriesPerRequest: null }),
    logger,
    allowedOrigins: config.service.allowedOrigins,
    options: { maxBufferedBytes: 1024 * 1024 },
    connectionsPerUser: config.limits.connectionsPerUser,
    stats,
  });

  answerHeartbeats(redisDegraded([redis]));
  stopOnSignals(
    (signal) => logger.info('service stopping', { signal }),
    [
      [() => sockets.close(), () => new Promise<void>((resolve) => server.close(() => resolve()))],
      // The outbox rows of what was handed over go before the database closes (or the sweep re-sends them).
      [() => domain.jobs.settled(), () => mentions.close(), () => queueDepths.close()],
      [() => db.close(), () => redis.quit(), () => publisher.quit()],
    ],
  );
}

/** Says `ready` to the supervisor once the database and Redis answer (checked every 100 ms). */
async function reportReadyOnceHealthy(db: Database, redis: RedisClient): Promise<void> {
  while (!(await checkHealth(db, redis)).ok) await new Promise((resolve) => setTimeout(resolve, 100));
  process.send?.({ type: 'ready' });
}

runProcess('service', main);
