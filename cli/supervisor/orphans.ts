import { forceKill, isSameProcess, killTree, pidExists, requestStop } from '../platform.js';
import type { StateFile } from './state.js';

async function gone(pid: number, startTime: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidExists(pid) || !isSameProcess(pid, startTime)) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

/**
 * Stops the children a dead supervisor left behind, in reverse order: SIGTERM, then the tree after the
 * timeout. Only processes whose pid still has the recorded start time are touched. Returns their names.
 */
export async function stopOrphans(state: StateFile, names: string[] = []): Promise<string[]> {
  const stopped: string[] = [];
  const chosen = state.processes.filter((p) => names.length === 0 || names.includes(p.name)).reverse();
  for (const process of chosen) {
    const { pid, start_time: startTime } = process;
    if (!pid || !startTime || !isSameProcess(pid, startTime)) continue;
    requestStop(pid);
    if (!(await gone(pid, startTime, state.stop_timeout_ms))) await killTree(pid, startTime);
    // Grandchildren left in its process group go too.
    await killTree(pid, startTime);
    stopped.push(process.name);
  }
  return stopped;
}

/** Kills a supervisor that is alive but does not answer (after checking it is the recorded one). */
export async function killDaemon(state: StateFile): Promise<boolean> {
  const { pid, start_time: startTime } = state.daemon;
  if (!startTime || !isSameProcess(pid, startTime)) return false;
  if (!forceKill(pid)) return false;
  return gone(pid, startTime, 2000);
}
