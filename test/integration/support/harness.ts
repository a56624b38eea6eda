import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Knex, MikroORM, SqlEntityManager } from '@mikro-orm/knex';
import { Redis } from 'ioredis';
import type { ResolvedConfig } from '../../../config/types.js';
import { createApp } from '../../../service/app.js';
import { connectDatabase, type Database } from '../../../service/db/database.js';
import { openDatabase } from '../../../service/db/orm.js';
import type { Logger } from '../../../service/log.js';
import { bullMentionQueue, type MentionQueue } from '../../../service/queue/mentions.js';
import { attachWebSockets } from '../../../service/realtime/upgrade.js';
import { requestRedisOptions } from '../../../service/redis-url.js';
import { domainDeps } from '../../../service/wiring.js';
import type { DatabaseFactory, TestDatabase } from '../../fixtures/databases.js';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function testConfig(databaseUrl: string, redisUrl: string, overrides: DeepPartial<ResolvedConfig> = {}) {
  const config: ResolvedConfig = {
    stateDir: '/nonexistent',
    service: { host: '127.0.0.1', port: 0, allowedOrigins: [], instances: 1, metrics: true, liveness: false },
    redis: { url: redisUrl, port: 0, bin: 'redis-server', liveness: false },
    database: { url: databaseUrl },
    worker: { concurrency: 1, outboxSweepSeconds: 1, liveness: false },
    beat: {
      liveness: false,
      schedules: {
        presenceCleanup: { everyMs: 10_000, enabled: false },
        unreadDigest: { everyMs: 60_000, enabled: false, olderThanMinutes: 60 },
        notificationRetention: { everyMs: 60_000, enabled: false, olderThanDays: 30 },
      },
    },
    auth: { registration: 'open' },
    stop: { timeoutMs: 1000 },
    limits: { postsPerSecond: 0, postBurst: 50, loginFailures: 10, connectionsPerUser: 0 },
  };
  return {
    ...config,
    ...overrides,
    auth: { ...config.auth, ...overrides.auth },
    limits: { ...config.limits, ...overrides.limits },
  } as ResolvedConfig;
}

// biome-ignore lint/suspicious/noExplicitAny: tests probe answers field by field
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string | undefined;
  json?: unknown;
  /** A raw body (string or bytes) sent as is, with `contentType` (default application/json). */
  raw?: string | Uint8Array;
  contentType?: string | null;
  headers?: Record<string, string>;
}

export interface Service {
  dialect: 'sqlite' | 'postgresql';
  url: string;
  config: ResolvedConfig;
  /** The test's own MikroORM (it migrated the database): for assertions through its knex. */
  orm: MikroORM;
  /** The service's database connection. */
  db: Database;
  redis: Redis;
  mentions: MentionQueue;
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  logs: string[];
  /** Every SQL statement the service ran. */
  queries: string[];
  /** Every database read a real-time feed did for all its subscribers: channel and reason. */
  feedReads: { channel: string; reason: string }[];
  /** Over the real socket (`socket`) or in-process through `app.request` (`inproc`). */
  // biome-ignore lint/suspicious/noExplicitAny: tests probe answers field by field
  call<T = any>(method: string, path: string, options?: CallOptions, via?: 'socket' | 'inproc'): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** The real service on a free port over a fresh database (migrated) and the given Redis. */
export async function startService(
  factory: DatabaseFactory,
  dir: string,
  redisUrl: string,
  overrides: DeepPartial<ResolvedConfig> = {},
  transport: 'socket' | 'inproc' = 'socket',
  /** A database another service already uses (migrated; not dropped by this one). */
  shared?: TestDatabase,
): Promise<Service> {
  const database: TestDatabase = shared ?? (await factory.create(dir));
  const orm = await openDatabase(database.url);
  if (!shared) await orm.getMigrator().up();
  const redis = new Redis(redisUrl, requestRedisOptions);
  const mentions = bullMentionQueue(redis);
  const config = testConfig(database.url, redisUrl, overrides);
  const logs: string[] = [];
  const logger: Logger = {
    info: (msg, fields) => logs.push(JSON.stringify({ level: 'info', msg, ...fields })),
    error: (msg, fields) => logs.push(JSON.stringify({ level: 'error', msg, ...fields })),
  };
  const queries: string[] = [];
  const db = await connectDatabase(database.url, { onQuery: (sql) => queries.push(sql) });
  const domain = domainDeps({ config, db, redis, mentions, logger });
  const feedReads: { channel: string; reason: string }[] = [];
  const app = createApp({ config, db, redis, mentions, logger, domain });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  // The WebSocket endpoint as the service process attaches it; a small send buffer, so tests can
  // show a slow client being disconnected.
  const sockets = attachWebSockets(server as HttpServer, {
    deps: domain,
    redis,
    subscriber: new Redis(redisUrl, { maxRetriesPerRequest: null }),
    logger,
    allowedOrigins: config.service.allowedOrigins,
    options: { maxBufferedBytes: 64 * 1024, typingExpiresMs: 300 },
    connectionsPerUser: config.limits.connectionsPerUser,
    onFeedRead: (channel, reason) => feedReads.push({ channel, reason }),
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (method: string, path: string, options: CallOptions = {}, via = transport): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined && options.contentType !== null)
      headers['content-type'] = options.contentType ?? 'application/json';
    const init: RequestInit = {
      method,
      headers,
      ...(body !== undefined ? { body: body as NonNullable<RequestInit['body']> } : {}),
    };
    const response = via === 'socket' ? await fetch(url + path, init) : await app.request(path, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await Promise.allSettled([sockets.close(), new Promise<void>((resolve) => server.close(() => resolve()))]);
      await Promise.allSettled([mentions.close()]);
      await Promise.allSettled([orm.close(true), db.close()]);
      redis.disconnect();
      if (!shared) await database.drop();
    })();
    return closed;
  };
  return {
    dialect: factory.dialect,
    url,
    config,
    orm,
    db,
    redis,
    mentions,
    app,
    logs,
    queries,
    feedReads,
    call,
    close,
    database,
  };
}

/** Registers a user and answers their token and id. */
export async function signUp(
  service: Service,
  username: string,
  password = 'correct horse battery',
): Promise<{ token: string; id: number; username: string }> {
  const answer = await service.call('POST', '/api/v1/auth/register', { json: { username, password } });
  if (answer.status !== 201) throw new Error(`register ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { token: answer.body.token, id: answer.body.user.id, username };
}

/** The service database's knex (both drivers are SQL drivers). */
export function knexOf(service: Service): Knex {
  return (service.orm.em as unknown as SqlEntityManager).getKnex();
}
