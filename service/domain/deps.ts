import type { Database } from '../db/database.js';
import type { PostWriter } from '../db/post-writer.js';
import type { EventPublisher } from '../events.js';
import type { JobHandOver } from '../queue/hand-over.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PostLimiter } from './rate-limit.js';

/** The side effects every use case may need; HTTP and WebSocket front ends build one and share it. */
export interface DomainDeps {
  db: Database;
  events: EventPublisher;
  /** The write path of messages and comments (batched, in call order). */
  posts: PostWriter;
  /** Hands a committed post's outbox job (its notifications) to the worker's queue. */
  jobs: JobHandOver;
  limiter: PostLimiter;
  loginThrottle: LoginThrottle;
  registration: 'open' | 'closed';
  /** Reports failures of work done after the answer (publishing, enqueueing). */
  reportError: (what: string, error: unknown) => void;
}
