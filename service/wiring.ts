import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/types.js';
import type { Database } from './db/database.js';
import { postWriterFor } from './db/post-writers.js';
import type { DomainDeps } from './domain/deps.js';
import { redisLoginThrottle } from './domain/login-throttle.js';
import { redisPostLimiter } from './domain/rate-limit.js';
import { redisPublisher } from './events.js';
import { errorFields, type Logger } from './log.js';
import { countedLimiter, countedLoginThrottle, countedPostWriter } from './metrics/counted.js';
import type { ServiceStats } from './metrics/stats.js';
import { outboxHandOver } from './queue/hand-over.js';
import type { MentionQueue } from './queue/mentions.js';

export interface WiringInput {
  config: ResolvedConfig;
  db: Database;
  redis: Redis;
  /** A connection for PUBLISH only, pipelining what is published together (default: `redis`). */
  publisher?: Redis;
  mentions: MentionQueue;
  logger: Logger;
  /** Counts posts stored and refusals by a limit (default: counted nowhere). */
  stats?: ServiceStats;
}

/** The use cases' side effects over the real database, Redis and queue. */
export function domainDeps({ config, db, redis, publisher, mentions, logger, stats }: WiringInput): DomainDeps {
  const reportError = (what: string, error: unknown) => logger.error(what, errorFields(error));
  const posts = postWriterFor(db);
  const limiter = redisPostLimiter(redis, config.limits);
  const loginThrottle = redisLoginThrottle(redis, config.limits.loginFailures);
  return {
    db,
    events: redisPublisher(publisher ?? redis),
    posts: stats ? countedPostWriter(posts, stats) : posts,
    jobs: outboxHandOver(mentions, db, reportError),
    limiter: stats ? countedLimiter(limiter, stats) : limiter,
    loginThrottle: stats ? countedLoginThrottle(loginThrottle, stats) : loginThrottle,
    registration: config.auth.registration,
    reportError,
  };
}
