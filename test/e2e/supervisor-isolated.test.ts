// `prizmai run --isolated`: parallel CI jobs on one machine, from one checkout, never collide.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prizmai, processesMentioning } from '../fixtures/cli.js';
import { tempDir } from '../fixtures/tmp.js';

const checkout = resolve(import.meta.dirname, '../..');
const tmp = tempDir('prizmai-isolated-');

afterAll(() => {
  for (const pid of processesMentioning(tmp.path)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  tmp.remove();
});

describe('prizmai run --isolated', () => {
  it('two runs started at the same moment both pass, each on its own ports, and leave no state dir behind', async () => {
    // Each job prints its addresses and checks that its own service answers.
    const script = `
      fetch(process.env.PRIZMAI_URL + '/healthz').then((r) => {
        console.log(JSON.stringify({ url: process.env.PRIZMAI_URL, redis: process.env.PRIZMAI_REDIS_URL,
          db: process.env.PRIZMAI_DATABASE_URL }));
        process.exit(r.status === 200 ? 0 : 1);
      });`;
    // TMPDIR points the throw-away state dirs at a directory this test can inspect.
    const env = { TMPDIR: tmp.path };
    const [a, b] = await Promise.all([
      prizmai(['run', '--isolated', '--', 'node', '-e', script], { cwd: checkout, env }),
      prizmai(['run', '--isolated', '--', 'node', '-e', script], { cwd: checkout, env }),
    ]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const first = JSON.parse(a.stdout.trim().split('\n').pop() as string);
    const second = JSON.parse(b.stdout.trim().split('\n').pop() as string);
    expect(first.url).not.toBe(second.url);
    expect(first.redis).not.toBe(second.redis);
    expect(first.db).not.toBe(second.db);
    for (const job of [first, second]) {
      expect(job.url).not.toMatch(/:8000$/);
      expect(job.redis).not.toMatch(/:(6379|6390)$/);
      expect(job.db).toContain(tmp.path);
    }
    expect(readdirSync(tmp.path).filter((f) => f.startsWith('prizmai-run-'))).toEqual([]);
    expect(processesMentioning(tmp.path)).toEqual([]);
  });

  it.runIf(process.env.PRIZMAI_TEST_PG_URL)(
    'on PostgreSQL, runs on a fresh database of its own and drops it afterwards',
    async () => {
      const base = process.env.PRIZMAI_TEST_PG_URL as string;
      const script = `
        fetch(process.env.PRIZMAI_URL + '/healthz').then((r) => {
          console.log(process.env.PRIZMAI_DATABASE_URL);
          process.exit(r.status === 200 ? 0 : 1);
        });`;
      const result = await prizmai(['run', '--isolated', '--', 'node', '-e', script], {
        cwd: checkout,
        env: { TMPDIR: tmp.path, PRIZMAI_DATABASE_URL: base },
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const used = new URL(result.stdout.trim().split('\n').pop() as string);
      const name = used.pathname.slice(1);
      expect(name).toMatch(/^prizmai_run_[0-9a-f]{12}$/);
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        const { rows } = await client.query('select 1 from pg_database where datname = $1', [name]);
        expect(rows).toEqual([]);
      } finally {
        await client.end();
      }
      expect(processesMentioning(tmp.path)).toEqual([]);
    },
  );
});
