import type { Liveness } from '../../config/types.js';

/** Named states of a supervised process (SPEC §4; the moves between them: states.ts). */
export type ProcessState = 'starting' | 'ready' | 'unhealthy' | 'backoff' | 'stopped' | 'failed';

/** Probing a ready process on (config `<process>.liveness`): killed and restarted after enough silence. */
export type LivenessPolicy = Exclude<Liveness, false>;

/** How a process proves it is ready. */
export type Readiness =
  | { kind: 'redis'; host: string; port: number; password?: string }
  | { kind: 'http'; hosts: string[]; port: number; path: string }
  /** The child sends `{type: "ready"}` over its IPC channel (worker, beat). */
  | { kind: 'signal' }
  /** One-shot: ready once it exited 0 (migrate). */
  | { kind: 'exit0' };

/** Declared: what to run and when. Live state is ProcessStatus. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  dependsOn: string[];
  readiness: Readiness;
  port?: number;
  /** Background work: runs below normal priority so the service comes up (and answers) first. */
  background?: boolean;
  /** Probed on once ready (not for one-shot steps); false: left alone however it behaves. */
  liveness?: LivenessPolicy | false;
  /** One of `service.instances`: forked by node:cluster, sharing the service port (cluster.ts). */
  cluster?: boolean;
  /**
   * A Node.js child with an IPC channel: readiness (`signal`), liveness heartbeats and the shutdown
   * request go over it. Every spec with `signal` readiness needs it.
   */
  ipc?: boolean;
  /** A one-shot step may be skipped when this says there is nothing to do (migrations already applied). */
  skip?: () => Promise<boolean>;
}

/** Live state of one process, as the state file, `status` and the failure report see it. */
export interface ProcessStatus {
  name: string;
  state: ProcessState;
  pid: number | null;
  /** Process start time (ms since epoch) recorded at spawn; checked before any signal. */
  start_time: number | null;
  port: number | null;
  /** When the current run became ready or was started (ms since epoch). */
  started_at: number | null;
  restarts: number;
  exit_code: number | null;
  signal: string | null;
  last_error: string | null;
  log_file: string;
}

export interface DaemonInfo {
  pid: number | null;
  alive: boolean;
  start_time?: number | null;
  version?: string;
  foreground?: boolean;
}

export interface StackStatus {
  url: string | null;
  daemon: DaemonInfo;
  processes: ProcessStatus[];
}

/** One process's row as `status --json` and `start --json` print it (SPEC §4), plus a few extras. */
export interface ProcessRow {
  name: string;
  state: ProcessState;
  pid: number | null;
  port: number | null;
  uptime_s: number | null;
  restarts: number;
  rss_bytes: number | null;
  exit_code: number | null;
  signal: string | null;
  last_error: string | null;
  log_file: string;
}

/** Outcome of waiting for readiness. */
export interface WaitResult {
  ok: boolean;
  /** The processes that failed, timed out or never got ready, when not ok. */
  failures: ProcessStatus[];
  reason?: string;
}
