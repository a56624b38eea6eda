import type { Redis } from 'ioredis';
import { DomainError } from './errors.js';

/** Failed logins are counted per username over this window (SPEC §3 `limits.loginFailures`). */
export const LOGIN_WINDOW_SECONDS = 15 * 60;

export interface LoginThrottle {
  /** Throws rate_limited while the username has used up its failures. */
  check(usernameKey: string): Promise<void>;
  fail(usernameKey: string): Promise<void>;
  succeed(usernameKey: string): Promise<void>;
}

const key = (usernameKey: string) => `prizmai:login-failures:${usernameKey}`;

/** Counts in Redis, so every service process shares one count; the window starts at the first failure. */
export function redisLoginThrottle(redis: Redis, maxFailures: number): LoginThrottle {
  return {
    async check(usernameKey) {
      if (maxFailures <= 0) return;
      const [count, ttl] = await redis
        .multi()
        .get(key(usernameKey))
        .ttl(key(usernameKey))
        .exec()
        .then((r) => (r ?? []).map(([, value]) => value));
      if (Number(count ?? 0) >= maxFailures) {
        const retryAfter = Number(ttl) > 0 ? Number(ttl) : LOGIN_WINDOW_SECONDS;
        throw new DomainError('rate_limited', 'too many failed logins: try again later', undefined, retryAfter);
      }
    },
    async fail(usernameKey) {
      await redis.multi().incr(key(usernameKey)).expire(key(usernameKey), LOGIN_WINDOW_SECONDS, 'NX').exec();
    },
    async succeed(usernameKey) {
      await redis.del(key(usernameKey));
    },
  };
}
