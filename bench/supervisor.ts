// Supervisor benchmark: medians over repeated runs of start → ready (a migrated project, and a fresh
// one), stop → gone, worker kill -9 → ready again, and one `prizmai status --json`, each against the
// real built CLI and real processes — and, in the same run, their floor (supervisor-floor.ts) and
// `node -e 0`, with prizmai's ratio to each.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { send } from '../cli/supervisor/client.js';
import { freePorts } from '../cli/supervisor/free-ports.js';
import type { StackStatus } from '../cli/supervisor/types.js';
import { floorRun, nodeNothing, projectSpecs } from './supervisor-floor.js';

const bin = fileURLToPath(new URL('../../bin/prizmai.js', import.meta.url));

let projectDir = process.cwd();

function cli(args: string[]): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const options = { cwd: projectDir, env: { ...process.env, NO_COLOR: '1' } };
    execFile(process.execPath, [bin, ...args], options, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ ms: performance.now() - started, code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function status(stateDir: string): Promise<StackStatus> {
  return (await send(stateDir, 'status')).value as StackStatus;
}

export async function runSupervisorBenchmark(runs = Number(process.env.PRIZMAI_BENCH_RUNS ?? 7)): Promise<void> {
  // A project of its own with a TypeScript config file, run without flags: the path a user's commands take.
  projectDir = mkdtempSync(join(tmpdir(), 'prizmai-bench-'));
  const stateDir = join(projectDir, '.prizmai');
  const [servicePort, redisPort] = (await freePorts(2)) as [number, number];
  writeFileSync(
    join(projectDir, 'prizmai.config.ts'),
    `const ports: { service: number; redis: number } = { service: ${servicePort}, redis: ${redisPort} };
export default { service: { port: ports.service }, redis: { port: ports.redis } };\n`,
  );
  const times = {
    start: [] as number[],
    freshStart: [] as number[],
    stop: [] as number[],
    crash: [] as number[],
    status: [] as number[],
    floor: [] as number[],
    freshFloor: [] as number[],
    floorKill: [] as number[],
    floorWorker: [] as number[],
    node: [] as number[],
  };
  const start = async (into: number[]) => {
    const started = await cli(['start']);
    if (started.code !== 0) throw new Error(`prizmai start failed:\n${started.stderr}`);
    into.push(started.ms);
  };
  try {
    // The first start applies the migrations, and its processes write their code caches once they have
    // run for 1.5 s: the measured starts are those of a project that has run before.
    await start([]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await cli(['stop']);
    // The floor of a migrated project runs what prizmai runs for it: not the migrate step, which it skips.
    const migrated = (await projectSpecs(projectDir)).filter((spec) => spec.name !== 'migrate');
    for (let i = 0; i < runs; i++) {
      const floor = await floorRun(migrated, projectDir);
      times.floor.push(floor.readyMs);
      times.floorKill.push(floor.killMs);
      times.floorWorker.push(floor.workerMs);
      times.node.push(await nodeNothing());

      await start(times.start);
      const st = await cli(['status', '--json']);
      if (st.code !== 0) throw new Error(`prizmai status exited ${st.code}:\n${st.stdout}${st.stderr}`);
      times.status.push(st.ms);

      const before = (await status(stateDir)).processes.find((p) => p.name === 'worker');
      if (!before?.pid) throw new Error('worker has no pid');
      const killedAt = performance.now();
      process.kill(before.pid, 'SIGKILL');
      for (;;) {
        const worker = (await status(stateDir)).processes.find((p) => p.name === 'worker');
        if (worker?.state === 'ready' && worker.pid !== before.pid) break;
        if (performance.now() - killedAt > 10_000) throw new Error('worker did not come back within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      times.crash.push(performance.now() - killedAt);

      const stop = await cli(['stop']);
      if (stop.code !== 0) throw new Error(`prizmai stop failed:\n${stop.stderr}`);
      times.stop.push(stop.ms);
    }
    // A project's very first start: no database, no code caches — its migrations applied on the way.
    for (let i = 0; i < runs; i++) {
      rmSync(stateDir, { recursive: true, force: true });
      times.freshFloor.push((await floorRun(await projectSpecs(projectDir), projectDir)).readyMs);
      rmSync(stateDir, { recursive: true, force: true });
      await start(times.freshStart);
      await cli(['stop']);
    }
  } finally {
    await cli(['stop']);
    rmSync(projectDir, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(times).map(([key, values]) => [key, median(values)])) as Record<
    keyof typeof times,
    number
  >;
  const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;
  const line = (label: string, value: number, floorLabel: string, floor: number, target: number | null) => {
    const ratio = value / floor;
    const verdict = target === null ? '' : ratio <= target ? `  ✓ target ≤ ${target}×` : `  ✗ target ≤ ${target}×`;
    return `  ${label.padEnd(30)} ${ms(value)}   ${floorLabel.padEnd(34)} ${ms(floor)}   ${ratio.toFixed(2)}×${verdict}`;
  };
  process.stdout.write(
    [
      `supervisor (${runs} runs, medians; the floor is the same commands spawned at once by a bare script)`,
      line('start → every process ready', m.start, 'floor: a script spawns all, waits', m.floor, 1.5),
      line('fresh project start (migrates)', m.freshStart, 'floor: the same, fresh project', m.freshFloor, 1.5),
      line('stop → every process gone', m.stop, 'floor: a script SIGTERMs all, waits', m.floorKill, 2),
      line('worker kill -9 → ready', m.crash, 'floor: worker spawned → ready', m.floorWorker, null),
      line('prizmai status --json', m.status, 'node -e 0', m.node, 2),
      `  runs (ms): start ${times.start.map((v) => v.toFixed(0)).join(', ')}; floor ${times.floor.map((v) => v.toFixed(0)).join(', ')}`,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSupervisorBenchmark();
}
