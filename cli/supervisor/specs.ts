import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureManagedRedisPassword } from '../../config/managed-redis.js';
import { RESOLVED_CONFIG_ENV } from '../../config/runtime.js';
import type { ResolvedConfig } from '../../config/types.js';
import { migrationsPending } from './migrations-check.js';
import { CODE_CACHE_DIR_ENV, statePaths } from './paths.js';
import { probeHosts } from './probes.js';
import type { ProcessSpec } from './types.js';

/** A path inside dist/, so children are found wherever prizmai is installed, whatever the cwd. */
const dist = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The service's URL as users reach it. */
export function serviceUrl(config: ResolvedConfig): string {
  const host = probeHosts(config.service.host)[0] as string;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.service.port}`;
}

/**
 * The managed redis-server's config file (0600): its password, which must not appear on its command
 * line (`ps` shows that to every local user).
 */
function managedRedisConfigFile(stateDir: string): { file: string; password: string } {
  const password = ensureManagedRedisPassword(stateDir);
  const file = join(stateDir, 'redis.conf');
  writeFileSync(file, `# Written by prizmai at each start.\nrequirepass ${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, password };
}

/**
 * Node flags of the service process. A small young generation: a service holding thousands of
 * long-lived WebSocket connections otherwise grows its new space to tens of MiB (RSS that its
 * connections do not need — the realtime bench measures ~17 KiB per idle connection with the default,
 * ~9 KiB with this), at no cost to its throughput.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2'];

/**
 * The service: one process probed over HTTP, or `service.instances` node:cluster workers sharing the
 * port (service.1 … service.N), each ready and probed over its IPC channel, since the shared port
 * cannot tell one from another.
 */
function serviceSpecs(
  config: ResolvedConfig,
  command: Pick<ProcessSpec, 'command' | 'args' | 'env' | 'cwd'>,
  dependsOn: string[],
): ProcessSpec[] {
  // Asked to stop over IPC (the graceful way on Windows too): sockets closed with 1001.
  const common = { ...command, dependsOn, liveness: config.service.liveness, ipc: true, port: config.service.port };
  const { instances } = config.service;
  if (instances === 1) {
    const readiness = {
      kind: 'http',
      hosts: probeHosts(config.service.host),
      port: config.service.port,
      path: '/healthz',
    };
    return [{ name: 'service', ...common, readiness: readiness as ProcessSpec['readiness'] }];
  }
  return Array.from({ length: instances }, (_, i) => ({
    name: `service.${i + 1}`,
    ...common,
    cluster: true,
    readiness: { kind: 'signal' } as const,
  }));
}

/** The processes of the stack, in dependency order: redis → migrate → service, worker, beat. */
export function stackSpecs(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): ProcessSpec[] {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;
  childEnv[RESOLVED_CONFIG_ENV] = JSON.stringify(config);
  const cwd = config.stateDir;
  const node = (entry: string, flags: string[] = []) => ({
    command: process.execPath,
    args: [...flags, dist(entry)],
    env: childEnv,
    cwd,
  });
  // The one-file builds (`npm run build` makes them) start in a third of the time, through a code cache.
  const bundled = (name: string, entry: string, flags: string[] = []) =>
    existsSync(dist(`bundles/${name}.cjs`))
      ? {
          command: process.execPath,
          args: [...flags, dist('cli/supervisor/bundle-loader.js'), dist(`bundles/${name}.cjs`)],
          env: { ...childEnv, [CODE_CACHE_DIR_ENV]: statePaths(config.stateDir).codeCacheDir },
          cwd,
        }
      : node(entry, flags);
  const managed = config.redis.url === undefined;
  const redisDeps = managed ? ['redis'] : [];
  const specs: ProcessSpec[] = [];
  if (managed) {
    const { port } = config.redis;
    const auth = managedRedisConfigFile(config.stateDir);
    specs.push({
      name: 'redis',
      command: config.redis.bin,
      // Append-only persistence in <stateDir>/redis, so queued jobs survive a restart.
      args: [
        auth.file,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        statePaths(config.stateDir).redisDir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--daemonize',
        'no',
        '--logfile',
        '',
        // SIGTERM is acted upon at the next server tick: 20 ms rather than 100 ms, so stop is quick.
        '--hz',
        '50',
      ],
      env: childEnv,
      cwd,
      dependsOn: [],
      readiness: { kind: 'redis', host: '127.0.0.1', port, password: auth.password },
      liveness: config.redis.liveness,
      port,
    });
  }
  // The first check runs while redis-server boots (a timer fires right after it is spawned), so migrate's
  // turn finds the answer waiting; later runs (`restart migrate`) check afresh. Any doubt means pending.
  const check = () => migrationsPending(config.database.url).catch(() => true);
  let early: Promise<boolean> | undefined;
  let used = false;
  setTimeout(() => {
    if (!used) early = check();
  }, 0).unref();
  const pendingMigrations = () => {
    const answer = early ?? check();
    used = true;
    early = undefined;
    return answer;
  };
  specs.push(
    {
      name: 'migrate',
      ...node('cli/supervisor/migrate-step.js'),
      dependsOn: redisDeps,
      readiness: { kind: 'exit0' },
      skip: async () => !(await pendingMigrations()),
    },
    ...serviceSpecs(config, bundled('service', 'service/main.js', SERVICE_NODE_FLAGS), [...redisDeps, 'migrate']),
    {
      name: 'worker',
      ...bundled('worker', 'worker/main.js'),
      dependsOn: [...redisDeps, 'migrate'],
      readiness: { kind: 'signal' },
      ipc: true,
      liveness: config.worker.liveness,
      background: true,
    },
    {
      name: 'beat',
      ...bundled('beat', 'worker/beat.js'),
      dependsOn: [...redisDeps, 'migrate'],
      readiness: { kind: 'signal' },
      ipc: true,
      liveness: config.beat.liveness,
      background: true,
    },
  );
  return specs;
}
