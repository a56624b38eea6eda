import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createPgDatabase, type TestDatabase } from '../fixtures/databases.js';
import { tempDir } from '../fixtures/tmp.js';

// better-sqlite3 is the driver MikroORM's SQLite package brings; read the file as it is on disk.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
  options: { readonly: boolean },
) => { prepare(sql: string): { all(): unknown[] }; close(): void };
const bin = resolve(import.meta.dirname, '../../bin/prizmai.js');
const dirs: ReturnType<typeof tempDir>[] = [];
let project: string;

beforeEach(() => {
  const dir = tempDir('prizmai-cli-');
  dirs.push(dir);
  project = dir.path;
});
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

/** Runs the built CLI in the temporary project, with none of the caller's PRIZMAI_* variables. */
function prizmai(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PRIZMAI_')));
  return execa('node', [bin, ...args], {
    cwd: project,
    env: { ...env, ...options.env },
    extendEnv: false,
    reject: false,
    input: options.input ?? '',
  });
}

describe('prizmai --version', () => {
  it("prints the package's own version, not the calling project's npm_package_version", async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    const result = await prizmai(['--version'], { env: { npm_package_version: '9.9.9' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

describe('prizmai migrate', () => {
  it('creates .prizmai/prizmai.db with every table and lists the migration as applied', async () => {
    const before = await prizmai(['migrate', '--status', '--json']);
    expect(before.exitCode).toBe(0);
    expect(JSON.parse(before.stdout)).toEqual({
      applied: [],
      pending: ['Migration20261124000000Initial', 'Migration20261202000000JobOutbox'],
    });

    const migrate = await prizmai(['migrate']);
    expect(migrate.exitCode, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('applied  Migration20261124000000Initial');
    expect(migrate.stdout).toContain('applied  Migration20261202000000JobOutbox');
    expect(existsSync(join(project, '.prizmai', 'prizmai.db'))).toBe(true);

    const status = await prizmai(['migrate', '--status']);
    expect(status.stdout).toMatch(/^applied {2}Migration20261124000000Initial {2}\d{4}-\d\d-\d\dT/m);
    const again = await prizmai(['migrate', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ applied: [] });
  });

  it.runIf(process.env.PRIZMAI_TEST_PG_URL)('does the same on PostgreSQL given PRIZMAI_DATABASE_URL', async () => {
    const database: TestDatabase = await createPgDatabase(process.env.PRIZMAI_TEST_PG_URL as string);
    try {
      const env = { PRIZMAI_DATABASE_URL: database.url };
      expect((await prizmai(['migrate'], { env })).exitCode).toBe(0);
      const status = await prizmai(['migrate', '--status', '--json'], { env });
      expect(JSON.parse(status.stdout)).toMatchObject({
        applied: [{ name: 'Migration20261124000000Initial' }, { name: 'Migration20261202000000JobOutbox' }],
        pending: [],
      });
      expect(existsSync(join(project, '.prizmai', 'prizmai.db'))).toBe(false);
    } finally {
      await database.drop();
    }
  });
});

describe('prizmai config', () => {
  it('prints the resolved config and the source of each value with precedence flag > env > file > default', async () => {
    writeFileSync(
      join(project, 'prizmai.config.mjs'),
      'export default { service: { port: 9001, host: "127.0.0.2" }, redis: { port: 7001 } };',
    );
    const result = await prizmai(['config', '--json', '--port', '9003'], {
      env: { PRIZMAI_PORT: '9002', PRIZMAI_REDIS_PORT: '7002' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const { config, sources } = JSON.parse(result.stdout);
    const liveness = { everyMs: 5000, timeoutMs: 5000, failures: 3 };
    expect(config.service).toEqual({
      host: '127.0.0.2',
      port: 9003,
      allowedOrigins: [],
      instances: 1,
      metrics: true,
      liveness,
    });
    expect(config.redis).toEqual({ url: null, port: 7002, bin: 'redis-server', liveness });
    expect(sources).toMatchObject({
      'service.liveness.everyMs': 'default',
      'service.port': 'flag',
      'redis.port': 'env',
      'service.host': 'file',
      'stop.timeoutMs': 'default',
      'redis.url': 'default',
    });
  });

  it('exits 2 naming the key and value for a bad file, env or flag value, and for a misspelt key', async () => {
    const flag = await prizmai(['config', '--port', '80a']);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain('service.port (from --port): expected an integer 1–65535, got "80a"');

    const env = await prizmai(['config'], { env: { PRIZMAI_REDIS_PORT: 'x' } });
    expect(env.exitCode).toBe(2);
    expect(env.stderr).toContain('redis.port (from PRIZMAI_REDIS_PORT): expected an integer 1–65535, got "x"');

    writeFileSync(join(project, 'prizmai.config.ts'), 'export default { stop: { timeoutMS: 5 } };');
    const typo = await prizmai(['config', '--json']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('stop.timeoutMS: unknown key (did you mean "timeoutMs"?)');
    expect(JSON.parse(typo.stdout).error.exit_code).toBe(2);
  });

  it('exits 2 before touching the database when the config is invalid', async () => {
    const result = await prizmai(['migrate'], { env: { PRIZMAI_DATABASE_URL: 'mysql://nope' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('database.url (from PRIZMAI_DATABASE_URL)');
    expect(existsSync(join(project, '.prizmai'))).toBe(false);
  });
});

describe('prizmai users add', () => {
  it('refuses to add a user to a database that is not migrated, naming the fix', async () => {
    for (const url of [`sqlite:${join(project, 'nothing-yet.db')}`, `sqlite:${join(project, 'empty.db')}`]) {
      if (url.endsWith('empty.db')) writeFileSync(join(project, 'empty.db'), '');
      const refused = await prizmai(['users', 'add', 'early'], { env: { PRIZMAI_DATABASE_URL: url } });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain('the database has pending migrations; run `prizmai migrate` first');
    }
  });

  it('creates a user and prints a token; refuses a duplicate and a bad name, changing nothing', async () => {
    expect((await prizmai(['migrate'])).exitCode).toBe(0);
    const added = await prizmai(['users', 'add', 'john.doe', '--password-stdin'], { input: 'correct horse battery\n' });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.stdout.trim()).toMatch(/^pzm_[A-Za-z0-9_-]{43}$/);

    const json = await prizmai(['users', 'add', 'Ann', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ user: { username: 'Ann', display_name: 'Ann' } });

    const duplicate = await prizmai(['users', 'add', 'JOHN.DOE']);
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.stderr).toContain('username "JOHN.DOE" is taken');

    const bad = await prizmai(['users', 'add', 'bad name!']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('username must be 1–150 letters');

    const short = await prizmai(['users', 'add', 'carol', '--password-stdin'], { input: 'short\n' });
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toContain('password must be 8–1024 characters');

    // The refused commands changed nothing: only the two users added above exist.
    const db = new Database(join(project, '.prizmai', 'prizmai.db'), { readonly: true });
    try {
      const rows = db.prepare('select username from users order by id').all() as { username: string }[];
      expect(rows.map((row) => row.username)).toEqual(['john.doe', 'Ann']);
    } finally {
      db.close();
    }
  });

  it('refuses to add a user before the database is migrated', async () => {
    const result = await prizmai(['users', 'add', 'alice']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('run `prizmai migrate` first');
  });
});
