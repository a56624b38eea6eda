// WebSocket benchmark of the chat service on SQLite (the real service process, its own redis-server):
// fan-out — one poster sends messages over the WebSocket to a room followed by many subscribers, and
// each delivery's latency (poster's send → subscriber's receipt) is measured — and the service's
// memory per idle connection.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { seedRooms } from './seed.js';
import { type BenchService, startBenchService } from './service-process.js';

const SUBSCRIBERS = Number(process.env.PRIZMAI_BENCH_SUBSCRIBERS ?? 200);
const MESSAGES = Number(process.env.PRIZMAI_BENCH_MESSAGES ?? 200);
const IDLE_CONNECTIONS = 1000;

function open(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) * 1024;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export async function runWebSocketBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prizmai-bench-ws-'));
  let service: BenchService | undefined;
  const sockets: WebSocket[] = [];
  try {
    process.stdout.write('WebSocket benchmark (SQLite, real service process)\n');
    const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
    const { token, rooms } = await seedRooms(databaseUrl, ['fan-out']);
    const roomId = rooms[0] as number;
    service = await startBenchService(dir, databaseUrl);
    const url = `${service.base.replace('http', 'ws')}/ws`;
    const stream = `room:${roomId}`;

    // Memory: the service's RSS before and after IDLE_CONNECTIONS more idle, subscribed connections.
    // First, so the fan-out's garbage does not blur it; one connection warms the code path.
    const warm = await open(url, token);
    warm.send(JSON.stringify({ type: 'subscribe', stream }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = rssOf(service.pid);
    for (let i = 0; i < IDLE_CONNECTIONS; i++) {
      const ws = await open(url, token);
      sockets.push(ws);
      ws.send(JSON.stringify({ type: 'subscribe', stream }));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = rssOf(service.pid);
    process.stdout.write(
      `  memory: ${IDLE_CONNECTIONS} idle subscribed connections add ${((after - before) / 1024 / 1024).toFixed(1)} MB ` +
        `(${Math.round((after - before) / IDLE_CONNECTIONS / 1024)} KB each); service RSS ${(after / 1024 / 1024).toFixed(0)} MB\n`,
    );
    warm.terminate();
    for (const ws of sockets.splice(0)) ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Fan-out: SUBSCRIBERS followers of one room; the poster sends one message at a time, the next
    // once every subscriber has the previous one.
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    let pending = 0;
    let allReceived: () => void = () => {};
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const ws = await open(url, token);
      sockets.push(ws);
      await new Promise<void>((resolve) => {
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as { type: string; client_id?: string };
          if (frame.type === 'subscribed') return resolve();
          if (frame.type !== 'chat_message' || !frame.client_id) return;
          const sent = sentAt.get(Number(frame.client_id));
          if (sent === undefined) return;
          latencies.push(performance.now() - sent);
          if (--pending === 0) allReceived();
        });
        ws.send(JSON.stringify({ type: 'subscribe', stream }));
      });
    }
    const poster = await open(url, token);
    sockets.push(poster);
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      pending = SUBSCRIBERS;
      const done = new Promise<void>((resolve) => (allReceived = resolve));
      sentAt.set(i, performance.now());
      poster.send(
        JSON.stringify({ type: 'chat_message', room_id: roomId, message: `fan-out ${i}`, client_id: String(i) }),
      );
      await done;
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `  fan-out: ${SUBSCRIBERS} subscribers × ${MESSAGES} messages, one at a time\n` +
        `    delivery latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, ` +
        `max ${percentile(latencies, 1).toFixed(1)} ms; ${Math.round((SUBSCRIBERS * MESSAGES) / seconds).toLocaleString('en')} deliveries/s\n`,
    );
  } finally {
    for (const ws of sockets) ws.terminate();
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: `node dist/bench/ws.js`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWebSocketBenchmark().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
