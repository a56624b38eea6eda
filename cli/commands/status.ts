import { ExitCode } from '../errors.js';
import { jsonFieldsOf, printJsonList } from '../json-fields.js';
import { optionsOf } from '../options.js';
import { note, printJson, printLine } from '../output.js';
import { hello, locateStateDir, send, versionMismatch } from '../supervisor/client.js';
import { statusDocument } from '../supervisor/rows.js';
import { corruptStateAdvice, inspectState } from '../supervisor/stale.js';
import type { StackStatus } from '../supervisor/types.js';

/** `prizmai status`: 0 when every process is ready, 3 when the stack is not running, 1 when degraded. */
export async function run(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const fields = jsonFieldsOf(options, 'status');
  const stateDir = await locateStateDir(options);
  let status: StackStatus;
  let stale = false;
  const live = await hello(stateDir);
  if (live) {
    const mismatch = versionMismatch(live.version);
    if (mismatch) note(`prizmai: warning: ${mismatch.message}`);
    status = (await send(stateDir, 'status')).value as StackStatus;
  } else {
    const found = inspectState(stateDir);
    if (found.kind === 'corrupt') {
      // Not "not running": what runs cannot be told from an unreadable file.
      if (options.json) {
        printJson({
          url: null,
          daemon: { pid: null, alive: false },
          processes: [],
          state_file: { path: found.path, problem: found.problem, pids_alive: found.alive },
        });
      }
      note(`prizmai: ${corruptStateAdvice(found)}`);
      return ExitCode.failure;
    }
    if (found.kind === 'none') {
      if (options.json) printJsonList(fields, [], { url: null, daemon: { pid: null, alive: false }, processes: [] });
      else note('prizmai: not running');
      return ExitCode.notRunning;
    }
    // The daemon died (or hangs): its recorded states are not trusted; only what still runs is shown running.
    stale = true;
    const { isSameProcess } = await import('../platform.js');
    const alive = new Set(found.state.processes.filter((p) => isSameProcess(p.pid, p.start_time)).map((p) => p.name));
    status = {
      url: found.state.url,
      daemon: { pid: found.state.daemon.pid, alive: found.kind === 'live' },
      processes: found.state.processes.map((p) =>
        alive.has(p.name) ? p : { ...p, state: p.state === 'failed' ? 'failed' : 'stopped', pid: null },
      ),
    };
    if (alive.size === 0) {
      if (options.json) {
        const document = statusDocument(status);
        printJsonList(fields, document.processes, document);
      } else note(`prizmai: not running (stale state of a supervisor, pid ${found.state.daemon.pid}, that is gone)`);
      return ExitCode.notRunning;
    }
  }
  const document = statusDocument(status);
  if (options.json) printJsonList(fields, document.processes, { ...document, ...(stale ? { stale: true } : {}) });
  else {
    if (stale) {
      note(
        `prizmai: the supervisor daemon (pid ${status.daemon.pid}) ${status.daemon.alive ? 'does not answer' : 'is gone'}; ` +
          'its processes run unsupervised. Run `prizmai stop` to clean up.',
      );
    }
    const { renderStatusTable } = await import('../ui/status-table.js');
    printLine(renderStatusTable(document.processes));
    if (status.url) printLine(`\n${status.url}`);
  }
  if (stale) return ExitCode.failure;
  return document.processes.every((p) => p.state === 'ready') ? ExitCode.ok : ExitCode.failure;
}
