// The reference server (reference-server.ts) as its own node process, on a redis-server of its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../cli/supervisor/free-ports.js';
import { stopChild, waitFor } from '../service-process.js';

export interface ReferenceServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function ready(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.status === 200);
}

export async function startReference(dir: string): Promise<ReferenceServer> {
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
    const main = fileURLToPath(new URL('./reference-server.js', import.meta.url));
    // PRIZMAI_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the reference too, when it stops.
    const profile = process.env.PRIZMAI_BENCH_CPU_PROF;
    const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', `${profile}/reference`] : [];
    server = spawn(process.execPath, [...flags, main, String(port), `redis://127.0.0.1:${redisPort}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(() => ready(port), 'the reference server');
    const child = server;
    return {
      url: `ws://127.0.0.1:${port}/ws`,
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
