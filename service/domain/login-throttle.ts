import type { Redis } from 'ioredis';
import { DomainError } from './errors.js';

/** Failed logins are counted per username over this window (SPEC §3 `limits.loginFailures`). */
export const LOGIN_WINDOW_SECONDS = 15 * 60;

export interface LoginThrottle {
  /**
   * Counts an attempt before its password is checked, or throws rate_limited when the username has
   * used up its failures: concurrent attempts cannot all pass one check, so at most `loginFailures`
   * are ever evaluated per window.
   */
  attempt(usernameKey: string): Promise<void>;
  /** The attempt succeeded: the count starts over. (A failed attempt simply stays counted.) */
  succeeded(usernameKey: string): Promise<void>;
}

const key = (usernameKey: string) => `prizmai:login-failures:${usernameKey}`;

// KEYS[1] the count; ARGV: max, window (s). Returns 0 when the attempt is counted, else the seconds
// until the window ends (the refused attempt is not counted).
const ATTEMPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  local ttl = redis.call('TTL', KEYS[1])
  if ttl <= 0 then return tonumber(ARGV[2]) end
  return ttl
end
return 0`;

/** Counts in Redis, one script per attempt, so every service process shares one count atomically. */
export function redisLoginThrottle(redis: Redis, maxFailures: number): LoginThrottle {
  return {
    async attempt(usernameKey) {
      if (maxFailures <= 0) return;
      const retryAfter = Number(await redis.eval(ATTEMPT, 1, key(usernameKey), maxFailures, LOGIN_WINDOW_SECONDS));
      if (retryAfter > 0) {
        throw new DomainError('rate_limited', 'too many failed logins: try again later', undefined, retryAfter);
      }
    },
    async succeeded(usernameKey) {
      if (maxFailures <= 0) return;
      await redis.del(key(usernameKey));
    },
  };
}
