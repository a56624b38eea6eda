// The chat service as its real process for benchmarks: dist/service/main.js on a free port, with a
// redis-server of its own, over a SQLite database the benchmark has seeded.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../cli/supervisor/free-ports.js';
import { SERVICE_NODE_FLAGS } from '../cli/supervisor/specs.js';
import { loadConfig } from '../config/load.js';
import { watchLiveness } from './liveness-watch.js';

export interface BenchService {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Polls `check` every 50 ms until it answers true; throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited (at once if it already has). */
export function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The service on `databaseUrl`, its state and redis-server in `dir`. With PRIZMAI_BENCH_CPU_PROF=<dir> it
 * writes a V8 CPU profile when it stops, to that folder or to `profileName` under it.
 */
export async function startBenchService(dir: string, databaseUrl: string, profileName?: string): Promise<BenchService> {
  const [redisPort, port] = (await freePorts(2)) as [number, number];
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  let service: ChildProcess | undefined;
  try {
    // The configuration as the CLI would resolve it for this folder; postsPerSecond 0 turns the
    // per-user rate limit off (SPEC §3), as benchmarks need.
    const { config } = await loadConfig({
      cwd: dir,
      env: {
        PRIZMAI_STATE_DIR: dir,
        PRIZMAI_PORT: String(port),
        PRIZMAI_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        PRIZMAI_DATABASE_URL: databaseUrl,
        PRIZMAI_POSTS_PER_SECOND: '0',
        // Many benchmark connections share a few users: no per-user connection cap.
        PRIZMAI_CONNECTIONS_PER_USER: '0',
      },
    });
    const main = fileURLToPath(new URL('../service/main.js', import.meta.url));
    const profileRoot = process.env.PRIZMAI_BENCH_CPU_PROF;
    const profile = profileRoot && profileName ? `${profileRoot}/${profileName}` : profileRoot;
    // The service's own Node flags, as the supervisor starts it.
    const flags = [...SERVICE_NODE_FLAGS, ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [])];
    service = spawn(process.execPath, [...flags, main], {
      env: {
        ...process.env,
        PRIZMAI_RESOLVED_CONFIG: JSON.stringify(config),
      },
      // Request logs still get written (a real cost), just not kept.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 'the service');
    const child = service;
    const stopWatching = watchLiveness(port);
    return {
      base,
      pid: child.pid as number,
      stop: async () => {
        await stopWatching();
        await stopChild(child);
        await stopChild(redis);
      },
    };
  } catch (error) {
    await stopChild(service);
    await stopChild(redis);
    throw error;
  }
}
