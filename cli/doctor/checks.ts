import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { shownUrl } from '../../config/managed-redis.js';
import type { LoadedConfig, ResolvedConfig } from '../../config/types.js';
import { withDeadline } from '../../service/deadline.js';
import { portHolder } from '../platform.js';
import { hello, versionMismatch } from '../supervisor/client.js';
import { shippedMigrations } from '../supervisor/migrations-check.js';
import { portFree, REDIS_MISSING_FIX, stackPorts } from '../supervisor/preflight.js';
import { corruptStateAdvice, inspectState } from '../supervisor/stale.js';
import { packageManifest } from '../supervisor/version.js';

// The checks of `prizmai doctor` (SPEC §4), each answering what is wrong and how to fix it. Every
// check that reaches something (Redis, the database, the daemon) is bounded, so doctor never hangs.

export interface Check {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

const WAIT_MS = 3000;
const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
const fail = (name: string, detail: string, fix: string): Check => ({ name, status: 'fail', detail, fix });

/** `work` within the doctor's wait, else an error naming `what` did not answer. */
const within = <T>(what: string, work: Promise<T>) =>
  withDeadline(work, WAIT_MS, () => new Error(`${what} did not answer within ${WAIT_MS / 1000} s`));

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function checkNode(): Check {
  const wanted = packageManifest().engines.node; // ">=20.19.0"
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const [wantMajor, wantMinor] = (wanted.match(/\d+/g) ?? []).map(Number) as [number, number];
  const fits = major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return fits
    ? ok('node', `Node.js ${process.versions.node} (prizmai needs ${wanted})`)
    : fail(
        'node',
        `Node.js ${process.versions.node}, but prizmai needs ${wanted}`,
        `install Node.js ${wanted} (nodejs.org, nvm, or your package manager)`,
      );
}

/** The managed redis-server's binary and version, or the external Redis answering PING. */
export async function checkRedis(config: ResolvedConfig): Promise<Check> {
  if (config.redis.url) return checkExternalRedis(config.redis.url);
  const bin = config.redis.bin;
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: WAIT_MS });
  if (result.error || result.status !== 0) {
    const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    return fail(
      'redis',
      missing
        ? `${bin} not found on PATH (redis.bin)`
        : `${bin} --version failed: ${result.error?.message ?? (result.stderr.trim() || `exit ${result.status}`)}`,
      REDIS_MISSING_FIX,
    );
  }
  const version = /v=(\d+)\.(\d+)\.(\d+)/.exec(result.stdout);
  if (!version) return ok('redis', `${bin}: ${result.stdout.trim()}`);
  const [major] = version.slice(1).map(Number) as [number];
  if (major < 5) {
    return fail(
      'redis',
      `${bin} is Redis ${version.slice(1).join('.')}; BullMQ needs 5 or newer`,
      'install a newer redis-server, or set redis.url',
    );
  }
  return ok('redis', `${bin} is Redis ${version.slice(1).join('.')} (managed by prizmai on port ${config.redis.port})`);
}

async function checkExternalRedis(url: string): Promise<Check> {
  const where = shownUrl(url);
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: WAIT_MS,
    commandTimeout: WAIT_MS,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await within(`Redis at ${where}`, redis.connect());
    const info = await within(`Redis at ${where}`, redis.info('server'));
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown version';
    return ok('redis', `external Redis at ${where} answers (Redis ${version}); prizmai manages none`);
  } catch (error) {
    return fail(
      'redis',
      `external Redis at ${where} does not answer: ${messageOf(error)}`,
      'start that Redis, or correct redis.url (--redis-url, PRIZMAI_REDIS_URL)',
    );
  } finally {
    redis.disconnect();
  }
}

/** Each port the stack binds: free, or held by this stack's own process. */
export async function checkPorts(config: ResolvedConfig): Promise<Check[]> {
  const found = inspectState(config.stateDir);
  // A dead daemon's children still running hold their ports too (doctor's daemon check reports them).
  const ours = found.kind === 'live' ? found.state.processes : found.kind === 'stale' ? found.alive : [];
  const wanted = stackPorts(config);
  const [service, redis] = wanted;
  if (redis && service?.port === redis.port) {
    return [
      fail(
        `port ${service.port}`,
        `service.port and redis.port are both ${service.port}`,
        'give them different ports (--port, --redis-port)',
      ),
    ];
  }
  // With service.instances > 1 the supervisor itself holds the service port (node:cluster).
  const daemonPid = found.kind === 'live' ? found.state.daemon.pid : undefined;
  const checks: Check[] = [];
  for (const want of wanted) {
    const name = `port ${want.port}`;
    if (await portFree(want.port, want.host)) {
      checks.push(ok(name, `${want.key} ${want.port} is free`));
      continue;
    }
    const holder = portHolder(want.port);
    const mine = ours.find((p) => p.pid !== null && (p.pid === holder?.pid || (!holder && p.port === want.port)));
    if (mine) {
      checks.push(ok(name, `${want.key} ${want.port} is held by this stack's ${mine.name} (pid ${mine.pid})`));
      continue;
    }
    if (holder && holder.pid === daemonPid) {
      checks.push(
        ok(
          name,
          `${want.key} ${want.port} is held by this stack's supervisor (pid ${holder.pid}) for its service instances`,
        ),
      );
      continue;
    }
    const by = holder ? ` by pid ${holder.pid} (${holder.command.slice(0, 80)})` : '';
    checks.push(
      fail(
        name,
        `${want.key} ${want.port} is in use${by}`,
        `stop what holds it, or choose another port with ${want.flag} <port>, ${want.env}, or ${want.key} in prizmai.config.ts`,
      ),
    );
  }
  return checks;
}

