// Burst: one connection sends `count` chat_message frames back to back (no waiting) to one room, then
// waits for their acks. The acks' message_ids must increase in the order sent; the server's RSS is
// read before, every 20 ms during (the peak), and once every post is answered.
import type { RawData } from 'ws';
import { Clients, parse } from './clients.js';
import { tokenOf } from './delivery.js';
import { guard } from './guard.js';
import { rssKiB, settle } from './proc.js';
import type { Target } from './target.js';
import { postFrame, prefixOf, sequenceOf } from './text.js';

const PREFIX = prefixOf('burst', 0);

export interface BurstResult {
  posts: number;
  acks: number;
  refused: number;
  /** Acks whose message_id is not above that of every post sent before it. */
  outOfOrder: number;
  /** Sends → last answer. */
  seconds: number;
  acksPerSecond: number;
  rssBeforeKiB: number;
  rssPeakKiB: number;
  rssAfterKiB: number;
  errors: Record<string, number>;
  unexpectedCloses: number;
  aborted?: string;
}

export async function runBurst(target: Target, count: number): Promise<BurstResult> {
  const clients = new Clients();
  const ids = new Float64Array(count);
  const errors: Record<string, number> = {};
  let acks = 0;
  let refused = 0;
  let aborted: string | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const ws = await clients.open(target.url, tokenOf(target, 0));
    let answered: () => void = () => {};
    const allAnswered = new Promise<void>((resolve) => (answered = resolve));
    ws.on('message', (data: RawData) => {
      const frame = parse(data);
      if (frame.type === 'ack') {
        const n = sequenceOf(frame.client_id, PREFIX);
        if (n >= 0 && n < count && !ids[n]) {
          ids[n] = frame.message_id ?? 0;
          acks++;
        }
      } else if (frame.type === 'error') {
        refused++;
        const key = `${frame.code}: ${frame.message}`;
        errors[key] = (errors[key] ?? 0) + 1;
      } else {
        return;
      }
      if (acks + refused >= count) answered();
    });
    ws.on('close', (code) => {
      if (clients.closing) return;
      aborted = `the connection closed (${code}) with ${acks + refused} of ${count} posts answered`;
      answered();
    });
    await settle(target.pid);
    const rssBeforeKiB = rssKiB(target.pid);
    let rssPeakKiB = rssBeforeKiB;
    sampler = setInterval(() => {
      rssPeakKiB = Math.max(rssPeakKiB, rssKiB(target.pid));
    }, 20);
    const started = performance.now();
    for (let n = 0; n < count; n++) ws.send(postFrame(PREFIX, n, target.rooms.burst, target.members));
    try {
      await guard(allAnswered, () => acks + refused, 'burst');
    } catch (error) {
      aborted ??= (error as Error).message;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const rssAfterKiB = rssKiB(target.pid);
    rssPeakKiB = Math.max(rssPeakKiB, rssAfterKiB);
    let outOfOrder = 0;
    let last = 0;
    for (const id of ids) {
      if (!id) continue;
      if (id <= last) outOfOrder++;
      else last = id;
    }
    return {
      posts: count,
      acks,
      refused,
      outOfOrder,
      seconds,
      acksPerSecond: seconds ? acks / seconds : 0,
      rssBeforeKiB,
      rssPeakKiB,
      rssAfterKiB,
      errors,
      unexpectedCloses: clients.unexpectedCloseCount,
      ...(aborted ? { aborted } : {}),
    };
  } finally {
    clearInterval(sampler);
    await clients.closeAll();
  }
}
