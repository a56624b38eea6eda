// The floor of the supervisor benchmark: the very commands `prizmai start` runs (stackSpecs of the same
// project), spawned by a bare script (this file, run as one) all at once, polled until each is ready as
// the supervisor would poll it — no daemon, no ordering, no state file — and stopped by another bare
// script. What prizmai costs is its time over this.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statePaths } from '../cli/supervisor/paths.js';
import { getHealth, pingRedis } from '../cli/supervisor/probes.js';
import { stackSpecs } from '../cli/supervisor/specs.js';
import type { ProcessSpec } from '../cli/supervisor/types.js';
import { loadConfig } from '../config/load.js';

export interface FloorRun {
  /** Spawn of every command → every one ready (migrate: exited 0). */
  readyMs: number;
  /** SIGTERM to every process → every one gone. */
  killMs: number;
  /** The worker alone: spawn → ready (the floor of a crash → ready). */
  workerMs: number;
}

const POLL_MS = 5;

/** `work`, or an error after 30 s: a floor that cannot get ready fails the benchmark, never hangs it. */
async function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} within 30 s`)), 30_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function ready(spec: ProcessSpec, child: ChildProcess): Promise<void> {
  const { readiness } = spec;
  if (readiness.kind === 'exit0') {
    return new Promise((resolve, reject) =>
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${spec.name} exited ${code}`)))),
    );
  }
  if (readiness.kind === 'signal') {
    return new Promise((resolve) =>
      child.on('message', (message) => (message as { type?: string })?.type === 'ready' && resolve()),
    );
  }
  const probe =
    readiness.kind === 'redis'
      ? () => pingRedis(readiness.host, readiness.port, 1000, readiness.password)
      : () => getHealth(readiness.hosts[0] as string, readiness.port, readiness.path);
  return new Promise((resolve) => {
    const attempt = () => probe().then(resolve, () => setTimeout(attempt, POLL_MS));
    attempt();
  });
}

function launch(spec: ProcessSpec): ChildProcess {
  return spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: spec.ipc ? ['ignore', 'ignore', 'ignore', 'ipc'] : 'ignore',
  });
}

function gone(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The specs `prizmai start` would run for the project in `cwd` (its config file, no flags). */
export async function projectSpecs(cwd: string): Promise<ProcessSpec[]> {
  const { config } = await loadConfig({ cwd, env: { ...process.env } });
  // What the daemon prepares before it spawns anything.
  mkdirSync(statePaths(config.stateDir).redisDir, { recursive: true });
  return stackSpecs(config);
}

/** Starts every spec at once and resolves with the children once all are ready. */
async function startAll(specs: ProcessSpec[]): Promise<{ spec: ProcessSpec; child: ChildProcess }[]> {
  const children = specs.map((spec) => ({ spec, child: launch(spec) }));
  try {
    await withDeadline(
      Promise.all(children.map(({ spec, child }) => ready(spec, child))),
      'the floor: not every process was ready',
    );
    return children;
  } catch (error) {
    for (const { child } of children) child.kill('SIGKILL');
    throw error;
  }
}

const floorScript = fileURLToPath(import.meta.url);

/** Runs this file as the bare script: `start <specs.json> <pids.json>` or `stop <pids.json>`; its wall time. */
function script(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [floorScript, ...args], (error, _stdout, stderr) =>
      error ? reject(new Error(`the floor script failed: ${stderr}`)) : resolve(performance.now() - started),
    ),
  );
}

/** Whether `pid` still runs (a zombie whose parent, the start script, is gone counts as gone). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return process.platform !== 'linux';
  }
};

/**
 * One floor run, each step a bare script of its own as a user would write it (so each pays for starting
 * Node, as every prizmai command does): everything started at once until ready; the worker killed and
 * spawned alone until ready (in this process: a crash restart has no command to start); all stopped.
 */
export async function floorRun(specs: ProcessSpec[], dir: string): Promise<FloorRun> {
  const specsFile = join(dir, 'floor-specs.json');
  const pidsFile = join(dir, 'floor-pids.json');
  writeFileSync(specsFile, JSON.stringify(specs));
  const readyMs = await script(['start', specsFile, pidsFile]);
  const pids = JSON.parse(readFileSync(pidsFile, 'utf8')) as Record<string, number>;
  try {
    let workerMs = Number.NaN;
    const worker = specs.find((spec) => spec.name === 'worker');
    if (worker && pids.worker) {
      process.kill(pids.worker, 'SIGKILL');
      while (alive(pids.worker)) await new Promise((resolve) => setTimeout(resolve, 2));
      const respawned = performance.now();
      const [again] = await startAll([worker]);
      workerMs = performance.now() - respawned;
      again?.child.kill('SIGTERM');
      if (again) await gone(again.child);
      delete pids.worker;
      writeFileSync(pidsFile, JSON.stringify(pids));
    }
    const killMs = await script(['stop', pidsFile]);
    return { readyMs, killMs, workerMs };
  } finally {
    for (const pid of Object.values(pids)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

/** The bare script itself. */
async function scriptMain([command, ...args]: string[]): Promise<void> {
  if (command === 'start') {
    const specs = JSON.parse(readFileSync(args[0] as string, 'utf8')) as ProcessSpec[];
    const children = await startAll(specs);
    // One-shot steps (migrate) have exited: only what runs is left to stop.
    const running = children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    const pids = Object.fromEntries(running.map(({ spec, child }) => [spec.name, child.pid]));
    writeFileSync(args[1] as string, JSON.stringify(pids));
    for (const { child } of children) {
      if (child.connected) child.disconnect();
      child.unref();
    }
    return;
  }
  const pids = Object.values(JSON.parse(readFileSync(args[0] as string, 'utf8')) as Record<string, number>);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  while (pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 2));
}

if (process.argv[1] === floorScript) {
  scriptMain(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

/** `node -e 0`: the machine's cost of starting Node at all. */
export function nodeNothing(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', '0'], (error) => (error ? reject(error) : resolve(performance.now() - started))),
  );
}
