// `node dist/bench/run.js instances`: the realtime generator's fan-out and rooms scenarios against two
// supervised stacks (`prizmai start`) that differ only in `service.instances` — 1 and 2 — running side by
// side and measured in turns, so the ratio shows what a second service process buys on this machine.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '../cli/supervisor/client.js';
import { freePorts } from '../cli/supervisor/free-ports.js';
import type { StackStatus } from '../cli/supervisor/types.js';
import { createThrowawayPgDatabase } from '../service/db/pg-databases.js';
import { runGenerator } from './realtime/generator.js';
import type { Target } from './realtime/target.js';
import { seedMembers } from './seed.js';
import { tableLines } from './table.js';

const bin = fileURLToPath(new URL('../../bin/prizmai.js', import.meta.url));
const MEMBERS = 99;
const ROOM_NAMES = ['fan-out', ...Array.from({ length: 10 }, (_, i) => `room-${i + 1}`), 'burst', 'idle'];

function cli(cwd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, _o, stderr) =>
      error ? reject(new Error(`prizmai ${args.join(' ')} failed:\n${stderr}`)) : resolve(),
    ),
  );
}

/**
 * A project with a seeded database and `instances` service processes, started: SQLite in its state dir,
 * or with PRIZMAI_BENCH_PG_URL a throw-away PostgreSQL database of its own (two processes share SQLite's
 * one write lock by polling for it; PostgreSQL queues them).
 */
async function stack(root: string, instances: number): Promise<{ dir: string; target: Target; drop(): Promise<void> }> {
  const dir = join(root, `instances-${instances}`);
  const stateDir = join(dir, '.prizmai');
  mkdirSync(stateDir, { recursive: true });
  const [port, redisPort] = (await freePorts(2)) as [number, number];
  const pgBase = process.env.PRIZMAI_BENCH_PG_URL;
  const pg = pgBase ? await createThrowawayPgDatabase(pgBase, 'prizmai_bench') : undefined;
  try {
    const databaseUrl = pg?.url ?? `sqlite:${join(stateDir, 'prizmai.db')}`;
    writeFileSync(
      join(dir, 'prizmai.config.mjs'),
      `export default { service: { port: ${port}, instances: ${instances} }, redis: { port: ${redisPort} },
    database: { url: ${JSON.stringify(databaseUrl)} },
    limits: { postsPerSecond: 0, connectionsPerUser: 0 } };\n`,
    );
    const seeded = await seedMembers(databaseUrl, ROOM_NAMES, MEMBERS);
    await cli(dir, ['start']);
    const status = (await send(stateDir, 'status')).value as StackStatus;
    const service = status.processes.find((p) => p.name.startsWith('service'));
    const [fanOut, ...rest] = seeded.rooms as [number, ...number[]];
    return {
      dir,
      drop: async () => {
        await cli(dir, ['stop']);
        await pg?.drop();
      },
      target: {
        name: `${instances} instance${instances > 1 ? 's' : ''}`,
        url: `ws://127.0.0.1:${port}/ws`,
        pid: service?.pid as number,
        tokens: seeded.users.map((user) => user.token),
        members: seeded.users.slice(1).map((user) => user.username),
        rooms: { fanOut, rooms: rest.slice(0, 10), burst: rest[10] as number, idle: rest[11] as number },
      },
    };
  } catch (error) {
    await pg?.drop();
    throw error;
  }
}

export async function runInstancesBenchmark(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'prizmai-bench-instances-'));
  const stacks: Awaited<ReturnType<typeof stack>>[] = [];
  process.env.PRIZMAI_BENCH_SCENARIOS ??= 'fanOut,rooms';
  try {
    const database = process.env.PRIZMAI_BENCH_PG_URL ? 'PostgreSQL' : 'SQLite';
    process.stdout.write(
      `instances benchmark: supervised stacks with service.instances 1 and 2 on ${database}, the same generator\n`,
    );
    stacks.push(await stack(root, 1), await stack(root, 2));
    const results = await runGenerator(stacks.map((s) => s.target));
    const [one, two] = stacks.map((s) => results.get(s.target.name));
    const rows = (['fanOut', 'rooms'] as const).map((key) => {
      const a = one?.[key]?.deliveriesPerSecond;
      const b = two?.[key]?.deliveriesPerSecond;
      const figure = (value: number | undefined) =>
        value === undefined ? '-' : Math.round(value).toLocaleString('en');
      return [
        key === 'fanOut' ? 'fan-out 1 room × 100, deliveries/s' : 'rooms 10 × 20, deliveries/s',
        figure(a),
        figure(b),
        a && b ? `${(b / a).toFixed(2)}×` : '-',
      ];
    });
    process.stdout.write(
      `${tableLines(['scenario', '1 instance', '2 instances', 'ratio'], rows, [0], '  ').join('\n')}\n`,
    );
    process.stdout.write(
      "  (the server CPU shown above is service.1's alone; the stacks' processes are not the generator's children)\n",
    );
  } finally {
    await Promise.allSettled(stacks.map((s) => s.drop()));
    rmSync(root, { recursive: true, force: true });
  }
}
