import { optionsOf } from '../options.js';
import { note, printJson } from '../output.js';
import { hello, locateStateDir, send, versionMismatch, waitGone } from '../supervisor/client.js';
import { killDaemon, stopOrphans } from '../supervisor/orphans.js';
import { statePaths } from '../supervisor/paths.js';
import { inspectState } from '../supervisor/stale.js';
import { removeState } from '../supervisor/state.js';
import type { StackStatus } from '../supervisor/types.js';

/** `prizmai stop [names…]`: through the daemon, or — when it died — straight from the state file. */
export async function run(names: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const list = (names as string[] | undefined) ?? [];
  const stateDir = await locateStateDir(options);
  const result = (value: object) => {
    if (options.json) printJson(value);
  };

  const live = await hello(stateDir);
  if (live) {
    const mismatch = versionMismatch(live.version);
    if (mismatch) note(`prizmai: warning: ${mismatch.message}`);
    const { value } = await send(stateDir, list.length === 0 ? 'shutdown' : 'stop', { names: list });
    const status = value as StackStatus;
    if (list.length === 0 && status.daemon.pid) await waitGone(status.daemon.pid, status.daemon.start_time, 15_000);
    if (!options.json) note(list.length === 0 ? 'prizmai: stopped' : `prizmai: stopped ${list.join(', ')}`);
    result({ stopped: list.length === 0 ? status.processes.map((p) => p.name) : list, daemon: 'running' });
    return 0;
  }

  const found = inspectState(stateDir);
  if (found.kind === 'corrupt') {
    // Only what the file still names with a matching pid and start time is stopped; then the file goes.
    if (found.alive.some((p) => p.name === 'supervisor')) await killDaemon(found.state);
    const stopped = await stopOrphans(found.state, []);
    removeState(found.path);
    if (!options.json) {
      note(
        `prizmai: removed the unreadable state file ${found.path} (${found.problem}); ` +
          (stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing it named was running'),
      );
    }
    result({ stopped, daemon: 'gone', removed_state_file: found.path });
    return 0;
  }
  if (found.kind === 'none') {
    if (!options.json) note('prizmai: not running');
    result({ stopped: [], running: false });
    return 0;
  }
  // The daemon is gone (or hung): clean up the children it recorded, each checked by pid + start time.
  if (found.kind === 'live') await killDaemon(found.state);
  const stopped = await stopOrphans(found.state, list);
  if (list.length === 0 || !found.state.processes.some((p) => !list.includes(p.name) && p.pid)) {
    removeState(statePaths(stateDir).stateFile);
    removeState(found.state.control);
  }
  if (!options.json) {
    note(
      `prizmai: the supervisor (pid ${found.state.daemon.pid}) was gone; ` +
        (stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing of it was still running'),
    );
  }
  result({ stopped, daemon: 'gone' });
  return 0;
}
