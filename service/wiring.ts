import type { MikroORM, SqlEntityManager } from '@mikro-orm/knex';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/types.js';
import { dialectOf } from './db/orm.js';
import { pgPostWriter } from './db/pg-post-writer.js';
import { sqlitePostWriter } from './db/sqlite-post-writer.js';
import type { DomainDeps } from './domain/deps.js';
import { redisLoginThrottle } from './domain/login-throttle.js';
import { redisPostLimiter } from './domain/rate-limit.js';
import { redisPublisher } from './events.js';
import { errorFields, type Logger } from './log.js';
import type { MentionQueue } from './queue/mentions.js';
import { cacheSqliteStatements } from './sqlite-statements.js';

export interface WiringInput {
  config: ResolvedConfig;
  orm: MikroORM;
  redis: Redis;
  /** A connection for PUBLISH only, pipelining what is published together (default: `redis`). */
  publisher?: Redis;
  mentions: MentionQueue;
  logger: Logger;
}

/** The use cases' side effects over the real database, Redis and queue. */
export function domainDeps({ config, orm, redis, publisher, mentions, logger }: WiringInput): DomainDeps {
  // Both drivers are knex-based SQL drivers.
  const em = orm.em as unknown as SqlEntityManager;
  const dialect = dialectOf(config.database.url);
  const knex = em.getKnex();
  if (dialect === 'sqlite') cacheSqliteStatements(knex);
  return {
    db: { knex, dialect },
    em,
    events: redisPublisher(publisher ?? redis),
    posts: dialect === 'sqlite' ? sqlitePostWriter(knex) : pgPostWriter(knex),
    mentions,
    limiter: redisPostLimiter(redis, config.limits),
    loginThrottle: redisLoginThrottle(redis, config.limits.loginFailures),
    registration: config.auth.registration,
    reportError: (what, error) => logger.error(what, errorFields(error)),
  };
}
