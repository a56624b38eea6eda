import type { Liveness } from './types.js';

/**
 * A ready process is probed every 5 s and given 5 s to answer; after 3 unanswered probes in a row —
 * 25–30 s of answering nothing — it is killed and restarted. A busy process still answers within
 * 5 s (a saturated service does: the realtime bench checks it is never restarted).
 */
const liveness = { everyMs: 5000, timeoutMs: 5000, failures: 3 };

/** Every key of SPEC §3 with its default; `database.url` is derived from `stateDir` when unset. */
export const defaults = {
  stateDir: '.prizmai',
  service: {
    host: '127.0.0.1',
    port: 8000,
    allowedOrigins: [] as string[],
    instances: 1,
    liveness: liveness as Liveness,
  },
  redis: { port: 6390, bin: 'redis-server', liveness: liveness as Liveness },
  database: {},
  worker: { concurrency: 8, outboxSweepSeconds: 5, liveness: liveness as Liveness },
  beat: {
    liveness: liveness as Liveness,
    schedules: {
      // Expired typing/presence entries (typing expires 10 s after the last signal).
      presenceCleanup: { everyMs: 10_000, enabled: true },
      // A digest of unread notifications for users who have some.
      unreadDigest: { everyMs: 60 * 60_000, enabled: true, olderThanMinutes: 60 },
      // Old read notifications are deleted.
      notificationRetention: { everyMs: 24 * 60 * 60_000, enabled: true, olderThanDays: 30 },
    },
  },
  auth: { registration: 'open' as const },
  stop: { timeoutMs: 10_000 },
  limits: { postsPerSecond: 10, postBurst: 50, loginFailures: 10, connectionsPerUser: 20 },
};

export const CONFIG_FILE_NAMES = ['prizmai.config.ts', 'prizmai.config.mts', 'prizmai.config.js', 'prizmai.config.mjs'];
