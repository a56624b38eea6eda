import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

export function readState(path: string): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
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
