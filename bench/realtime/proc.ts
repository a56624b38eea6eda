// What the benchmark reads of a server process, from /proc (Linux): its resident memory and CPU time.
import { readdirSync, readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The process's resident set size (VmRSS), KiB. */
export function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0);
}

/** User + system CPU time the process has used, in clock ticks (1/100 s on Linux). */
export function cpuTicks(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: state is the first,
  // utime and stime the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until the process is quiet — at most one tick of CPU in a 300 ms window — so that what a
 * previous step left it doing (closing sockets, presence, GC) does not run into the next measurement.
 * Gives up after `maxMs`.
 */
export async function settle(pid: number, maxMs = 5000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = cpuTicks(pid);
  while (performance.now() < deadline) {
    await sleep(300);
    const now = cpuTicks(pid);
    if (now - last <= 1) return;
    last = now;
  }
}

/** Busy CPU time of the whole machine (every core), in clock ticks: /proc/stat's first line. */
function machineTicks(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .slice(0, 200)
    .split(/\s+/)
    .map(Number);
  return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

/** CPU ticks of this process and all its descendants (the servers and redis-servers it started). */
function ownTreeTicks(): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  let ticks = 0;
  const pending = [process.pid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    try {
      ticks += cpuTicks(pid);
    } catch {
      continue;
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/**
 * Starts measuring the CPU that processes other than the benchmark's own tree use; the function it
 * returns gives their average since then, in cores. Above a few tenths, the figures are unreliable.
 */
export function otherProcessesCpu(): () => number {
  const [machine, own, started] = [machineTicks(), ownTreeTicks(), performance.now()];
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const others = machineTicks() - machine - (ownTreeTicks() - own);
    return seconds > 0 ? Math.max(0, others / 100 / seconds) : 0;
  };
}

/** Starts measuring one process's CPU; the function it returns gives its average since, in cores. */
export function processCpu(pid: number): () => number {
  const [ticks, started] = [cpuTicks(pid), performance.now()];
  return () => (cpuTicks(pid) - ticks) / 100 / ((performance.now() - started) / 1000);
}
