// `prizmai doctor` (issue #11) against the real thing: a PATH without redis-server, a port held by
// another process, a database with pending migrations, a stale daemon, an invalid config — each
// reported with its fix and exit 1 — and a running stack, whose own ports and daemon pass.

import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStack, type TestStack } from '../fixtures/cli.js';
import { tempDir } from '../fixtures/tmp.js';

interface Report {
  ok: boolean;
  checks: { name: string; status: 'ok' | 'fail' | 'skip'; detail: string; fix?: string }[];
}

describe('prizmai doctor', () => {
  let stack: TestStack;
  const empty = tempDir('prizmai-doctor-path-');
  const doctor = async (args: string[] = [], env: Record<string, string> = {}) => {
    const result = await stack.cli(['doctor', '--json', ...args], { env });
    return { exitCode: result.exitCode, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
  };
  const check = (report: Report, name: string) => report.checks.find((c) => c.name === name);

  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(async () => {
    await stack?.cleanup();
    empty.remove();
  });

  it('a fresh project passes every check, in order, and prints each with ✓', async () => {
    const { exitCode, report } = await doctor();
    expect(exitCode).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual([
      'node',
      'redis',
      `port ${stack.port}`,
      `port ${stack.redisPort}`,
      'state dir',
      'database',
      'daemon',
      'config',
    ]);
    expect(report.checks.every((c) => c.status === 'ok')).toBe(true);
    const text = await stack.cli(['doctor']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^✓ node: Node\.js \d+/m);
    expect(text.stdout).toContain('✓ redis: redis-server is Redis');
  });

  it('redis-server missing from PATH: ✗ with how to install it, exit 1', async () => {
    const { exitCode, report } = await doctor([], { PATH: empty.path });
    expect(exitCode).toBe(1);
    expect(report.ok).toBe(false);
    const redis = check(report, 'redis');
    expect(redis?.status).toBe('fail');
    expect(redis?.detail).toBe('redis-server not found on PATH (redis.bin)');
    expect(redis?.fix).toContain('apt install redis-server');
    expect(redis?.fix).toContain('redis.url');
    const text = await stack.cli(['doctor'], { env: { PATH: empty.path } });
    expect(text.stdout).toMatch(/^✗ redis: redis-server not found on PATH/m);
    expect(text.stdout).toMatch(/^ {4}fix: install it/m);
  });

  it('a port held by another process: ✗ naming the holder and the flag to change it', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(stack.port, '127.0.0.1', () => resolve()));
    try {
      const { exitCode, report } = await doctor();
      expect(exitCode).toBe(1);
      const port = check(report, `port ${stack.port}`);
      expect(port?.status).toBe('fail');
      expect(port?.detail).toContain(`service.port ${stack.port} is in use by pid ${process.pid}`);
      expect(port?.fix).toContain('--port <port>');
      expect(check(report, `port ${stack.redisPort}`)?.status).toBe('ok');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('pending migrations: ✗ listing them, with prizmai migrate as the fix; migrate mends it', async () => {
    const dir = join(stack.dir, 'db');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'empty.db');
    writeFileSync(file, ''); // an empty SQLite database: no migration applied
    const url = `sqlite:${file}`;
    const { exitCode, report } = await doctor(['--database-url', url]);
    expect(exitCode).toBe(1);
    const database = check(report, 'database');
    expect(database?.status).toBe('fail');
    expect(database?.detail).toMatch(/2 pending migrations \(Migration\d+/);
    expect(database?.fix).toBe('run prizmai migrate (prizmai start also applies them)');
    expect((await stack.cli(['migrate', '--database-url', url])).exitCode).toBe(0);
    const mended = await doctor(['--database-url', url]);
    expect(check(mended.report, 'database')?.detail).toMatch(/answers; all 2 migrations applied/);
    expect(mended.exitCode).toBe(0);
  });

  it('an invalid config: ✗ naming the key, the checks that need it skipped, exit 1', async () => {
    writeFileSync(join(stack.dir, 'prizmai.config.mjs'), 'export default { service: { prot: 1 } };\n');
    try {
      const { exitCode, report } = await doctor();
      expect(exitCode).toBe(1);
      const config = check(report, 'config');
      expect(config?.status).toBe('fail');
      expect(config?.detail).toContain('service.prot: unknown key (did you mean "port"?)');
      expect(check(report, 'node')?.status).toBe('ok');
      expect(check(report, 'database')?.status).toBe('skip');
    } finally {
      writeFileSync(join(stack.dir, 'prizmai.config.mjs'), 'export default {};\n');
    }
  });

  it('the same port for the service and Redis, and a PostgreSQL database that is not there: ✗ each', async () => {
    const same = await doctor(['--redis-port', String(stack.port)]);
    expect(same.exitCode).toBe(1);
    expect(check(same.report, `port ${stack.port}`)?.detail).toBe(`service.port and redis.port are both ${stack.port}`);
    const pg = process.env.PRIZMAI_TEST_PG_URL;
    if (!pg) return;
    const missing = pg.replace(/\/[^/]*$/, '/prizmai_no_such_database');
    const { exitCode, report } = await doctor(['--database-url', missing]);
    expect(exitCode).toBe(1);
    // Not "pending migrations": the database itself is missing.
    expect(check(report, 'database')?.detail).toMatch(
      /cannot be reached: database "prizmai_no_such_database" does not exist/,
    );
  });

  it('a running stack: its own ports and its daemon pass; a dead daemon is reported stale', async () => {
    // Two service instances: the supervisor itself holds the service port (node:cluster).
    writeFileSync(join(stack.dir, 'prizmai.config.mjs'), 'export default { service: { instances: 2 } };\n');
    const started = await stack.cli(['start']);
    expect(started.exitCode, started.stderr).toBe(0);
    const { exitCode, report } = await doctor();
    expect(exitCode, JSON.stringify(report)).toBe(0);
    expect(check(report, `port ${stack.port}`)?.detail).toMatch(
      /held by this stack's supervisor \(pid \d+\) for its service instances/,
    );
    expect(check(report, `port ${stack.redisPort}`)?.detail).toMatch(/held by this stack's redis/);
    expect(check(report, 'daemon')?.detail).toMatch(/^running \(pid \d+\) and answering/);

    const status = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { daemon: { pid: number } };
    process.kill(status.daemon.pid, 'SIGKILL');
    const stale = await doctor();
    expect(stale.exitCode).toBe(1);
    expect(check(stale.report, 'daemon')?.detail).toMatch(/^stale state: the supervisor \(pid \d+\) is gone/);
    expect(check(stale.report, 'daemon')?.fix).toContain('prizmai stop');
    expect(check(stale.report, `port ${stack.port}`)?.status).toBe('ok');
    expect((await stack.cli(['stop'])).exitCode).toBe(0);
  }, 60_000);
});
