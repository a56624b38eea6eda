// A reference server of a benchmark's own as its own node process, on a redis-server of its own: the
// realtime one (reference-server.ts) and the HTTP one (../http-reference-server.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../cli/supervisor/free-ports.js';
import { stopChild, waitFor } from '../service-process.js';

export interface ReferenceProcess {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface ReferenceServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function ready(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.status === 200);
}

/**
 * Starts `script` (a compiled module) with the arguments `args` makes of its port and its Redis URL, once
 * its redis-server runs in `dir`; ready when GET /healthz answers 200. With PRIZMAI_BENCH_CPU_PROF=<dir>
 * it writes a V8 CPU profile to <dir>/<profileName> when it stops.
 */
export async function startReferenceProcess(
  dir: string,
  script: URL,
  args: (port: number, redisUrl: string) => string[],
  profileName = 'reference',
): Promise<ReferenceProcess> {
  const [redisPort, port] = (await freePorts(2)) as [number, number];
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  let server: ChildProcess | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once('spawn', resolve);
      redis.once('error', reject);
    });
    const profile = process.env.PRIZMAI_BENCH_CPU_PROF;
    const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', `${profile}/${profileName}`] : [];
    server = spawn(
      process.execPath,
      [...flags, fileURLToPath(script), ...args(port, `redis://127.0.0.1:${redisPort}`)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitFor(() => ready(port), 'the reference server');
    const child = server;
    return {
      port,
      pid: child.pid as number,
      stop: async () => {
        await stopChild(child);
        await stopChild(redis);
      },
    };
  } catch (error) {
    await stopChild(server);
    await stopChild(redis);
    throw error;
  }
}

/** The realtime reference (reference-server.ts). */
export async function startReference(dir: string): Promise<ReferenceServer> {
  const script = new URL('./reference-server.js', import.meta.url);
  const { port, pid, stop } = await startReferenceProcess(dir, script, (port, redisUrl) => [String(port), redisUrl]);
  return { url: `ws://127.0.0.1:${port}/ws`, pid, stop };
}
