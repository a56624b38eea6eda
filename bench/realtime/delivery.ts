// The delivery scenarios (fan-out, rooms): rooms of subscribers, one publisher connection per room (not
// subscribed) keeping `window` messages in flight — a message is in flight from its send until every
// subscriber of its room has it; each completion sends the next. A warm-up, then the counted part.
// Every subscriber's receipts are checked: each message of its room's publisher exactly once, in the
// order sent.
import type { RawData, WebSocket } from 'ws';
import { Clients, parse, pool } from './clients.js';
import { guard, StalledError } from './guard.js';
import { settle } from './proc.js';
import type { Target } from './target.js';
import { postFrame, prefixOf, sequenceOf } from './text.js';

export interface DeliveryPlan {
  /** The scenario's name, in every client_id (which must be unique for the whole run). */
  name: string;
  rooms: number[];
  subscribersPerRoom: number;
  /** Messages each publisher keeps in flight. */
  window: number;
  /** Messages per publisher before the counted part. */
  warmup: number;
  /** Messages per publisher counted. */
  messages: number;
}

export interface Correctness {
  /** Receipts missing at the end (a subscriber never got a message sent while it was connected). */
  lost: number;
  duplicated: number;
  /** Receipts of a message after a later one of the same publisher. */
  outOfOrder: number;
  /** Posts answered with an `error` frame. */
  refused: number;
  /** Posts that got neither an ack nor an error. */
  missingAcks: number;
  unexpectedCloses: number;
  /** `error` frames' `code: message`, with counts. */
  errors: Record<string, number>;
  closeCodes: Record<string, number>;
}

export interface DeliveryResult extends Correctness {
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Counted deliveries and messages completed, over `seconds`. */
  deliveries: number;
  messages: number;
  seconds: number;
  /** Acks whose message_id is lower than that of a post sent before (per publisher). */
  acksOutOfSendOrder: number;
  /** Frames of another publisher or with a client_id the generator never sent. */
  stray: number;
  /** Broadcasts of a post with a mention whose mentioned_users is empty (first subscriber of a room). */
  unresolvedMentions: number;
  /** Why the scenario ended early, if it did. */
  aborted?: string;
}

/** One publisher's posts, by sequence number n. */
class Publisher {
  readonly sentAt: Float64Array;
  /** Subscribers yet to receive it. */
  readonly remaining: Int32Array;
  readonly done: Uint8Array;
  readonly acked: Uint8Array;
  readonly refused: Uint8Array;
  readonly ackId: Float64Array;
  ws: WebSocket | undefined;
  /** The next n to send, the end of the current phase, and the phase's posts not yet complete. */
  next = 0;
  end = 0;
  pending = 0;
  inFlight = 0;
  /** Subscribers of the room still connected. */
  live = 0;

  constructor(
    readonly index: number,
    /** Of its posts' client_ids. */
    readonly prefix: string,
    readonly roomId: number,
    total: number,
  ) {
    this.sentAt = new Float64Array(total);
    this.remaining = new Int32Array(total);
    this.done = new Uint8Array(total);
    this.acked = new Uint8Array(total);
    this.refused = new Uint8Array(total);
    this.ackId = new Float64Array(total);
  }
}

