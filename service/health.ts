import type { Redis } from 'ioredis';
import { type Database, ping } from './db/database.js';

/** A health check answers within this, whatever its dependencies do. */
const PROBE_DEADLINE_MS = 1000;

async function probe(check: () => Promise<unknown>): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_DEADLINE_MS} ms`)), PROBE_DEADLINE_MS);
  });
  try {
    await Promise.race([check(), deadline]);
    return 'ok';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the database and Redis answer, each within its own deadline: what `/healthz` reports, and
 * what a service instance waits for before it tells the supervisor it is ready.
 */
export async function checkHealth(db: Database, redis: Redis): Promise<{ ok: boolean; db: string; redis: string }> {
  const [dbState, redisState] = await Promise.all([probe(() => ping(db)), probe(() => redis.ping())]);
  return { ok: dbState === 'ok' && redisState === 'ok', db: dbState, redis: redisState };
}
