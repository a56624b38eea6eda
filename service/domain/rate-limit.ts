import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DomainError } from './errors.js';

// A token bucket per user, kept in Redis and updated atomically by one Lua script using Redis's own
// clock, so every service process (HTTP and WebSocket alike) draws from the same bucket.
// KEYS[1] bucket hash; ARGV: rate (tokens/s), burst (capacity). Returns {allowed, retry_after_ms}.
const TOKEN_BUCKET = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
`;
const SHA = createHash('sha1').update(TOKEN_BUCKET).digest('hex');

/** Runs a script by hash, loading it on first use (or after a Redis restart). */
async function evalScript(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(SHA, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
    return redis.eval(TOKEN_BUCKET, keys.length, ...keys, ...args);
  }
}

export interface PostLimiter {
  /** Takes one post from the user's bucket, or throws rate_limited with the seconds to wait. */
  take(userId: number): Promise<void>;
}

export interface PostLimits {
  /** Sustained posts per second; 0 turns the limit off. */
  postsPerSecond: number;
  /** Posts allowed at once before the sustained rate applies. */
  postBurst: number;
}

export function redisPostLimiter(redis: Redis, limits: PostLimits): PostLimiter {
  return {
    async take(userId) {
      if (limits.postsPerSecond <= 0) return;
      const burst = Math.max(1, limits.postBurst);
      const [allowed, retryMs] = (await evalScript(
        redis,
        [`prizmai:ratelimit:post:${userId}`],
        [limits.postsPerSecond, burst],
      )) as [number, number];
      if (allowed !== 1) {
        throw new DomainError(
          'rate_limited',
          'too many posts: slow down',
          undefined,
          Math.max(1, Math.ceil(retryMs / 1000)),
        );
      }
    },
  };
}
