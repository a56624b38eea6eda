/**
 * A ready process probed on: every `everyMs`, an answer within `timeoutMs`; after `failures`
 * unanswered probes in a row it is killed and restarted. `false`: left alone however it behaves.
 */
export type Liveness = { everyMs: number; timeoutMs: number; failures: number } | false;

/** The configuration as prizmai uses it: every key present, every default applied. */
export interface ResolvedConfig {
  /** Absolute path of the state directory (pid/state files, logs, SQLite db, managed Redis data). */
  stateDir: string;
  service: {
    host: string;
    port: number;
    allowedOrigins: string[];
    /** Service processes sharing `port` (node:cluster workers of the supervisor), shown as service.1 … service.N. */
    instances: number;
    /** GET /metrics is served (no auth); unset, it is when `host` is a loopback address. */
    metrics: boolean;
    liveness: Liveness;
  };
  redis: {
    /** Unset: prizmai manages its own redis-server. */
    url?: string | undefined;
    port: number;
    bin: string;
    /** The managed redis-server's (an external Redis is not prizmai's to restart). */
    liveness: Liveness;
  };
  database: {
    url: string;
  };
  worker: {
    concurrency: number;
    /**
     * How often the worker hands over notification jobs a commit wrote to the outbox that are still
     * there this many seconds later (their service crashed, or Redis failed, before handing them over).
     */
    outboxSweepSeconds: number;
    liveness: Liveness;
  };
  beat: {
    liveness: Liveness;
    schedules: Record<Exclude<ScheduleName, 'notificationRetention' | 'unreadDigest'>, Schedule> & {
      unreadDigest: Schedule & {
        /** A user's unread notifications this many minutes old (and newer than their last digest) are summarised. */
        olderThanMinutes: number;
      };
      notificationRetention: Schedule & {
        /** Read notifications older than this many days are deleted. */
        olderThanDays: number;
      };
    };
  };
  auth: {
    registration: 'open' | 'closed';
  };
  stop: {
    timeoutMs: number;
  };
  limits: {
    postsPerSecond: number;
    postBurst: number;
    loginFailures: number;
    /** Simultaneous WebSocket connections per user (per service process); 0 turns the cap off. */
    connectionsPerUser: number;
  };
}

export type ScheduleName = 'presenceCleanup' | 'unreadDigest' | 'notificationRetention';

export interface Schedule {
  /** How often the job runs, in milliseconds. */
  everyMs: number;
  enabled: boolean;
}

type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What a user writes in prizmai.config.ts: every key optional. */
export type UserConfig = DeepPartial<ResolvedConfig>;

/** Where a resolved value came from. */
export type ValueSource = 'default' | 'file' | 'env' | 'flag';

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Dotted key → where its value came from. */
  sources: Record<string, ValueSource>;
  /** The config file that was read, if any. */
  file?: string | undefined;
}
