import { residentMemory } from '../platform.js';
import type { ProcessRow, ProcessStatus, StackStatus } from './types.js';

/** One process as `status --json` prints it: uptime and memory computed now. */
export function toRow(process: ProcessStatus, now = Date.now()): ProcessRow {
  const running = process.pid !== null && (process.state === 'ready' || process.state === 'starting');
  return {
    name: process.name,
    state: process.state,
    pid: process.pid,
    port: process.port,
    uptime_s: running && process.started_at ? Math.max(0, Math.round((now - process.started_at) / 1000)) : null,
    restarts: process.restarts,
    rss_bytes: running && process.pid ? (residentMemory(process.pid) ?? null) : null,
    exit_code: process.exit_code,
    signal: process.signal,
    last_error: process.last_error,
    log_file: process.log_file,
  };
}

/** The JSON document of `status --json` and `start --json` (SPEC §4). */
export function statusDocument(status: StackStatus) {
  return {
    url: status.url,
    daemon: { pid: status.daemon.pid, alive: status.daemon.alive },
    processes: status.processes.map((p) => toRow(p)),
  };
}
