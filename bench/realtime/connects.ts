// Connects: `count` connections, at most `concurrency` being set up at a time, each a handshake with a
// bearer token, a `subscribe` and its `subscribed`. connects/s = connections set up ÷ elapsed.
import { Clients, pool } from './clients.js';
import { tokenOf } from './delivery.js';
import { guard } from './guard.js';
import { settle } from './proc.js';
import type { Target } from './target.js';

export interface ConnectsResult {
  connectsPerSecond: number;
  connected: number;
  failed: number;
  seconds: number;
  /** The first failure's message. */
  firstFailure?: string;
  aborted?: string;
}

export async function runConnects(target: Target, count: number, concurrency: number): Promise<ConnectsResult> {
  const clients = new Clients();
  const stream = `room:${target.rooms.idle}`;
  const stop = new AbortController();
  let connected = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let aborted: string | undefined;
  await settle(target.pid);
  const started = performance.now();
  let ended = started;
  let outcome = { connected, failed };
  try {
    const connect = async (i: number) => {
      try {
        await clients.openSubscribed(target.url, tokenOf(target, i), stream);
        connected++;
      } catch (error) {
        failed++;
        firstFailure ??= (error as Error).message;
      }
    };
    await guard(pool(count, concurrency, connect, stop.signal), () => connected + failed, 'connects');
  } catch (error) {
    aborted = (error as Error).message;
  } finally {
    ended = performance.now();
    // Counted before the generator's own closes fail what is still being set up.
    outcome = { connected, failed };
    stop.abort();
    await clients.closeAll();
  }
  const seconds = (ended - started) / 1000;
  return {
    connectsPerSecond: seconds ? outcome.connected / seconds : 0,
    ...outcome,
    seconds,
    ...(firstFailure ? { firstFailure } : {}),
    ...(aborted ? { aborted } : {}),
  };
}
