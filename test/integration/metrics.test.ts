// GET /metrics of the real service process (with a real worker, Redis and SQLite): valid Prometheus
// text, off the API's auth, and its figures move with what happens — a post stored, a socket connected
// and subscribed, frames in and out, a job failed in the worker's queue, a handshake refused.

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openDatabase } from '../../service/db/orm.js';
import { SCHEDULED_QUEUE } from '../../service/queue/names.js';
import { createSqliteDatabase } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { type Family, parsePrometheus, sampleValue } from '../fixtures/prometheus.js';
import { startRedis, type TestRedis } from '../fixtures/redis.js';
import { type ServiceProcess, startServiceProcess, startWorkerProcess } from '../fixtures/service-process.js';
import { tempDir } from '../fixtures/tmp.js';
import { type Client, connectClient } from '../fixtures/ws-client.js';
import { buildWorld, remoteService, type World } from './support/world.js';

describe('GET /metrics', () => {
  const dir = tempDir('prizmai-metrics-');
  let redis: TestRedis | undefined;
  let service: ServiceProcess | undefined;
  let worker: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
  let databaseUrl: string;
  const clients: Client[] = [];
  let w: World;

  const scrape = async (): Promise<Map<string, Family>> => {
    const response = await fetch(`${(service as ServiceProcess).url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };

  beforeAll(async () => {
    redis = await startRedis();
    databaseUrl = (await createSqliteDatabase(dir.path)).url;
    const orm = await openDatabase(databaseUrl);
    await orm.getMigrator().up();
    await orm.close(true);
    service = await startServiceProcess({ dir: dir.path, databaseUrl, redisUrl: redis.url });
    worker = await startWorkerProcess({ dir: dir.path, databaseUrl, redisUrl: redis.url });
    w = await buildWorld(remoteService((service as ServiceProcess).url));
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.allSettled([service?.stop(), worker?.stop()]);
    await redis?.stop();
    dir.remove();
  });

  it('is valid Prometheus text with every family the service reports, without a token', async () => {
    const families = await scrape();
    for (const name of [
      'prizmai_http_requests_total',
      'prizmai_http_request_duration_seconds',
      'prizmai_ws_connections',
      'prizmai_ws_subscriptions',
      'prizmai_ws_frames_received_total',
      'prizmai_ws_frames_sent_total',
      'prizmai_ws_deliveries_total',
      'prizmai_ws_slow_consumer_disconnects_total',
      'prizmai_posts_stored_total',
      'prizmai_rate_limited_total',
      'prizmai_queue_jobs',
      'prizmai_queue_up',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(families.get(name)?.type, name).toBeTruthy();
    }
    expect(sampleValue(families, 'prizmai_queue_up')).toBe(1);
    // The world's set-up requests are counted by route pattern, never by raw path.
    expect(sampleValue(families, 'prizmai_http_requests_total', { method: 'POST', route: '/api/v1/boards' })).toBe(2);
    const routes = families.get('prizmai_http_requests_total')?.samples.map((s) => s.labels.route) ?? [];
    expect(routes.some((route) => /\/\d+/.test(route ?? ''))).toBe(false);
  });

  it('moves when a message is posted, a socket connects and subscribes, and frames flow', async () => {
    const before = await scrape();
    const client = await connectClient(service?.url as string, w.bob.token);
    clients.push(client);
    client.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await client.next((f) => f.type === 'subscribed');
    const posted = await remoteService(service?.url as string).call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
      token: w.alice.token,
      json: { content: 'counted' },
    });
    expect(posted.status).toBe(201);
    await client.next((f) => f.type === 'chat_message' && f.message === 'counted');

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('prizmai_posts_stored_total', { kind: 'message' })).toBe(1);
    expect(
      moved('prizmai_http_requests_total', { method: 'POST', route: '/api/v1/rooms/:id/messages', status: '201' }),
    ).toBe(1);
    expect(
      moved('prizmai_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/rooms/:id/messages' }),
    ).toBe(1);
    expect(moved('prizmai_ws_connections')).toBe(1);
    expect(moved('prizmai_ws_connections_opened_total')).toBe(1);
    expect(moved('prizmai_ws_subscriptions')).toBe(1);
    expect(moved('prizmai_ws_frames_received_total', { type: 'subscribe' })).toBe(1);
    expect(moved('prizmai_ws_deliveries_total')).toBeGreaterThanOrEqual(1);
    // subscribed + the message (+ presence frames).
    expect(moved('prizmai_ws_frames_sent_total')).toBeGreaterThanOrEqual(2);

    // A frame that is not one is counted as invalid; the socket's close is counted down.
    client.send('{not json');
    await client.next((f) => f.type === 'error');
    client.close();
    await eventually(async () => {
      const now = await scrape();
      return sampleValue(now, 'prizmai_ws_connections') === sampleValue(before, 'prizmai_ws_connections')
        ? now
        : undefined;
    });
    const closed = await scrape();
    expect(sampleValue(closed, 'prizmai_ws_frames_received_total', { type: 'invalid' })).toBe(1);
    expect(sampleValue(closed, 'prizmai_ws_subscriptions')).toBe(sampleValue(before, 'prizmai_ws_subscriptions'));
  });

  it('the gauges come back down when sockets close in the middle of subscribing', async () => {
    const before = await scrape();
    // Each subscribe starts the room's feed afresh (the last one left), and the socket goes at a
    // different moment each time (before, during or after the subscribe: wherever it lands, nothing stays
    // counted). The one close-while-reading-access-again moment is too narrow to hit on purpose here;
    // session.ts checks for it by reading.
    for (let i = 0; i < 40; i++) {
      const client = await connectClient(service?.url as string, w.bob.token);
      client.send({ type: 'subscribe', stream: `room:${w.roomId}` });
      await new Promise((resolve) => setTimeout(resolve, i % 8));
      client.close();
    }
    const settled = await eventually(async () => {
      const now = await scrape();
      return sampleValue(now, 'prizmai_ws_connections') === sampleValue(before, 'prizmai_ws_connections')
        ? now
        : undefined;
    });
    // A later subscribe, answered, comes after every one of those closes was handled.
    const last = await connectClient(service?.url as string, w.bob.token);
    clients.push(last);
    last.send({ type: 'subscribe', stream: `room:${w.roomId}` });
    await last.next((f) => f.type === 'subscribed');
    const now = await scrape();
    expect(sampleValue(settled, 'prizmai_ws_subscriptions')).toBe(sampleValue(before, 'prizmai_ws_subscriptions'));
    expect(sampleValue(now, 'prizmai_ws_subscriptions')).toBe(sampleValue(before, 'prizmai_ws_subscriptions') + 1);
    last.close();
  });

  it('counts a refused handshake and a failed job of the worker', async () => {
    const before = await scrape();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${service?.url.replace('http', 'ws')}/ws?token=not-a-token`);
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
    const afterRefusal = await scrape();
    expect(
      sampleValue(afterRefusal, 'prizmai_ws_handshakes_refused_total', { reason: 'unauthenticated' }) -
        sampleValue(before, 'prizmai_ws_handshakes_refused_total', { reason: 'unauthenticated' }),
    ).toBe(1);

    const connection = new Redis((redis as TestRedis).url, { maxRetriesPerRequest: null });
    const queue = new Queue(SCHEDULED_QUEUE, { connection });
    try {
      // A scheduled job no processor knows: the real worker fails it (one attempt).
      await queue.add('no-such-job', {}, { attempts: 1, removeOnFail: false });
      const failed = await eventually(async () => {
        const now = await scrape();
        return sampleValue(now, 'prizmai_queue_jobs', { queue: SCHEDULED_QUEUE, state: 'failed' }) === 1
          ? now
          : undefined;
      });
      expect(sampleValue(failed, 'prizmai_queue_jobs', { queue: SCHEDULED_QUEUE, state: 'waiting' })).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});

describe('GET /metrics turned off', () => {
  const dir = tempDir('prizmai-metrics-off-');
  let redis: TestRedis | undefined;
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    await service?.stop();
    await redis?.stop();
    dir.remove();
  });

  it('is a 404 with service.metrics false', async () => {
    redis = await startRedis();
    const databaseUrl = (await createSqliteDatabase(dir.path)).url;
    const orm = await openDatabase(databaseUrl);
    await orm.getMigrator().up();
    await orm.close(true);
    service = await startServiceProcess({
      dir: dir.path,
      databaseUrl,
      redisUrl: redis.url,
      adjust: (config) => {
        config.service.metrics = false;
      },
    });
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});
