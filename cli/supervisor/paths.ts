import { join } from 'node:path';

/** Where the supervisor keeps things inside `<stateDir>`. */
export const statePaths = (stateDir: string) => ({
  stateFile: join(stateDir, 'supervisor.json'),
  logsDir: join(stateDir, 'logs'),
  daemonLog: join(stateDir, 'logs', 'supervisor.log'),
  redisDir: join(stateDir, 'redis'),
});

export function logFile(stateDir: string, name: string): string {
  return join(stateDir, 'logs', `${name}.log`);
}
