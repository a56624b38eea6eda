import { z } from 'zod';

// Each rule carries one message, "expected …", so a problem reads
// `service.port: expected an integer 1–65535, got "80a"` whatever the failing check was.
const integer = (min: number, max: number) => {
  const error = `expected an integer ${min}–${max === Number.MAX_SAFE_INTEGER ? '∞' : max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const text = (what = 'a non-empty string') =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
const redisUrl = text('a redis:// or rediss:// URL').regex(/^rediss?:\/\/\S+$/, {
  error: 'expected a redis:// or rediss:// URL',
});
const databaseUrl = text('sqlite:<path> or postgres://…').regex(/^(sqlite:.+|postgres(ql)?:\/\/\S+)$/, {
  error: 'expected sqlite:<path> or postgres://…',
});
const liveness = z.union(
  [
    z.literal(false),
    z.strictObject({
      everyMs: integer(100, 24 * 60 * 60_000),
      timeoutMs: integer(100, 10 * 60_000),
      failures: integer(1, 1000),
    }),
  ],
  { error: 'expected false or { everyMs, timeoutMs, failures }' },
);
const schedule = z.strictObject({
  everyMs: integer(1000, 365 * 24 * 60 * 60_000).describe('How often the job runs, in milliseconds'),
  enabled: z.boolean({ error: 'expected true or false' }).describe('false: the job is not scheduled (beat removes it)'),
});

const probed = (what: string) =>
  liveness.describe(
    `How ${what} is probed once ready: every everyMs, an answer within timeoutMs; after failures unanswered probes in a row it is killed and restarted. false: never probed`,
  );

/** The whole configuration after defaults are merged in; strict objects refuse unknown keys. */
export const configSchema = z.strictObject({
  stateDir: text('a directory path').describe(
    'Where prizmai keeps its state: supervisor.json, the control socket, logs/, the managed Redis data (redis/) and the SQLite database. Relative to the config file',
  ),
  service: z.strictObject({
    host: text('a host name or IP address').describe(
      'The address the service binds (loopback by default: only this machine can reach it)',
    ),
    port: integer(1, 65535).describe('The HTTP and WebSocket port'),
    allowedOrigins: z
      .array(text('an origin such as https://example.com'), { error: 'expected a list of origins' })
      .describe('Browser origins (besides the service itself) whose pages may open WebSockets'),
    instances: integer(1, 64).describe(
      'Service processes sharing the port (node:cluster), shown as service.1 … service.N',
    ),
    metrics: z
      .boolean({ error: 'expected true or false' })
      .optional()
      .describe('Serve GET /metrics (Prometheus text, no auth)'),
    liveness: probed('the service (GET /healthz)'),
  }),
  redis: z.strictObject({
    url: redisUrl.optional().describe('An external Redis to use (then prizmai manages none)'),
    port: integer(1, 65535).describe('The managed redis-server port (not 6379, so a system Redis does not collide)'),
    bin: text('a redis-server executable').describe('The redis-server executable prizmai starts'),
    liveness: probed('the managed redis-server (PING)'),
  }),
  database: z
    .strictObject({
      url: databaseUrl.optional().describe('sqlite:<path> (relative to the config file) or postgres://… (PostgreSQL)'),
    })
    .default({}),
  worker: z.strictObject({
    concurrency: integer(1, 1000).describe('Jobs the worker runs at once, per queue'),
    outboxSweepSeconds: integer(1, 3600).describe(
      "How often the worker hands over notification jobs still in the outbox this many seconds after their post's commit",
    ),
    liveness: probed('the worker (an IPC heartbeat)'),
  }),
  beat: z.strictObject({
    liveness: probed('beat (an IPC heartbeat)'),
    schedules: z.strictObject({
      presenceCleanup: schedule.describe('Removes expired typing and presence entries'),
      unreadDigest: schedule
        .extend({
          olderThanMinutes: integer(1, 7 * 24 * 60).describe('How old unread notifications must be to be summarised'),
        })
        .describe(
          'One ACTIVITY notification per user with unread notifications older than olderThanMinutes, at most once a period',
        ),
      notificationRetention: schedule
        .extend({ olderThanDays: integer(1, 100 * 365).describe('How old a read notification must be to be deleted') })
        .describe('Deletes read notifications older than olderThanDays, in bounded batches'),
    }),
  }),
  auth: z.strictObject({
    registration: z
      .enum(['open', 'closed'], { error: 'expected "open" or "closed"' })
      .describe('open: anyone may register; closed: only prizmai users add creates users'),
  }),
  stop: z.strictObject({
    timeoutMs: integer(0, 10 * 60_000).describe('How long a stop waits for a process to exit before killing its tree'),
  }),
  limits: z.strictObject({
    postsPerSecond: z
      .number({ error: 'expected a number ≥ 0 (0 turns the limit off)' })
      .min(0, { error: 'expected a number ≥ 0 (0 turns the limit off)' })
      .describe(
        'Posts per user per second, sustained (messages and comments, HTTP and WebSocket together); 0 turns the limit off',
      ),
    postBurst: integer(1, 1_000_000).describe('Posts a user may make at once before the sustained rate applies'),
    loginFailures: integer(1, 1_000_000).describe('Failed logins per username per 15 minutes, then 429'),
    connectionsPerUser: integer(0, 1_000_000).describe(
      'Simultaneous WebSocket connections per user and service process; past it the handshake is refused with 429; 0: no cap',
    ),
  }),
});
