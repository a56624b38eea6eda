import type { Database } from '../db/database.js';
import type { PostWriter } from '../db/post-writer.js';
import type { EventPublisher } from '../events.js';
import type { MentionQueue } from '../queue/mentions.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PostLimiter } from './rate-limit.js';

/** The side effects every use case may need; HTTP and WebSocket front ends build one and share it. */
export interface DomainDeps {
  db: Database;
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
