import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from './types.js';

// The managed redis-server's password (SPEC §3): generated once per state dir, kept in
// `<stateDir>/redis.password` (0600), so other local users can neither read nor forge its traffic. It
// reaches the service, worker and beat through that file (never a command line), and `prizmai run`'s
// command through PRIZMAI_REDIS_URL.

export function managedRedisPasswordFile(stateDir: string): string {
  return join(stateDir, 'redis.password');
}

/** The password, or undefined before the supervisor first made one. */
export function readManagedRedisPassword(stateDir: string): string | undefined {
  try {
    return readFileSync(managedRedisPasswordFile(stateDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The password, made (exclusively, 0600) the first time; the supervisor calls this before Redis starts. */
export function ensureManagedRedisPassword(stateDir: string): string {
  const existing = readManagedRedisPassword(stateDir);
  if (existing) return existing;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('hex');
  try {
    writeFileSync(managedRedisPasswordFile(stateDir), `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (error) {
    // Two starts racing: the first one's password stands.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readManagedRedisPassword(stateDir) ?? password;
    throw error;
  }
}

/** The Redis every process uses: the configured URL, or the managed redis-server with its password. */
export function redisUrlFor(config: ResolvedConfig): string {
  if (config.redis.url !== undefined) return config.redis.url;
  const password = readManagedRedisPassword(config.stateDir);
  return `redis://${password ? `:${password}@` : ''}127.0.0.1:${config.redis.port}`;
}

/** A Redis or database URL as it may be shown: without its user and password (`redis://:pw@h` → `redis://h`). */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
