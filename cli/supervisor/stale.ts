import { isSameProcess } from '../platform.js';
import { statePaths } from './paths.js';
import { readState, type StateFile } from './state.js';
import type { ProcessStatus } from './types.js';

export type Inspection =
  | { kind: 'none' }
  /** The recorded supervisor is alive (pid and start time match). */
  | { kind: 'live'; state: StateFile }
  /** The supervisor died: its state is not to be trusted; `alive` are recorded children still running. */
  | { kind: 'stale'; state: StateFile; alive: ProcessStatus[] };

/** What the state file says, checked against the processes that actually run. */
export function inspectState(stateDir: string): Inspection {
  const state = readState(statePaths(stateDir).stateFile);
  if (!state) return { kind: 'none' };
  if (isSameProcess(state.daemon.pid, state.daemon.start_time)) return { kind: 'live', state };
  return { kind: 'stale', state, alive: state.processes.filter((p) => isSameProcess(p.pid, p.start_time)) };
}
