// Idle memory: the server's RSS with one warm subscribed connection, then with `count` more idle
// subscribed connections (set up `concurrency` at a time) after a second's rest: KiB per connection.
import { Clients, pool } from './clients.js';
import { tokenOf } from './delivery.js';
import { guard } from './guard.js';
import { rssKiB, settle, sleep } from './proc.js';
import type { Target } from './target.js';

export interface IdleMemoryResult {
  kibPerConnection: number;
  beforeKiB: number;
  afterKiB: number;
  connected: number;
  aborted?: string;
}

export async function runIdleMemory(target: Target, count: number, concurrency: number): Promise<IdleMemoryResult> {
  const clients = new Clients();
  const stream = `room:${target.rooms.idle}`;
  const stop = new AbortController();
  let connected = 0;
  try {
    await clients.openSubscribed(target.url, tokenOf(target, 0), stream);
    await settle(target.pid);
    const beforeKiB = rssKiB(target.pid);
    let aborted: string | undefined;
    try {
      const connect = async (i: number) => {
        await clients.openSubscribed(target.url, tokenOf(target, i + 1), stream);
        connected++;
      };
      await guard(pool(count, concurrency, connect, stop.signal), () => connected, 'idle connections');
    } catch (error) {
      aborted = (error as Error).message;
    } finally {
      stop.abort();
    }
    await sleep(1000);
    const afterKiB = rssKiB(target.pid);
    return {
      kibPerConnection: connected ? (afterKiB - beforeKiB) / connected : 0,
      beforeKiB,
      afterKiB,
      connected,
      ...(aborted ? { aborted } : {}),
    };
  } finally {
    await clients.closeAll();
  }
}
