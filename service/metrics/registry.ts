import type * as Prom from 'prom-client';
import { requireCjs } from '../cjs.js';
import type { QueueCounts, QueueDepths } from './queue-depths.js';
import { CLIENT_FRAME_TYPES, type ServiceStats } from './stats.js';

// GET /metrics (Prometheus text): prom-client's registry, with the service's figures read from its
// ServiceStats when scraped, the worker's queue depths asked of Redis (bounded), and prom-client's own
// process figures (CPU, memory, event-loop lag, handles). One registry per service, not the global one,
// so several services in one test process do not mix their figures.

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Methods get a label of their own; anything else is `other`, so a client cannot mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface ServiceMetrics {
  /** A finished HTTP request: its route pattern (null when no route matched), status and duration. */
  observeRequest(method: string, route: string | null, status: number, seconds: number): void;
  /** The exposition and its content type. */
  scrape(): Promise<{ body: string; contentType: string }>;
}

export function serviceMetrics(stats: ServiceStats, queues: QueueDepths): ServiceMetrics {
  const prom = requireCjs('prom-client') as typeof Prom;
  const register = new prom.Registry();
  prom.collectDefaultMetrics({ register });
  const registers = [register];

  const requests = new prom.Counter({
    name: 'prizmai_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const durations = new prom.Histogram({
    name: 'prizmai_http_request_duration_seconds',
    help: 'Time from a request to its answer, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: DURATION_BUCKETS,
    registers,
  });

  const gauge = (name: string, help: string, read: () => number) =>
    new prom.Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  // A total kept by ServiceStats, reported as it stands at each scrape.
  const total = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    read: () => [Partial<Record<L, string>>, number][],
  ) =>
    new prom.Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });

  gauge('prizmai_ws_connections', 'WebSocket connections open', () => stats.connectionsOpen);
  total('prizmai_ws_connections_opened_total', 'WebSocket connections accepted', [], () => [
    [{}, stats.connectionsOpened],
  ]);
  total('prizmai_ws_handshakes_refused_total', 'WebSocket handshakes refused, by reason', ['reason'], () =>
    Object.entries(stats.handshakesRefused).map(([reason, n]) => [{ reason }, n ?? 0]),
  );
  gauge('prizmai_ws_subscriptions', 'Streams followed, over all connections', () => stats.subscriptionsOpen);
  total('prizmai_ws_frames_received_total', 'Frames received from clients, by type', ['type'], () =>
    CLIENT_FRAME_TYPES.map((type) => [{ type }, stats.framesReceived[type]]),
  );
  total('prizmai_ws_frames_sent_total', 'Frames written to clients (acks, errors and pongs too)', [], () => [
    [{}, stats.framesSent],
  ]);
  total('prizmai_ws_deliveries_total', 'Stream items and updates written to subscribers', [], () => [
    [{}, stats.deliveries],
  ]);
  total('prizmai_ws_slow_consumer_disconnects_total', 'Connections closed with 4008 (could not keep up)', [], () => [
    [{}, stats.slowConsumerDisconnects],
  ]);
  total('prizmai_posts_stored_total', 'Messages and comments stored (idempotent repeats not counted)', ['kind'], () => [
    [{ kind: 'message' }, stats.postsStored.message],
    [{ kind: 'comment' }, stats.postsStored.comment],
  ]);
  total('prizmai_rate_limited_total', 'Refusals by a limit (posts, logins, connections per user)', ['limit'], () =>
    Object.entries(stats.rateLimited).map(([limit, n]) => [{ limit }, n]),
  );

  // Both queue metrics show one read of Redis per scrape.
  let counting: Promise<QueueCounts | undefined> | undefined;
  const counts = () => (counting ??= queues.counts());
  new prom.Gauge({
    name: 'prizmai_queue_up',
    help: '1 when the queue figures could be read from Redis at this scrape, else 0',
    registers,
    async collect() {
      this.set((await counts()) ? 1 : 0);
    },
  });
  new prom.Gauge({
    name: 'prizmai_queue_jobs',
    help: "Jobs in the worker's BullMQ queues, by queue and state (failed: kept for inspection)",
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const [queue, states] of Object.entries((await counts()) ?? {})) {
        for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
      }
    },
  });

  return {
    observeRequest(method, route, status, seconds) {
      const known = METHODS.has(method) ? method : 'other';
      const pattern = route ?? 'unmatched';
      requests.inc({ method: known, route: pattern, status: String(status) });
      durations.observe({ method: known, route: pattern }, seconds);
    },
    async scrape() {
      try {
        return { body: await register.metrics(), contentType: register.contentType };
      } finally {
        counting = undefined;
      }
    },
  };
}

/**
 * The metrics, with prom-client loaded only when `load()` is called or /metrics is first scraped (its
 * ~25 ms stay off the service's start); requests answered before are kept and counted then.
 */
export function deferredServiceMetrics(stats: ServiceStats, queues: QueueDepths) {
  let metrics: ServiceMetrics | undefined;
  let early: Parameters<ServiceMetrics['observeRequest']>[] = [];
  const load = () => {
    if (metrics) return metrics;
    metrics = serviceMetrics(stats, queues);
    for (const request of early) metrics.observeRequest(...request);
    early = [];
    return metrics;
  };
  return {
    load,
    // Every request passes here: no rest array, no spread once loaded.
    observeRequest(method: string, route: string | null, status: number, seconds: number) {
      if (metrics) metrics.observeRequest(method, route, status, seconds);
      // Bounded: a flood before the first load keeps its first thousand figures, not all of it.
      else if (early.length < 1000) early.push([method, route, status, seconds]);
    },
    scrape: () => load().scrape(),
  } satisfies ServiceMetrics & { load(): ServiceMetrics };
}
