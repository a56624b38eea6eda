import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { requireCjs } from '../../service/cjs.js';
import type { ProcessStatus } from './types.js';

/** `<stateDir>/supervisor.json`: what `status` and `stop` need when the daemon is gone. */
export interface StateFile {
  version: string;
  daemon: { pid: number; start_time: number | null; foreground: boolean };
  /** The control channel (socket or pipe). */
  control: string;
  url: string | null;
  redis_url: string;
  database_url: string;
  stop_timeout_ms: number;
  processes: ProcessStatus[];
  updated_at: string;
}

/**
 * The state file's schema, built on first use: most commands (status with a live daemon, stop) never
 * read the file, and zod is the largest package the CLI would otherwise load for them.
 */
let stateSchema: ReturnType<typeof buildStateSchema> | undefined;
function buildStateSchema() {
  const { z } = requireCjs('zod') as typeof import('zod');
  const Pid = z.number().int().positive();
  const Time = z.number().nullable();
  const ProcessSchema = z.object({
    name: z.string(),
    state: z.enum(['starting', 'ready', 'unhealthy', 'backoff', 'stopped', 'failed']),
    pid: Pid.nullable(),
    start_time: Time,
    port: z.number().int().nullable(),
    started_at: Time,
    restarts: z.number().int(),
    exit_code: z.number().int().nullable(),
    signal: z.string().nullable(),
    last_error: z.string().nullable(),
    log_file: z.string(),
  });
  const StateSchema = z.object({
    version: z.string(),
    daemon: z.object({ pid: Pid, start_time: Time, foreground: z.boolean() }),
    control: z.string(),
    url: z.string().nullable(),
    redis_url: z.string(),
    database_url: z.string(),
    stop_timeout_ms: z.number(),
    processes: z.array(ProcessSchema),
    updated_at: z.string(),
  });
  return StateSchema;
}

export type StateRead =
  | { kind: 'missing' }
  | { kind: 'ok'; state: StateFile }
  /**
   * Unreadable (truncated, edited, another program's): what it says is not trusted, but the pids it
   * still names are offered, so no one is told "not running" while they may be.
   */
  | { kind: 'corrupt'; path: string; problem: string; salvaged: Salvaged };

/** What a damaged state file still says of its processes: name, pid and start time, as written. */
export interface Salvaged {
  daemon: { pid: number; start_time: number } | undefined;
  processes: { name: string; pid: number; start_time: number }[];
}

/**
 * Reads the daemon's and each process's pid and start time out of what is left of the file (as
 * writeState lays it out). Only a pid whose start time still matches is ever acted upon.
 */
function salvage(text: string): Salvaged {
  const daemon = /"daemon":\s*\{\s*"pid":\s*(\d{1,10}),\s*"start_time":\s*(\d{1,16})/.exec(text);
  const processes = [
    ...text.matchAll(
      /"name":\s*"([a-z0-9._-]{1,40})",\s*"state":\s*"[a-z]+",\s*"pid":\s*(\d{1,10}),\s*"start_time":\s*(\d{1,16})/g,
    ),
  ].map((match) => ({ name: match[1] as string, pid: Number(match[2]), start_time: Number(match[3]) }));
  return { daemon: daemon ? { pid: Number(daemon[1]), start_time: Number(daemon[2]) } : undefined, processes };
}

export function readState(path: string): StateRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', path, problem: (error as Error).message, salvaged: { daemon: undefined, processes: [] } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', path, problem: `not JSON (${(error as Error).message})`, salvaged: salvage(text) };
  }
  stateSchema ??= buildStateSchema();
  const result = stateSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the file';
    return {
      kind: 'corrupt',
      path,
      problem: `${where}: ${issue?.message ?? 'unexpected shape'}`,
      salvaged: salvage(text),
    };
  }
  return { kind: 'ok', state: result.data as StateFile };
}

/** Atomic replace: a reader never sees half a file. */
export function writeState(path: string, state: StateFile): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, path);
}

/** Creates the state file only if none exists: the lock that stops two supervisors on one state dir. */
export function claimState(path: string, state: StateFile): boolean {
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export function removeState(path: string): void {
  rmSync(path, { force: true });
}
