import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from './paths.js';

// The state dir is private to its owner (SPEC §3): 0700, its database and logs 0600 — they hold
// password hashes, every message, the managed Redis's password. From the supervisor's start on, a umask
// of 077 makes everything it and its processes create so; what an older version left is tightened.

function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // Not ours to change (another owner, a read-only mount): left as it is.
  }
}

export function makeStatePrivate(stateDir: string, databaseUrl: string): void {
  process.umask(0o077);
  const paths = statePaths(stateDir);
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  tighten(stateDir, 0o700);
  tighten(paths.logsDir, 0o700);
  for (const name of readdirSync(paths.logsDir)) tighten(join(paths.logsDir, name), 0o600);
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) tighten(path, 0o600);
  }
}