export function checkStateDir(config: ResolvedConfig): Check {
  const dir = config.stateDir;
  if (!existsSync(dir)) {
    let parent = dirname(dir);
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    try {
      accessSync(parent, constants.W_OK);
      return ok('state dir', `${dir} does not exist yet; prizmai start creates it (private, 0700)`);
    } catch {
      return fail(
        'state dir',
        `${dir} cannot be created: ${parent} is not writable`,
        'choose a writable stateDir (--state-dir, PRIZMAI_STATE_DIR)',
      );
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return fail(
      'state dir',
      `${dir} is not writable by this user`,
      `fix its owner or permissions (chown/chmod 700 ${dir}), or choose another stateDir`,
    );
  }
  const mode = statSync(dir).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    return fail(
      'state dir',
      `${dir} is readable by others (mode ${mode.toString(8)}): it holds the Redis password and the database`,
      `chmod 700 ${dir}`,
    );
  }
  return ok('state dir', `${dir} is writable and private`);
}

/** The database answers, and which shipped migrations it lacks. */
export async function checkDatabase(config: ResolvedConfig): Promise<Check> {
  const url = config.database.url;
  const shown = shownUrl(url);
  const shipped = shippedMigrations();
  if (url.startsWith('sqlite:') && !existsSync(url.slice('sqlite:'.length))) {
    return ok(
      'database',
      `${shown} does not exist yet; prizmai start creates it and applies its ${shipped.length} migrations`,
    );
  }
  const [{ connectDatabase }, { appliedMigrations }] = await Promise.all([
    import('../../service/db/database.js'),
    import('../../service/db/migrations-table.js'),
  ]);
  let applied: string[];
  try {
    const db = await within(`the database at ${shown}`, connectDatabase(url));
    try {
      applied = await within(`the database at ${shown}`, appliedMigrations(db)).catch((error: unknown) => {
        // A database without the migrations table has every migration pending.
        // Only a missing migrations table (not a missing database or role) means nothing applied yet.
        const code = (error as { code?: unknown }).code;
        if (code === '42P01' || /no such table/i.test(messageOf(error))) return [];
        throw error;
      });
    } finally {
      await db.close().catch(() => {});
    }
  } catch (error) {
    return fail(
      'database',
      `${shown} cannot be reached: ${messageOf(error)}`,
      url.startsWith('sqlite:')
        ? 'check the file and its permissions, or database.url'
        : 'start PostgreSQL, or correct database.url (--database-url, PRIZMAI_DATABASE_URL)',
    );
  }
  const done = new Set(applied);
  const pending = shipped.filter((name) => !done.has(name));
  if (pending.length > 0) {
    return fail(
      'database',
      `${shown}: ${pending.length} pending migration${pending.length === 1 ? '' : 's'} (${pending.join(', ')})`,
      'run prizmai migrate (prizmai start also applies them)',
    );
  }
  return ok('database', `${shown} answers; all ${shipped.length} migrations applied`);
}

/** A live daemon that answers (of this version), none, or the stale state of one that died. */
export async function checkDaemon(config: ResolvedConfig): Promise<Check> {
  const found = inspectState(config.stateDir);
  if (found.kind === 'none') return ok('daemon', 'not running (prizmai start starts it)');
  if (found.kind === 'corrupt')
    return fail('daemon', `the state file cannot be read (${found.problem})`, corruptStateAdvice(found));
  if (found.kind === 'stale') {
    const running = found.alive.map((p) => `${p.name} (pid ${p.pid})`).join(', ');
    return fail(
      'daemon',
      `stale state: the supervisor (pid ${found.state.daemon.pid}) is gone${running ? `; still running unsupervised: ${running}` : ''}`,
      'run prizmai stop to clean up, then prizmai start',
    );
  }
  const answer = await within('the supervisor', hello(config.stateDir)).catch(() => undefined);
  if (!answer) {
    return fail(
      'daemon',
      `the supervisor (pid ${found.state.daemon.pid}) runs but does not answer on its control socket`,
      'run prizmai stop (it stops the recorded processes even so), then prizmai start',
    );
  }
  const mismatch = versionMismatch(answer.version);
  if (mismatch)
    return fail('daemon', `the supervisor (pid ${answer.pid}) is version ${answer.version}`, mismatch.message);
  return ok('daemon', `running (pid ${answer.pid}) and answering; ${found.state.url ?? ''}`.trim());
}

/** The config is valid; where its values came from when not the defaults. */
export function checkConfig(loaded: LoadedConfig): Check {
  const changed = Object.entries(loaded.sources).filter(([, source]) => source !== 'default');
  const from = changed.length
    ? `; set: ${changed.map(([key, source]) => `${key} (${source})`).join(', ')}`
    : '; all defaults';
  return ok('config', `valid (${loaded.file ?? 'no config file'})${from}`);
}
