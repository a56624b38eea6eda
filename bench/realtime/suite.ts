// `node dist/bench/run.js realtime`: prizmai's real service and a reference server of the benchmark's
// own (reference-server.ts), each on its own redis-server, driven in one run by one generator
// (generator.ts), reference first, then prizmai, scenario by scenario; then the table (report.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportLiveness } from '../liveness-watch.js';
import { seedMembers } from '../seed.js';
import { type BenchService, startBenchService } from '../service-process.js';
import { runGenerator } from './generator.js';
import { type ReferenceServer, startReference } from './reference-process.js';
import { report } from './report.js';
import type { Rooms, Target } from './target.js';

/**
 * Users besides "bench": clients are spread over them in turn and messages mention them. Enough that
 * the idle-memory scenario's 1,001 connections stay within prizmai's limits.connectionsPerUser
 * (default 20 per user), which the benchmark leaves as configured: 100 users, ≤ 11 connections each.
 */
const MEMBERS = 99;
const ROOM_NAMES = ['fan-out', ...Array.from({ length: 10 }, (_, i) => `room-${i + 1}`), 'burst', 'idle'];

export async function runRealtimeBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prizmai-bench-realtime-'));
  let reference: ReferenceServer | undefined;
  let service: BenchService | undefined;
  try {
    process.stdout.write('realtime benchmark: reference server vs. prizmai (SQLite), the same generator\n');
    const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
    const seeded = await seedMembers(databaseUrl, ROOM_NAMES, MEMBERS);
    const [fanOut, ...rest] = seeded.rooms as [number, ...number[]];
    const rooms: Rooms = { fanOut, rooms: rest.slice(0, 10), burst: rest[10] as number, idle: rest[11] as number };
    const common = {
      tokens: seeded.users.map((user) => user.token),
      members: seeded.users.slice(1).map((user) => user.username),
      rooms,
    };
    const referenceDir = join(dir, 'reference');
    mkdirSync(referenceDir);
    reference = await startReference(referenceDir);
    service = await startBenchService(dir, databaseUrl);
    const targets: Target[] = [
      { name: 'reference', url: reference.url, pid: reference.pid, ...common },
      { name: 'prizmai', url: `${service.base.replace('http', 'ws')}/ws`, pid: service.pid, ...common },
    ];
    const results = await runGenerator(targets);
    const none = { errors: {}, otherCores: {} };
    report(results.get('reference') ?? none, results.get('prizmai') ?? none);
  } finally {
    await Promise.allSettled([reference?.stop(), service?.stop()]);
    reportLiveness('realtime');
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: `node dist/bench/realtime/suite.js`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runRealtimeBenchmark().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
