import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../errors.js';
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

/**
 * `mkdir -p` (private), failing clearly where the state dir cannot be: Node 20's recursive mkdirSync
 * spins forever when the kernel answers ENOENT for a parent that exists (/proc), and an EACCES deserves
 * the key to change rather than a stack trace.
 */
export function makePrivateDirs(path: string): void {
  const parent = dirname(path);
  if (parent !== path && !existsSync(parent)) makePrivateDirs(parent);
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EEXIST: there already, or made meanwhile by another process.
    if (code === 'EEXIST' && statSync(path).isDirectory()) return;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `${parent} is not writable`
        : code === 'ENOENT'
          ? `${parent} does not accept new directories`
          : (error as Error).message;
    throw new CliError(`cannot create ${path}: ${why}; choose another stateDir (--state-dir, PRIZMAI_STATE_DIR)`);
  }
}

export function makeStatePrivate(stateDir: string, databaseUrl: string): void {
  process.umask(0o077);
  const paths = statePaths(stateDir);
  makePrivateDirs(paths.logsDir);
  tighten(stateDir, 0o700);
  tighten(paths.logsDir, 0o700);
  for (const name of readdirSync(paths.logsDir)) tighten(join(paths.logsDir, name), 0o600);
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) tighten(path, 0o600);
  }
}
