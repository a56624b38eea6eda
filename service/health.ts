import type { Redis } from 'ioredis';
import { type Database, ping } from './db/database.js';
import { withDeadline } from './deadline.js';

/** A health check answers within this, whatever its dependencies do. */
const PROBE_DEADLINE_MS = 1000;

async function probe(check: () => Promise<unknown>): Promise<'ok' | string> {
  try {
    await withDeadline(check(), PROBE_DEADLINE_MS, () => new Error(`no answer within ${PROBE_DEADLINE_MS} ms`));
    return 'ok';
  } catch (error) {
    return `down: ${(error as Error).message}`;
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