export async function runDelivery(target: Target, plan: DeliveryPlan): Promise<DeliveryResult> {
  const { warmup, window } = plan;
  const total = warmup + plan.messages;
  const subscriberCount = plan.rooms.length * plan.subscribersPerRoom;
  const clients = new Clients();
  const publishers = plan.rooms.map((roomId, p) => new Publisher(p, prefixOf(plan.name, p), roomId, total));
  const seen = Array.from({ length: subscriberCount }, () => new Uint8Array(total));
  /** Per subscriber: 1 + the highest n received; the publisher's `next` when it closed, or -1. */
  const highest = new Int32Array(subscriberCount);
  const closedAt = new Int32Array(subscriberCount).fill(-1);
  const latencies = new Float64Array(plan.messages * plan.subscribersPerRoom * plan.rooms.length);
  const errors: Record<string, number> = {};
  let received = 0;
  /** When the last frame came: a scenario given up ends there, not after the wait for progress. */
  let lastFrameAt = 0;
  let sent = 0;
  /** Posts acked or refused; once every post sent is, `allAnswered` runs. */
  let answered = 0;
  let allAnswered: (() => void) | undefined;
  let acks = 0;
  let counted = 0;
  let countedMessages = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let refused = 0;
  let stray = 0;
  let unresolvedMentions = 0;
  let phaseLeft = 0;
  let phaseDone: () => void = () => {};
  let phaseFailed: (error: Error) => void = () => {};

  const complete = (pub: Publisher, n: number) => {
    pub.done[n] = 1;
    pub.inFlight--;
    if (n >= warmup) countedMessages++;
    if (--pub.pending === 0) {
      if (--phaseLeft === 0) phaseDone();
    } else {
      pump(pub);
    }
  };
  const pump = (pub: Publisher) => {
    while (pub.inFlight < window && pub.next < pub.end) {
      const n = pub.next++;
      pub.inFlight++;
      pub.remaining[n] = pub.live;
      pub.sentAt[n] = performance.now();
      sent++;
      pub.ws?.send(postFrame(pub.prefix, n, pub.roomId, target.members));
    }
  };
  const phase = (end: number) =>
    new Promise<void>((resolve, reject) => {
      phaseDone = resolve;
      phaseFailed = reject;
      phaseLeft = publishers.length;
      for (const pub of publishers) {
        pub.end = end;
        pub.pending = end - pub.next;
      }
      for (const pub of publishers) pump(pub);
    });

  const subscriber = (s: number, pub: Publisher, ws: WebSocket) => {
    const mine = seen[s] as Uint8Array;
    const checksMentions = s < plan.rooms.length;
    ws.on('message', (data: RawData) => {
      const frame = parse(data);
      if (frame.type !== 'chat_message') return;
      const now = performance.now();
      lastFrameAt = now;
      received++;
      const n = sequenceOf(frame.client_id, pub.prefix);
      if (n < 0 || n >= pub.next) {
        stray++;
        return;
      }
      if (mine[n]) {
        duplicated++;
        return;
      }
      mine[n] = 1;
      if (n < (highest[s] as number)) outOfOrder++;
      else highest[s] = n + 1;
      if (n >= warmup && counted < latencies.length) latencies[counted++] = now - (pub.sentAt[n] as number);
      if (checksMentions && n % 10 === 0 && !frame.mentioned_users?.length) unresolvedMentions++;
      if (--(pub.remaining[n] as number) === 0 && !pub.done[n]) complete(pub, n);
    });
    ws.on('close', () => {
      if (clients.closing) return;
      // It gets nothing more: what is in flight no longer waits for it.
      closedAt[s] = pub.next;
      pub.live--;
      for (let n = 0; n < pub.next; n++) {
        if (pub.done[n] || mine[n]) continue;
        if (--(pub.remaining[n] as number) === 0) complete(pub, n);
      }
    });
  };

  const publisher = (pub: Publisher, ws: WebSocket) => {
    ws.on('message', (data: RawData) => {
      const frame = parse(data);
      lastFrameAt = performance.now();
      if (frame.type === 'ack') {
        const n = sequenceOf(frame.client_id, pub.prefix);
        if (n < 0 || n >= pub.next || pub.acked[n]) {
          stray++;
          return;
        }
        acks++;
        pub.acked[n] = 1;
        pub.ackId[n] = frame.message_id ?? 0;
        if (++answered >= sent) allAnswered?.();
      } else if (frame.type === 'error') {
        refused++;
        const key = `${frame.code}: ${frame.message}`;
        errors[key] = (errors[key] ?? 0) + 1;
        const n = sequenceOf(frame.ref, pub.prefix);
        if (n < 0 || n >= pub.next || pub.refused[n]) return;
        pub.refused[n] = 1;
        if (++answered >= sent) allAnswered?.();
        if (!pub.done[n]) complete(pub, n);
      }
    });
    ws.on('close', (code) => {
      if (!clients.closing) phaseFailed(new Error(`publisher ${pub.index} closed (${code})`));
    });
  };

  let aborted: string | undefined;
  let started = 0;
  let ended = 0;
  try {
    const setup = new AbortController();
    try {
      await guard(
        pool(
          subscriberCount,
          50,
          async (s) => {
            const pub = publishers[s % publishers.length] as Publisher;
            const ws = await clients.openSubscribed(target.url, tokenOf(target, s), `room:${pub.roomId}`);
            pub.live++;
            subscriber(s, pub, ws);
          },
          setup.signal,
        ),
        () => publishers.reduce((sum, pub) => sum + pub.live, 0),
        'subscribing',
      );
    } finally {
      setup.abort();
    }
    for (const pub of publishers) {
      pub.ws = await clients.open(target.url, tokenOf(target, pub.index + subscriberCount));
      publisher(pub, pub.ws);
    }
    await settle(target.pid);
    const progress = () => received + acks + refused;
    await guard(phase(warmup), progress, 'warm-up');
    started = performance.now();
    await guard(phase(total), progress, 'counted part');
    ended = performance.now();
    // A post is complete once every subscriber has it, which may be before its ack is read.
    const acked = new Promise<void>((resolve) => {
      allAnswered = resolve;
      if (answered >= sent) resolve();
    });
    await guard(acked, progress, 'the last acks');
  } catch (error) {
    ended ||= Math.max(started, lastFrameAt);
    aborted = error instanceof StalledError ? error.message : `failed: ${(error as Error).message}`;
  } finally {
    await clients.closeAll();
  }

  // What was missed: by every subscriber, each post sent while it was connected, unless refused.
  let lost = 0;
  let missingAcks = 0;
  let acksOutOfSendOrder = 0;
  for (let s = 0; s < subscriberCount; s++) {
    const pub = publishers[s % publishers.length] as Publisher;
    const mine = seen[s] as Uint8Array;
    const upTo = (closedAt[s] as number) >= 0 ? (closedAt[s] as number) : pub.next;
    for (let n = 0; n < upTo; n++) if (!mine[n] && !pub.refused[n]) lost++;
  }
  for (const pub of publishers) {
    let last = 0;
    for (let n = 0; n < pub.next; n++) {
      if (!pub.acked[n]) {
        if (!pub.refused[n]) missingAcks++;
        continue;
      }
      const id = pub.ackId[n] as number;
      if (id < last) acksOutOfSendOrder++;
      else last = id;
    }
  }
  const sorted = latencies.subarray(0, counted).sort();
  const seconds = started ? (ended - started) / 1000 : 0;
  return {
    deliveriesPerSecond: seconds ? counted / seconds : 0,
    messagesPerSecond: seconds ? countedMessages / seconds : 0,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    deliveries: counted,
    messages: countedMessages,
    seconds,
    lost,
    duplicated,
    outOfOrder,
    refused,
    missingAcks,
    unexpectedCloses: clients.unexpectedCloseCount,
    errors,
    closeCodes: Object.fromEntries(clients.unexpectedCloses),
    acksOutOfSendOrder,
    stray,
    unresolvedMentions,
    ...(aborted ? { aborted } : {}),
  };
}

/** Client i's token: the seeded users in turn. */
export const tokenOf = (target: Target, i: number) => target.tokens[i % target.tokens.length] as string;

export const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number) : 0;
