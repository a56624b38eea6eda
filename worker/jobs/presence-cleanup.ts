import type { Redis } from 'ioredis';
import type { EventPublisher } from '../../service/events.js';
import { sweepPresence } from '../../service/presence.js';

/** beat's presenceCleanup: entries of connections whose service process died go, their users announced as left. */
export function presenceCleanup(redis: Redis, events: EventPublisher) {
  return async (): Promise<{ left: number }> => {
    const left = await sweepPresence(redis, events);
    if (left > 0) process.stdout.write(`presence: ${left} departure(s) of lapsed connections announced\n`);
    return { left };
  };
}
