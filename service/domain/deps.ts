import type { EntityManager } from '@mikro-orm/knex';
import type { PostWriter } from '../db/post-writer.js';
import type { EventPublisher } from '../events.js';
import type { MentionQueue } from '../queue/mentions.js';
import type { Db } from './db.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PostLimiter } from './rate-limit.js';

/** The side effects every use case may need; HTTP and WebSocket front ends build one and share it. */
export interface DomainDeps {
  db: Db;
  /** MikroORM's root entity manager (forked per use) for the user helpers shared with the CLI. */
  em: EntityManager;
  events: EventPublisher;
  /** The write path of messages and comments (batched, in call order). */
  posts: PostWriter;
  mentions: MentionQueue;
  limiter: PostLimiter;
  loginThrottle: LoginThrottle;
  registration: 'open' | 'closed';
  /** Reports failures of work done after the answer (publishing, enqueueing). */
  reportError: (what: string, error: unknown) => void;
}
