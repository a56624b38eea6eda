// HTTP benchmark of the chat service on SQLite: posting a message, and reading a history page from a
// room of 1,000,000 messages (newest page, and the oldest page deep in the past) beside a room of
// 1,000. The rows are bulk-inserted with one SQL statement in a transaction, not through the API; the
// service runs as its real process (dist/service/main.js) on a free port with its own redis-server,
// and autocannon (from the benchmark process) drives it. A keyset page costs the same at any depth.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedRooms } from './seed.js';
import { type BenchService, startBenchService } from './service-process.js';

const BIG_ROOM_MESSAGES = 1_000_000;
const SMALL_ROOM_MESSAGES = 1_000;
const DURATION_S = Number(process.env.PRIZMAI_BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

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

/** Fills the database: one user, one board, a room of 1,000,000 messages and one of 1,000. */
async function seed(databaseUrl: string): Promise<{ token: string; bigRoom: number; smallRoom: number }> {
  const { token, rooms } = await seedRooms(databaseUrl, ['big', 'small'], async (db, { userId, rooms }) => {
    const now = Date.now();
    const started = performance.now();
    await db.transaction(async (tx) => {
      for (const [roomId, count] of [
        [rooms[0], BIG_ROOM_MESSAGES],
        [rooms[1], SMALL_ROOM_MESSAGES],
      ] as const) {
        await tx.run(
          `insert into chat_messages (room_id, author_id, content, created_at)
           with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ?)
           select ?, ?, 'history message number ' || n, ? + n from seq`,
          [count, roomId as number, userId, now - count],
        );
      }
    });
    process.stdout.write(
      `  seeded ${BIG_ROOM_MESSAGES.toLocaleString('en')} + ${SMALL_ROOM_MESSAGES.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
  const [bigRoom, smallRoom] = rooms as [number, number];
  return { token, bigRoom, smallRoom };
}

export async function runHttpBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prizmai-bench-http-'));
  let service: BenchService | undefined;
  try {
    process.stdout.write('HTTP benchmark (SQLite, real service process, autocannon)\n');
    const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
    const { token, bigRoom, smallRoom } = await seed(databaseUrl);
    service = await startBenchService(dir, databaseUrl);
    const { base } = service;

    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const history = (room: number, query: string) => `${base}/api/v1/rooms/${room}/messages?${query}`;
    // The oldest page of the big room: keyset from the very start of a 1,000,000-row history.
    const deep = await fetch(history(bigRoom, 'after=0&limit=1'), { headers });
    const firstId = ((await deep.json()) as { messages: { id: number }[] }).messages[0]?.id ?? 1;
    const cases: { name: string; url: string; method?: string; body?: string }[] = [
      {
        name: 'POST message (1M room)',
        url: `${base}/api/v1/rooms/${bigRoom}/messages`,
        method: 'POST',
        body: JSON.stringify({ content: 'benchmark message @bench' }),
      },
      { name: 'GET history, newest page (1M room)', url: history(bigRoom, 'limit=50') },
      {
        name: 'GET history, page at message 1,000 (1M room)',
        url: history(bigRoom, `before=${firstId + 1000}&limit=50`),
      },
      {
        name: 'GET history, page at message 1,000,000 (1M room)',
        url: history(bigRoom, `before=${firstId + 999_999}&limit=50`),
      },
      { name: 'GET history, newest page (1k room)', url: history(smallRoom, 'limit=50') },
    ];
    const rows: string[][] = [];
    for (const item of cases) {
      const result = await autocannon({
        url: item.url,
        method: item.method ?? 'GET',
        headers,
        ...(item.body ? { body: item.body } : {}),
        connections: CONNECTIONS,
        duration: DURATION_S,
      });
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${item.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      }
      rows.push([
        item.name,
        Math.round(result.requests.average).toLocaleString('en'),
        `${result.latency.p50.toFixed(1)} ms`,
        `${result.latency.p99.toFixed(1)} ms`,
      ]);
    }
    const header = ['case', 'req/s', 'p50', 'p99'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]) =>
      `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}\n`;
    process.stdout.write(`  ${CONNECTIONS} connections, ${DURATION_S} s per case\n`);
    process.stdout.write(line(header));
    for (const row of rows) process.stdout.write(line(row));
  } finally {
    await service?.stop();
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
