import { isSameProcess } from '../platform.js';
import { logFile, statePaths } from './paths.js';
import { readState, type Salvaged, type StateFile } from './state.js';
import type { ProcessStatus } from './types.js';

export type Inspection =
  | { kind: 'none' }
  /**
   * The state file cannot be read: `state` holds what could be salvaged of it (the daemon and the
   * processes whose pid and start time it still names), `alive` those of them that still run.
   */
  | { kind: 'corrupt'; path: string; problem: string; state: StateFile; alive: ProcessStatus[] }
  /** The recorded supervisor is alive (pid and start time match). */
  | { kind: 'live'; state: StateFile }
  /** The supervisor died: its state is not to be trusted; `alive` are recorded children still running. */
  | { kind: 'stale'; state: StateFile; alive: ProcessStatus[] };

/** What the state file says, checked against the processes that actually run. */
export function inspectState(stateDir: string): Inspection {
  const read = readState(statePaths(stateDir).stateFile);
  if (read.kind === 'missing') return { kind: 'none' };
  if (read.kind === 'corrupt') {
    const state = salvagedState(read.salvaged, stateDir);
    const alive = state.processes.filter((p) => isSameProcess(p.pid, p.start_time));
    if (isSameProcess(state.daemon.pid, state.daemon.start_time)) alive.unshift(daemonAsProcess(state));
    return { kind: 'corrupt', path: read.path, problem: read.problem, state, alive };
  }
  const { state } = read;
  if (isSameProcess(state.daemon.pid, state.daemon.start_time)) return { kind: 'live', state };
  return { kind: 'stale', state, alive: state.processes.filter((p) => isSameProcess(p.pid, p.start_time)) };
}

/** A process known only by name, pid and start time (all a damaged state file still tells). */
function recorded(name: string, pid: number, startTime: number | null, logPath: string): ProcessStatus {
  return {
    name,
    state: 'ready',
    pid,
    start_time: startTime,
    port: null,
    started_at: null,
    restarts: 0,
    exit_code: null,
    signal: null,
    last_error: null,
    log_file: logPath,
  };
}

/** A state file rebuilt from what was salvaged: enough for `stop` to act on verified processes. */
function salvagedState(salvaged: Salvaged, stateDir: string): StateFile {
  return {
    version: '',
    daemon: { pid: salvaged.daemon?.pid ?? 0, start_time: salvaged.daemon?.start_time ?? null, foreground: false },
    control: '',
    url: null,
    redis_url: '',
    database_url: '',
    stop_timeout_ms: 10_000,
    processes: salvaged.processes.map((p) => recorded(p.name, p.pid, p.start_time, logFile(stateDir, p.name))),
    updated_at: '',
  };
}

const daemonAsProcess = (state: StateFile) => recorded('supervisor', state.daemon.pid, state.daemon.start_time, '');

/** What to tell a user whose state file cannot be read, with what to do. */
export function corruptStateAdvice(found: Extract<Inspection, { kind: 'corrupt' }>): string {
  const head = `the state file ${found.path} cannot be read (${found.problem}), and no supervisor answers.`;
  if (found.alive.length === 0) return `${head} Nothing it names still runs; \`prizmai stop\` removes it.`;
  const running = found.alive.map((p) => `${p.name} (pid ${p.pid})`).join(', ');
  return `${head} What it names still runs: ${running}. Run \`prizmai stop\` to stop it and remove the file.`;
}
