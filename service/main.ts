import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { loadRuntimeConfig } from '../config/runtime.js';
import { createApp } from './app.js';
import { openDatabase } from './db/orm.js';
import { redisUrlOf } from './redis-url.js';

/** The service process: HTTP (and later WebSocket) on service.host:service.port. */
async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  const orm = await openDatabase(config.database.url);
  const redis = new Redis(redisUrlOf(config), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const app = createApp({ config, orm, redis });
  const server = serve({ fetch: app.fetch, hostname: config.service.host, port: config.service.port }, (info) => {
    process.stdout.write(`service listening on http://${config.service.host}:${info.port}\n`);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`service stopping (${signal})\n`);
    // Every step runs even if an earlier one fails.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([orm.close(), redis.quit()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`service failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
