import { join } from 'node:path';

/** Where the supervisor keeps things inside `<stateDir>`. */
export const statePaths = (stateDir: string) => ({
  stateFile: join(stateDir, 'supervisor.json'),
  logsDir: join(stateDir, 'logs'),
  daemonLog: join(stateDir, 'logs', 'supervisor.log'),
  redisDir: join(stateDir, 'redis'),
  /** V8 code caches of the service, worker and beat builds (cli/supervisor/bundle-loader.ts). */
  codeCacheDir: join(stateDir, 'cache'),
});

/** Tells the bundle loader where to keep its code cache. */
export const CODE_CACHE_DIR_ENV = 'PRIZMAI_CODE_CACHE_DIR';

export function logFile(stateDir: string, name: string): string {
  return join(stateDir, 'logs', `${name}.log`);
}
