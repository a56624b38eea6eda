import type { ResolvedConfig } from '../config/types.js';

/** The Redis every process talks to: the configured URL, or the managed redis-server on loopback. */
export function redisUrlOf(config: ResolvedConfig): string {
  return config.redis.url ?? `redis://127.0.0.1:${config.redis.port}`;
}
