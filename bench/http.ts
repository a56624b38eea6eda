// HTTP benchmark of the chat service against a lean reference of the benchmark's own
// (http-reference-server.ts): posting a message, and reading a history page of a room of 1,000,000
// messages at message 1,000 and at message 1,000,000, and the newest page of a room of 1,000. The rows
// are bulk-inserted once with one SQL statement in a transaction, not through the API; each system then
// gets its own copy of that database file, so both read the same rows (the posts, which add rows to the
// big room, run last). Case by case, the reference and then prizmai's real service process
// (dist/service/main.js) each run alone on a free port with a redis-server of their own, and autocannon
// (from the benchmark process) drives them. A keyset page costs the same at any depth. With
// PRIZMAI_BENCH_PG_URL set, prizmai runs the same cases on PostgreSQL too (figures only, no target).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThrowawayPgDatabase, type ThrowawayDatabase } from '../service/db/pg-databases.js';
import { reportLiveness } from './liveness-watch.js';
import { BUSY_CORES } from './realtime/generator.js';
import { otherProcessesCpu, processCpu, sleep } from './realtime/proc.js';
import { startReferenceProcess } from './realtime/reference-process.js';
import { seedRooms } from './seed.js';
import { startBenchService } from './service-process.js';
import { tableLines } from './table.js';

const BIG_ROOM_MESSAGES = 1_000_000;
const SMALL_ROOM_MESSAGES = 1_000;
const DURATION_S = Number(process.env.PRIZMAI_BENCH_SECONDS ?? 5);
/** Unmeasured load before each measurement: every process starts cold (JIT, caches). */
const WARMUP_S = 1;
const CONNECTIONS = 10;
/** prizmai's req/s at least this share of the reference's. */
const MIN_RATIO = 0.5;
/** The page at message 1,000,000 at most this much slower (req/s) than the page at message 1,000. */
const MAX_DEPTH_SLOWDOWN = 1.2;

// autocannon ships no types: the part of its API used here.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  duration?: number;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Seeded {
  token: string;
  bigRoom: number;
  smallRoom: number;
  /** The id of the big room's first message. */
  firstId: number;
}

