import { createServer } from 'node:net';
import type { ResolvedConfig } from '../../config/types.js';
import { onPath, portHolder } from '../platform.js';

export interface PortProblem {
  port: number;
  key: string;
  flag: string;
  env: string;
  holder?: { pid: number; command: string } | undefined;
  message: string;
}

/** What installs the managed Redis's executable, for a start that cannot find it and for doctor. */
export const REDIS_MISSING_FIX =
  'install it (Debian/Ubuntu: apt install redis-server; macOS: brew install redis), set redis.bin to its path, or set redis.url to use an external Redis';

/** The managed redis-server cannot be found (checked before anything is spawned); undefined when it can. */
export function redisBinaryProblem(config: ResolvedConfig): string | undefined {
  if (config.redis.url !== undefined || onPath(config.redis.bin)) return undefined;
  return `${config.redis.bin} not found on PATH (redis.bin); ${REDIS_MISSING_FIX}`;
}

/** Whether `port` can be bound on `host` right now. */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The ports the stack binds, each with the key, flag and env var that change it. */
export function stackPorts(config: ResolvedConfig) {
  const wanted = [
    { port: config.service.port, host: config.service.host, key: 'service.port', flag: '--port', env: 'PRIZMAI_PORT' },
  ];
  if (config.redis.url === undefined) {
    wanted.push({
      port: config.redis.port,
      host: '127.0.0.1',
      key: 'redis.port',
      flag: '--redis-port',
      env: 'PRIZMAI_REDIS_PORT',
    });
  }
  return wanted;
}

/** The ports the stack would bind that something else holds; checked before anything is spawned. */
export async function portProblems(config: ResolvedConfig): Promise<PortProblem[]> {
  const wanted = stackPorts(config);
  const problems: PortProblem[] = [];
  if (wanted.length === 2 && wanted[0]?.port === wanted[1]?.port) {
    const port = config.service.port;
    problems.push({
      port,
      key: 'redis.port',
      flag: '--redis-port',
      env: 'PRIZMAI_REDIS_PORT',
      message: `service.port and redis.port are both ${port}; give them different ports`,
    });
    return problems;
  }
  for (const want of wanted) {
    if (await portFree(want.port, want.host)) continue;
    const holder = portHolder(want.port);
    const by = holder ? ` by pid ${holder.pid} (${holder.command.slice(0, 80)})` : '';
    problems.push({
      ...want,
      holder,
      message:
        `port ${want.port} (${want.key}) is already in use${by}; ` +
        `choose another with ${want.flag} <port>, ${want.env}, or ${want.key} in prizmai.config.ts`,
    });
  }
  return problems;
}
