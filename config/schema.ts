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
  everyMs: integer(1000, 365 * 24 * 60 * 60_000),
  enabled: z.boolean({ error: 'expected true or false' }),
});

/** The whole configuration after defaults are merged in; strict objects refuse unknown keys. */
export const configSchema = z.strictObject({
  stateDir: text('a directory path'),
  service: z.strictObject({
    host: text('a host name or IP address'),
    port: integer(1, 65535),
    allowedOrigins: z.array(text('an origin such as https://example.com'), { error: 'expected a list of origins' }),
    instances: integer(1, 64),
    metrics: z.boolean({ error: 'expected true or false' }).optional(),
    liveness,
  }),
  redis: z.strictObject({
    url: redisUrl.optional(),
    port: integer(1, 65535),
    bin: text('a redis-server executable'),
    liveness,
  }),
  database: z.strictObject({ url: databaseUrl.optional() }).default({}),
  worker: z.strictObject({ concurrency: integer(1, 1000), outboxSweepSeconds: integer(1, 3600), liveness }),
  beat: z.strictObject({
    liveness,
    schedules: z.strictObject({
      presenceCleanup: schedule,
      unreadDigest: schedule.extend({ olderThanMinutes: integer(1, 7 * 24 * 60) }),
      notificationRetention: schedule.extend({ olderThanDays: integer(1, 100 * 365) }),
    }),
  }),
  auth: z.strictObject({
    registration: z.enum(['open', 'closed'], { error: 'expected "open" or "closed"' }),
  }),
  stop: z.strictObject({ timeoutMs: integer(0, 10 * 60_000) }),
  limits: z.strictObject({
    postsPerSecond: z
      .number({ error: 'expected a number ≥ 0 (0 turns the limit off)' })
      .min(0, { error: 'expected a number ≥ 0 (0 turns the limit off)' }),
    postBurst: integer(1, 1_000_000),
    loginFailures: integer(1, 1_000_000),
    connectionsPerUser: integer(0, 1_000_000),
  }),
});
