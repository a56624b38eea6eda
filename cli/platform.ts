// Every difference between Windows and POSIX (and between Linux and macOS) that the supervisor meets:
// signals, the control channel's path, process-tree kill, process start time, memory. Nothing else.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { constants as osConstants, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';

const isWindows = process.platform === 'win32';
const isLinux = process.platform === 'linux';

/** The local control channel of the supervisor of `stateDir` (absolute): a Unix socket or a named pipe. */
export function controlPath(stateDir: string): string {
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
  if (isWindows) return `\\\\.\\pipe\\prizmai-${hash}`;
  // Unix socket paths are limited to ~104 bytes; fall back to a hashed name in the temp dir.
  const inside = join(stateDir, 'supervisor.sock');
  return Buffer.byteLength(inside) < 100 ? inside : join(tmpdir(), `prizmai-${hash}.sock`);
}

/** Whether the control channel is a file that a dead daemon may leave behind. */
export const controlPathIsFile = !isWindows;

/** Spawn options that make a child the leader of its own process group (so its tree can be killed). */
export const childSpawnOptions = isWindows ? { windowsHide: true } : { detached: true };

/** Spawn options for the daemon: detached from the terminal and the CLI that started it. */
export const daemonSpawnOptions = { detached: true, windowsHide: true };

/** Signals after which an attached supervisor stops everything. */
export const stopSignals: NodeJS.Signals[] = isWindows ? ['SIGINT', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];

let bootTimeMs: number | undefined;
function linuxBootTimeMs(): number {
  if (bootTimeMs === undefined) {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('btime '));
    bootTimeMs = Number(line?.split(/\s+/)[1] ?? 0) * 1000;
  }
  return bootTimeMs;
}

/** Fields of /proc/<pid>/stat after the `(comm)` field: index 0 is field 3 (state). */
function linuxStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * When the process `pid` started, in ms since the epoch, or undefined when it does not exist.
 * Recorded at spawn and compared before any signal, so a recycled pid is never signalled.
 */
export function processStartTime(pid: number): number | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (isLinux) {
    const stat = linuxStat(pid);
    // Field 22: start time in clock ticks after boot (USER_HZ is 100 on every Linux we run on).
    if (!stat || stat[0] === 'Z') return undefined;
    return linuxBootTimeMs() + Number(stat[19]) * 10;
  }
  try {
    if (isWindows) {
      const out = execFileSync(
        'powershell.exe',
        ['-NoProfile', '-Command', `(Get-Process -Id ${pid}).StartTime.ToUniversalTime().ToString('o')`],
        { encoding: 'utf8', windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      const ms = Date.parse(out.trim());
      return Number.isNaN(ms) ? undefined : ms;
    }
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const ms = Date.parse(out.trim());
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and is the very process that started at `startTime`. */
export function isSameProcess(pid: number | null | undefined, startTime: number | null | undefined): boolean {
  if (!pid || !startTime) return false;
  const actual = processStartTime(pid);
  // ps and PowerShell report whole seconds; /proc is exact to the tick.
  return actual !== undefined && Math.abs(actual - startTime) < (isLinux ? 1 : 1000);
}

/** Resident memory of `pid` in bytes, when known. */
export function residentMemory(pid: number): number | undefined {
  try {
    if (isLinux) return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    if (isWindows) return undefined;
    const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
    return Number(out.trim()) * 1024 || undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Asks a process to stop gracefully (SIGTERM; on Windows there is no such thing, so it is killed). */
export function requestStop(pid: number): boolean {
  return signal(pid, 'SIGTERM');
}

/**
 * Asks a child to stop: a Node.js child with an IPC channel gets `{type: "shutdown"}` over it (as PM2
 * does: the one graceful way on Windows, where a signal kills outright), so the service closes its
 * sockets with 1001 and the worker finishes its job; any other child (redis-server) gets SIGTERM.
 * Answers how it asked, for the log.
 */
export function askToStop(child: ChildProcess, pid: number): string {
  if (child.connected) {
    try {
      child.send({ type: 'shutdown' });
      return 'shutdown request over IPC';
    } catch {
      // The channel closed just now: a signal, then.
    }
  }
  requestStop(pid);
  return 'SIGTERM';
}

/** Whether a pid exists at all (says nothing about whose it is: pair with isSameProcess). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Members of process group `pgid` that started at or after `since` (so a recycled group id is left alone). */
function groupMembers(pgid: number, since: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = linuxStat(pid);
    if (!stat || stat[0] === 'Z' || Number(stat[2]) !== pgid) continue;
    if (linuxBootTimeMs() + Number(stat[19]) * 10 >= since) members.push(pid);
  }
  return members;
}

/**
 * Kills the whole tree of a child we spawned as a group leader, `pid` having started at `startTime`:
 * every member of its process group (even after the leader is gone), then any descendant that left the group.
 * The caller has verified `pid` with isSameProcess, or has just seen that very process exit.
 */
export async function killTree(pid: number, startTime: number): Promise<void> {
  if (isWindows) {
    try {
      execFileSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } catch {
      // Already gone.
    }
    return;
  }
  if (isLinux) {
    for (const member of groupMembers(pid, startTime)) signal(member, 'SIGKILL');
  } else {
    signal(-pid, 'SIGKILL');
  }
  if (pidExists(pid) && isSameProcess(pid, startTime)) {
    const { default: treeKill } = await import('tree-kill');
    await new Promise<void>((resolve) => treeKill(pid, 'SIGKILL', () => resolve()));
  }
}

/** The pid listening on TCP `port`, when the platform lets us find it cheaply (Linux: /proc). */
export function portHolder(port: number): { pid: number; command: string } | undefined {
  if (!isLinux) return undefined;
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        // local_address is ADDR:PORT; state 0A is LISTEN; column 9 is the inode.
        if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let target = '';
        try {
          target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match && inodes.has(match[1] as string)) {
          const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
          return { pid: Number(entry), command };
        }
      }
    }
  } catch {
    // Best effort only.
  }
  return undefined;
}

/** Runs `pid` below normal priority (background work); best effort. */
export function lowerPriority(pid: number): void {
  try {
    setPriority(pid, isWindows ? osConstants.priority.PRIORITY_BELOW_NORMAL : 5);
  } catch {
    // Not permitted or gone: it runs at normal priority.
  }
}

/** Kills one process outright (a supervisor that no longer answers). The caller verified its identity. */
export function forceKill(pid: number): boolean {
  return signal(pid, 'SIGKILL');
}

/** The conventional exit code after being stopped by `name` (128 + its number). */
export function platformSignalExit(name: NodeJS.Signals): number {
  const number = osConstants.signals[name] as number | undefined;
  return 128 + (number ?? 15);
}

/** Whether `command` can be run: a path that exists, or a name found on PATH (with PATHEXT on Windows). */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const runnable = (file: string) => {
    try {
      accessSync(file, isWindows ? constants.F_OK : constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/') || (isWindows && command.includes('\\'))) return runnable(command);
  // A name given with its extension (redis-server.exe) is tried as it is, first.
  const extensions = isWindows ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  return (env.PATH ?? '')
    .split(isWindows ? ';' : ':')
    .filter(Boolean)
    .some((dir) => extensions.some((ext) => runnable(join(dir, command + ext))));
}
