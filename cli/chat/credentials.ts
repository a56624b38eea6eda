import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

// The tokens `prizmai login` saves, one per service URL, in a file only its owner can read (SPEC §9).

export interface SavedLogin {
  token: string;
  username: string;
}

type Saved = Record<string, SavedLogin>;

/** `$PRIZMAI_CREDENTIALS`, else `$XDG_CONFIG_HOME/prizmai/credentials.json` (~/.config by default). */
export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PRIZMAI_CREDENTIALS) return env.PRIZMAI_CREDENTIALS;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'prizmai', 'credentials.json');
}

function readAll(file: string): Saved {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Saved) : {};
  } catch {
    return {};
  }
}

function writeAll(file: string, saved: Saved): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  // Created 0600 (and chmod'ed, whatever the umask), then moved into place: never readable by others.
  writeFileSync(temporary, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

export function savedLogin(url: string, file = credentialsFile()): SavedLogin | undefined {
  return readAll(file)[url];
}

export function saveLogin(url: string, login: SavedLogin, file = credentialsFile()): void {
  writeAll(file, { ...readAll(file), [url]: login });
}

/** Forgets the login saved for `url`; true if there was one. */
export function forgetLogin(url: string, file = credentialsFile()): boolean {
  const saved = readAll(file);
  if (!(url in saved)) return false;
  delete saved[url];
  writeAll(file, saved);
  return true;
}