/** Fills the database: one user, one board, a room of 1,000,000 messages and one of 1,000. */
async function seed(databaseUrl: string): Promise<Seeded> {
  const postgres = !databaseUrl.startsWith('sqlite:');
  let firstId = 1;
  const { token, rooms } = await seedRooms(databaseUrl, ['big', 'small'], async (db, { userId, rooms }) => {
    const now = Date.now();
    const started = performance.now();
    await db.transaction(async (tx) => {
      // A million rows in one statement: past the data layer's statement timeout on a slow machine.
      if (postgres) await tx.run('set local statement_timeout = 0');
      for (const [roomId, count] of [
        [rooms[0], BIG_ROOM_MESSAGES],
        [rooms[1], SMALL_ROOM_MESSAGES],
      ] as const) {
        await tx.run(
          postgres
            ? `insert into chat_messages (room_id, author_id, content, created_at)
               select ?, ?, 'history message number ' || n, to_timestamp((?::bigint + n) / 1000.0)
               from generate_series(1, ?::int) n`
            : `insert into chat_messages (room_id, author_id, content, created_at)
               with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ?)
               select ?, ?, 'history message number ' || n, ? + n from seq`,
          postgres ? [roomId as number, userId, now - count, count] : [count, roomId as number, userId, now - count],
        );
      }
    });
    const first = await db.get<{ id: number }>('select min(id) as id from chat_messages where room_id = ?', [rooms[0]]);
    firstId = first?.id ?? 1;
    if (postgres) await db.run('analyze');
    process.stdout.write(
      `  seeded ${BIG_ROOM_MESSAGES.toLocaleString('en')} + ${SMALL_ROOM_MESSAGES.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
  const [bigRoom, smallRoom] = rooms as [number, number];
  return { token, bigRoom, smallRoom, firstId };
}

interface Case {
  name: string;
  /** Names its CPU profiles (PRIZMAI_BENCH_CPU_PROF). */
  slug: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** The posts last: they add rows to the big room, after every read has seen the seeded ones. */
function casesOf({ bigRoom, smallRoom, firstId }: Seeded): Case[] {
  const history = (room: number, query: string) => `/api/v1/rooms/${room}/messages?${query}`;
  return [
    {
      name: 'GET history, page at message 1,000 (1M room)',
      slug: 'page-1k',
      method: 'GET',
      path: history(bigRoom, `before=${firstId + 1000}&limit=50`),
    },
    {
      name: 'GET history, page at message 1,000,000 (1M room)',
      slug: 'page-1m',
      method: 'GET',
      path: history(bigRoom, `before=${firstId + 999_999}&limit=50`),
    },
    {
      name: 'GET history, newest page (1k room)',
      slug: 'newest-1k',
      method: 'GET',
      path: history(smallRoom, 'limit=50'),
    },
    {
      name: 'POST message (1M room)',
      slug: 'post',
      method: 'POST',
      path: `/api/v1/rooms/${bigRoom}/messages`,
      body: JSON.stringify({ content: 'benchmark message @bench' }),
    },
  ];
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** CPU the server process used meanwhile, in cores. */
  serverCores: number;
  /** CPU other processes on the machine used meanwhile, in cores (null: not told apart, PostgreSQL's among them). */
  otherCores: number | null;
}
type Outcome = Figures | { error: string };
type Results = Record<string, Outcome>;

interface Server {
  base: string;
  pid: number;
  stop(): Promise<void>;
}
interface System {
  name: string;
  /** The server, fresh for one case. */
  start(item: Case): Promise<Server>;
  /** Its database server runs outside the benchmark's processes (PostgreSQL): no check for other processes. */
  externalDatabase?: boolean;
}

/**
 * The machine's 2 cores may be shared: a measurement during which other processes used more than
 * BUSY_CORES is taken again, up to this many times in all, each after waiting (up to 30 s) for quiet.
 */
const ATTEMPTS = 3;

/** Waits (up to 30 s) for other processes on the machine to leave both cores to the benchmark. */
async function quiet(): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const others = otherProcessesCpu();
    await sleep(500);
    if (others() <= BUSY_CORES) return;
  }
}

async function measure(server: Server, token: string, item: Case, checkOthers: boolean): Promise<Figures> {
  const options = {
    url: `${server.base}${item.path}`,
    method: item.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(item.body ? { body: item.body } : {}),
    connections: CONNECTIONS,
  };
  const check = (result: AutocannonResult) => {
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    return result;
  };
  check(await autocannon({ ...options, duration: WARMUP_S }));
  for (let attempt = 1; ; attempt++) {
    if (checkOthers) await quiet();
    const [others, cores] = [otherProcessesCpu(), processCpu(server.pid)];
    const result = check(await autocannon({ ...options, duration: DURATION_S }));
    const [serverCores, otherCores] = [cores(), others()];
    if (!checkOthers || otherCores <= BUSY_CORES || attempt === ATTEMPTS) {
      const { average: rps } = result.requests;
      return {
        rps,
        p50: result.latency.p50,
        p99: result.latency.p99,
        serverCores,
        otherCores: checkOthers ? otherCores : null,
      };
    }
    process.stdout.write(`    (other processes used ${otherCores.toFixed(1)} cores meanwhile: measuring again)\n`);
  }
}

/** Rounds of every case (PRIZMAI_BENCH_ROUNDS): each system's median is kept, as the machine's speed drifts. */
const ROUNDS = Number(process.env.PRIZMAI_BENCH_ROUNDS ?? 3);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** The median of a case's rounds (any failed round fails the case). */
function medianOf(outcomes: Outcome[]): Outcome {
  const failed = outcomes.find((outcome) => 'error' in outcome);
  if (failed) return failed;
  const runs = outcomes as Figures[];
  const others = runs.map((run) => run.otherCores);
  return {
    rps: median(runs.map((run) => run.rps)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    serverCores: median(runs.map((run) => run.serverCores)),
    otherCores: others.includes(null) ? null : Math.max(...(others as number[])),
  };
}

/**
 * Every case on every system, ROUNDS times, one server at a time, each started fresh for its case; the
 * systems take turns going first, so a drift in the machine's speed weighs on both alike.
 */
/** Each system's outcomes of each case, one per round. */
type Rounds = Map<string, Map<string, Outcome[]>>;

async function runCases(
  systems: System[],
  token: string,
  cases: Case[],
): Promise<{ results: Map<string, Results>; rounds: Rounds }> {
  const rounds = new Map(systems.map((system) => [system.name, new Map<string, Outcome[]>()]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const item of cases) {
      for (const system of round % 2 === 1 ? systems : [...systems].reverse()) {
        const server = await system.start(item);
        let outcome: Outcome;
        try {
          outcome = await measure(server, token, item, !system.externalDatabase);
          const { rps, p50, p99, serverCores, otherCores } = outcome;
          const busy = busyOf(outcome) ? `; other processes ${otherCores?.toFixed(1)} cores: unreliable` : '';
          process.stdout.write(
            `  round ${round}, ${system.name}, ${item.name}: ${int(rps)} req/s, p50 ${p50} ms, p99 ${p99} ms; server ${serverCores.toFixed(2)} cores${busy}\n`,
          );
        } catch (error) {
          outcome = { error: (error as Error).message };
          process.stdout.write(`  round ${round}, ${system.name}, ${item.name}: FAILED: ${outcome.error}\n`);
        } finally {
          await server.stop();
        }
        const byCase = rounds.get(system.name) as Map<string, Outcome[]>;
        byCase.set(item.name, [...(byCase.get(item.name) ?? []), outcome]);
      }
    }
  }
  const results = new Map(
    [...rounds].map(([name, byCase]) => [
      name,
      Object.fromEntries([...byCase].map(([caseName, outcomes]) => [caseName, medianOf(outcomes)])),
    ]),
  );
  return { results, rounds };
}

/**
 * The median over rounds of `top`'s req/s ÷ `bottom`'s in the same round: measurements taken side by
 * side, so a drift of the machine's speed between rounds cancels out. Null if a round failed.
 */
function pairedRatio(top: Outcome[] | undefined, bottom: Outcome[] | undefined): number | null {
  if (!top || !bottom || top.length !== bottom.length) return null;
  const ratios: number[] = [];
  for (let i = 0; i < top.length; i++) {
    const [a, b] = [rpsOf(top[i]), rpsOf(bottom[i])];
    if (a === undefined || !b) return null;
    ratios.push(a / b);
  }
  return ratios.length ? median(ratios) : null;
}

/** Other processes used enough CPU during the measurement to make it unreliable. */
const busyOf = (outcome: Outcome) => 'rps' in outcome && outcome.otherCores !== null && outcome.otherCores > BUSY_CORES;
const int = (n: number) => Math.round(n).toLocaleString('en');
/** req/s, p50, p99; req/s marked * when other processes were busy meanwhile. */
const figures = (outcome: Outcome | undefined) =>
  outcome && 'rps' in outcome
    ? [`${int(outcome.rps)}${busyOf(outcome) ? '*' : ''}`, String(outcome.p50), String(outcome.p99)]
    : ['—', '—', '—'];
const rpsOf = (outcome: Outcome | undefined) => (outcome && 'rps' in outcome ? outcome.rps : undefined);

interface Check {
  name: string;
  target: string;
  value: number | null;
  pass: boolean;
}

/** page at message 1,000,000 req/s ÷ page at message 1,000 req/s, paired by round. */
function depthRatio(byCase: Map<string, Outcome[]> | undefined, cases: Case[]): number | null {
  return pairedRatio(byCase?.get(cases[1]?.name ?? ''), byCase?.get(cases[0]?.name ?? ''));
}

function report(reference: Results, prizmai: Results, rounds: Rounds, cases: Case[]): Check[] {
  const rows: string[][] = [];
  const checks: Check[] = [];
  for (const item of cases) {
    const ratio = pairedRatio(rounds.get('prizmai')?.get(item.name), rounds.get('reference')?.get(item.name));
    const pass = ratio !== null && ratio >= MIN_RATIO;
    checks.push({ name: item.name, target: `≥ ${MIN_RATIO}× reference`, value: ratio, pass });
    const verdict = pass ? 'PASS' : 'FAIL';
    const ratioCell = ratio === null ? '—' : `${ratio.toFixed(2)}×`;
    rows.push([
      item.name,
      ...figures(reference[item.name]),
      ...figures(prizmai[item.name]),
      ratioCell,
      `≥ ${MIN_RATIO}×`,
      verdict,
    ]);
  }
  const header = ['case', 'ref req/s', 'p50 ms', 'p99 ms', 'prizmai req/s', 'p50 ms', 'p99 ms', 'ratio', 'target', ''];
  process.stdout.write(
    `\n  SQLite, ${CONNECTIONS} connections, ${DURATION_S} s per case (after ${WARMUP_S} s warm-up), median of ${ROUNDS} rounds;\n  ratio: the median over rounds of prizmai ÷ reference measured side by side in that round\n`,
  );
  process.stdout.write(`${tableLines(header, rows, [0, 8, 9], '  ').join('\n')}\n`);
  const busy = [reference, prizmai].some((r) => Object.values(r).some(busyOf));
  if (busy) process.stdout.write(`  * other processes used over ${BUSY_CORES} cores meanwhile: unreliable figures\n`);
  process.stdout.write('\n');

  const min = 1 / MAX_DEPTH_SLOWDOWN;
  const depth = depthRatio(rounds.get('prizmai'), cases);
  checks.push({
    name: 'history depth: page at message 1,000,000 vs at message 1,000 (req/s)',
    target: `within ${MAX_DEPTH_SLOWDOWN}× (≥ ${min.toFixed(2)})`,
    value: depth,
    pass: depth !== null && depth >= min,
  });
  for (const check of checks) {
    const value = check.value === null ? 'none' : check.value.toFixed(2);
    process.stdout.write(`  ${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${value} (target ${check.target})\n`);
  }
  const refDepth = depthRatio(rounds.get('reference'), cases);
  process.stdout.write(`        (the reference's depth ratio: ${refDepth === null ? 'none' : refDepth.toFixed(2)})\n`);
  return checks;
}

function reportPostgres(results: Results, byCase: Map<string, Outcome[]> | undefined, cases: Case[]): void {
  const rows = cases.map((item) => [item.name, ...figures(results[item.name])]);
  process.stdout.write(`\n  prizmai on PostgreSQL (no target), ${CONNECTIONS} connections, ${DURATION_S} s per case\n`);
  process.stdout.write("  (PostgreSQL's processes are not the benchmark's: no check for other processes' CPU)\n");
  process.stdout.write(`${tableLines(['case', 'req/s', 'p50 ms', 'p99 ms'], rows, [0], '  ').join('\n')}\n`);
  const depth = depthRatio(byCase, cases);
  process.stdout.write(`  depth ratio (page at 1,000,000 ÷ at 1,000): ${depth === null ? 'none' : depth.toFixed(2)}\n`);
}

/** prizmai's real service on `databaseUrl`, fresh for each case, its state in `dir`. */
function prizmaiOn(name: string, dir: string, databaseUrl: string): System {
  mkdirSync(dir, { recursive: true });
  return {
    name,
    start: (item) => startBenchService(dir, databaseUrl, `http-${name}-${item.slug}`),
    externalDatabase: !databaseUrl.startsWith('sqlite:'),
  };
}

/** The reference server on the SQLite file `path`. */
function referenceOn(dir: string, path: string): System {
  mkdirSync(dir, { recursive: true });
  const script = new URL('./http-reference-server.js', import.meta.url);
  return {
    name: 'reference',
    start: async (item) => {
      const server = await startReferenceProcess(
        dir,
        script,
        (port, redisUrl) => [String(port), path, redisUrl],
        `http-reference-${item.slug}`,
      );
      return { base: `http://127.0.0.1:${server.port}`, pid: server.pid, stop: server.stop };
    },
  };
}

/** A copy of the SQLite database (and its write-ahead log, if any) at `to`. */
function copyDatabase(from: string, to: string): string {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
  return to;
}

export async function runHttpBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prizmai-bench-http-'));
  let pg: ThrowawayDatabase | undefined;
  try {
    process.stdout.write('HTTP benchmark: reference server vs. prizmai (SQLite, real service process, autocannon)\n');
    const seeded = join(dir, 'seed.db');
    const data = await seed(`sqlite:${seeded}`);
    const cases = casesOf(data);
    const systems = [
      referenceOn(join(dir, 'reference'), copyDatabase(seeded, join(dir, 'reference.db'))),
      prizmaiOn('prizmai', join(dir, 'prizmai'), `sqlite:${copyDatabase(seeded, join(dir, 'prizmai.db'))}`),
    ];
    rmSync(seeded, { force: true });
    const { results, rounds } = await runCases(systems, data.token, cases);
    const checks = report(results.get('reference') ?? {}, results.get('prizmai') ?? {}, rounds, cases);
    const json: Record<string, unknown> = { connections: CONNECTIONS, seconds: DURATION_S, targets: checks };
    for (const [name, outcome] of results) json[name] = outcome;

    const pgUrl = process.env.PRIZMAI_BENCH_PG_URL;
    if (pgUrl) {
      process.stdout.write('\nHTTP benchmark: prizmai on PostgreSQL\n');
      pg = await createThrowawayPgDatabase(pgUrl, 'prizmai_bench');
      const pgData = await seed(pg.url);
      const pgCases = casesOf(pgData);
      const onPg = await runCases([prizmaiOn('prizmai-pg', join(dir, 'pg'), pg.url)], pgData.token, pgCases);
      reportPostgres(onPg.results.get('prizmai-pg') ?? {}, onPg.rounds.get('prizmai-pg'), pgCases);
      json.postgresql = onPg.results.get('prizmai-pg');
    }
    reportLiveness('HTTP');
    process.stdout.write(`http-json: ${JSON.stringify(json)}\n`);
  } finally {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: `node dist/bench/http.js`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runHttpBenchmark().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
