// Supervisor benchmark: medians over repeated runs of start → ready, stop → gone, worker kill -9 →
// ready again, and one `prizmai status --json`, each against the real built CLI and real processes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { send } from '../cli/supervisor/client.js';
import { freePorts } from '../cli/supervisor/free-ports.js';
import { statePaths } from '../cli/supervisor/paths.js';
import type { StackStatus } from '../cli/supervisor/types.js';

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
  const flags: string[] = [];
  const times = {
    start: [] as number[],
    coldStart: [] as number[],
    stop: [] as number[],
    crash: [] as number[],
    status: [] as number[],
  };
  try {
    // The first start applies the migrations, and its processes write their code caches once they have
    // run for 1.5 s: the measured starts are those of a project that has run before.
    const first = await cli(['start', ...flags]);
    if (first.code !== 0) throw new Error(`prizmai start failed:\n${first.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await cli(['stop', ...flags]);
    for (let i = 0; i < runs; i++) {
      const start = await cli(['start', ...flags]);
      if (start.code !== 0) throw new Error(`prizmai start failed:\n${start.stderr}`);
      times.start.push(start.ms);

      const st = await cli(['status', '--json', ...flags]);
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

      const stop = await cli(['stop', ...flags]);
      if (stop.code !== 0) throw new Error(`prizmai stop failed:\n${stop.stderr}`);
      times.stop.push(stop.ms);
    }
    // A project's very first start, before the processes have written their V8 code caches.
    for (let i = 0; i < runs; i++) {
      rmSync(statePaths(stateDir).codeCacheDir, { recursive: true, force: true });
      const start = await cli(['start', ...flags]);
      if (start.code !== 0) throw new Error(`prizmai start failed:\n${start.stderr}`);
      times.coldStart.push(start.ms);
      await cli(['stop', ...flags]);
    }
  } finally {
    await cli(['stop', ...flags]);
    rmSync(projectDir, { recursive: true, force: true });
  }
  const row = (label: string, values: number[], target: number) =>
    `  ${label.padEnd(28)} median ${median(values).toFixed(0).padStart(5)} ms   (target < ${target} ms; runs: ${values
      .map((v) => v.toFixed(0))
      .join(', ')})`;
  process.stdout.write(
    [
      `supervisor (${runs} runs, medians)`,
      row('start → every process ready', times.start, 1000),
      row('start, before code caches', times.coldStart, 1000),
      row('stop → every process gone', times.stop, 250),
      row('worker kill -9 → ready', times.crash, 350),
      row('prizmai status --json', times.status, 200),
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSupervisorBenchmark();
}
