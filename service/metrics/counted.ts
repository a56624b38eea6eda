import type { PostWriter } from '../db/post-writer.js';
import { DomainError } from '../domain/errors.js';
import type { LoginThrottle } from '../domain/login-throttle.js';
import type { PostLimiter } from '../domain/rate-limit.js';
import type { RateLimit, ServiceStats } from './stats.js';

// The domain's ports, counted: posts stored and refusals by a limit, without the use cases knowing.

const countRefusal = (stats: ServiceStats, limit: RateLimit) => (error: unknown) => {
  if (error instanceof DomainError && error.code === 'rate_limited') stats.rateLimited[limit]++;
  throw error;
};

export function countedPostWriter(writer: PostWriter, stats: ServiceStats): PostWriter {
  return {
    async write(request) {
      const outcome = await writer.write(request);
      if ('created' in outcome) stats.postsStored[request.kind]++;
      return outcome;
    },
  };
}

export function countedLimiter(limiter: PostLimiter, stats: ServiceStats): PostLimiter {
  const refused = countRefusal(stats, 'posts');
  return { take: (userId) => limiter.take(userId).catch(refused) };
}

export function countedLoginThrottle(throttle: LoginThrottle, stats: ServiceStats): LoginThrottle {
  const refused = countRefusal(stats, 'logins');
  return {
    attempt: (usernameKey) => throttle.attempt(usernameKey).catch(refused),
    succeeded: (usernameKey) => throttle.succeeded(usernameKey),
  };
}
