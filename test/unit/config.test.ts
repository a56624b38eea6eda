import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.js';
import { loadConfig } from '../../config/load.js';
import { tempDir } from '../fixtures/tmp.js';

const packageRoot = resolve(import.meta.dirname, '../..');
let dir: ReturnType<typeof tempDir>;

beforeEach(() => {
  dir = tempDir('prizmai-config-');
  // A user project with prizmai installed: `import { defineConfig } from 'prizmai'` resolves here.
  mkdirSync(join(dir.path, 'node_modules'));
  symlinkSync(packageRoot, join(dir.path, 'node_modules', 'prizmai'));
});
afterEach(() => dir.remove());

function writeConfig(body: string, name = 'prizmai.config.ts'): string {
  const path = join(dir.path, name);
  writeFileSync(path, body);
  return path;
}

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).exitCode).toBe(2);
  return (error as ConfigError).problems;
}

describe('loadConfig', () => {
  it('serves /metrics by default only on a loopback host; an explicit value wins', async () => {
    const onLoopback = await loadConfig({ cwd: dir.path, env: { PRIZMAI_HOST: '127.0.0.2' } });
    expect(onLoopback.config.service.metrics).toBe(true);
    expect(onLoopback.sources['service.metrics']).toBe('default');
    const everywhere = await loadConfig({ cwd: dir.path, env: { PRIZMAI_HOST: '0.0.0.0' } });
    expect(everywhere.config.service.metrics).toBe(false);
    const lan = await loadConfig({ cwd: dir.path, env: { PRIZMAI_HOST: '192.168.1.20' } });
    expect(lan.config.service.metrics).toBe(false);
    writeConfig('export default { service: { metrics: true } };\n', 'prizmai.config.mjs');
    const asked = await loadConfig({ cwd: dir.path, env: { PRIZMAI_HOST: '0.0.0.0' } });
    expect(asked.config.service.metrics).toBe(true);
    expect(asked.sources['service.metrics']).toBe('file');
  });

  it('gives every default of SPEC §3 when nothing is configured', async () => {
    const { config, sources, file } = await loadConfig({ cwd: dir.path, env: {} });
    expect(file).toBeUndefined();
    expect(config.stateDir).toBe(join(dir.path, '.prizmai'));
    const liveness = { everyMs: 5000, timeoutMs: 5000, failures: 3 };
    expect(config.service).toEqual({
      host: '127.0.0.1',
      port: 8000,
      allowedOrigins: [],
      instances: 1,
      metrics: true,
      liveness,
    });
    expect(config.redis).toEqual({ port: 6390, bin: 'redis-server', liveness });
    expect(config.worker.liveness).toEqual(liveness);
    expect(config.beat.liveness).toEqual(liveness);
    expect(config.database.url).toBe(`sqlite:${join(dir.path, '.prizmai', 'prizmai.db')}`);
    expect(config.auth.registration).toBe('open');
    expect(config.stop.timeoutMs).toBe(10_000);
    expect(config.limits).toEqual({ postsPerSecond: 10, postBurst: 50, loginFailures: 10, connectionsPerUser: 20 });
    expect(config.worker.concurrency).toBeGreaterThan(0);
    expect(Object.keys(config.beat.schedules).sort()).toEqual([
      'notificationRetention',
      'presenceCleanup',
      'unreadDigest',
    ]);
    expect(new Set(Object.values(sources))).toEqual(new Set(['default']));
    expect(sources['database.url']).toBe('default');
  });

  it('reads a TypeScript config file written with defineConfig from the package', async () => {
    const path = writeConfig(`import { defineConfig } from 'prizmai';
const port: number = 9001;
export default defineConfig({ service: { port }, auth: { registration: 'closed' } });`);
    const { config, sources, file } = await loadConfig({ cwd: dir.path, env: {} });
    expect(file).toBe(path);
    expect(config.service.port).toBe(9001);
    expect(config.auth.registration).toBe('closed');
    expect(sources['service.port']).toBe('file');
    expect(sources['service.host']).toBe('default');
  });

  it('reads .mjs config files and --config paths', async () => {
    writeConfig('export default { redis: { port: 7001 } };', 'other.mjs');
    const { config, sources } = await loadConfig({ cwd: dir.path, env: {}, configFile: 'other.mjs' });
    expect(config.redis.port).toBe(7001);
    expect(sources['redis.port']).toBe('file');
  });

  it('applies precedence flag > env > file > default and records each source', async () => {
    writeConfig(
      `export default { service: { port: 9001, host: '127.0.0.2' }, redis: { port: 7001 }, stateDir: 'from-file' };`,
    );
    const { config, sources } = await loadConfig({
      cwd: dir.path,
      env: { PRIZMAI_PORT: '9002', PRIZMAI_REDIS_PORT: '7002', PRIZMAI_DATABASE_URL: 'postgres://u@h/db' },
      flags: { port: '9003' },
    });
    expect(config.service.port).toBe(9003);
    expect(sources['service.port']).toBe('flag');
    expect(config.redis.port).toBe(7002);
    expect(sources['redis.port']).toBe('env');
    expect(config.service.host).toBe('127.0.0.2');
    expect(sources['service.host']).toBe('file');
    expect(config.stateDir).toBe(join(dir.path, 'from-file'));
    expect(sources.stateDir).toBe('file');
    expect(config.database.url).toBe('postgres://u@h/db');
    expect(sources['database.url']).toBe('env');
    expect(config.stop.timeoutMs).toBe(10_000);
    expect(sources['stop.timeoutMs']).toBe('default');
  });

  it('derives the SQLite path from stateDir and resolves relative SQLite URLs', async () => {
    const a = await loadConfig({ cwd: dir.path, env: { PRIZMAI_STATE_DIR: 'state' } });
    expect(a.config.database.url).toBe(`sqlite:${join(dir.path, 'state', 'prizmai.db')}`);
    const b = await loadConfig({ cwd: dir.path, env: {}, flags: { databaseUrl: 'sqlite:data/x.db' } });
    expect(b.config.database.url).toBe(`sqlite:${join(dir.path, 'data', 'x.db')}`);
  });

  it('treats an empty environment variable as unset', async () => {
    const { config, sources } = await loadConfig({ cwd: dir.path, env: { PRIZMAI_PORT: '' } });
    expect(config.service.port).toBe(8000);
    expect(sources['service.port']).toBe('default');
  });

  it('names the key, the value and what was expected for a bad env value', async () => {
    const problems = await problemsOf(loadConfig({ cwd: dir.path, env: { PRIZMAI_PORT: '80a' } }));
    expect(problems).toEqual(['service.port (from PRIZMAI_PORT): expected an integer 1–65535, got "80a"']);
  });

  it('names the flag for a bad flag value', async () => {
    const problems = await problemsOf(loadConfig({ cwd: dir.path, env: {}, flags: { redisPort: '70000' } }));
    expect(problems).toEqual(['redis.port (from --redis-port): expected an integer 1–65535, got 70000']);
  });

  it('reports every bad value of a config file', async () => {
    writeConfig(`export default {
      service: { port: 'eighty', allowedOrigins: 'https://a.example' },
      auth: { registration: 'maybe' },
      limits: { postsPerSecond: -1 },
      database: { url: 'mysql://x' },
    };`);
    const problems = await problemsOf(loadConfig({ cwd: dir.path, env: {} }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'service.port (from the config file): expected an integer 1–65535, got "eighty"',
        'service.allowedOrigins (from the config file): expected a list of origins, got "https://a.example"',
        'auth.registration (from the config file): expected "open" or "closed", got "maybe"',
        'limits.postsPerSecond (from the config file): expected a number ≥ 0 (0 turns the limit off), got -1',
        'database.url (from the config file): expected sqlite:<path> or postgres://…, got "mysql://x"',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('liveness per process: false turns it off, a partial object keeps the other defaults, a bad one is refused', async () => {
    writeConfig('export default { service: { liveness: false }, worker: { liveness: { failures: 5 } } };', 'a.mjs');
    const { config, sources } = await loadConfig({ cwd: dir.path, env: {}, configFile: 'a.mjs' });
    expect(config.service.liveness).toBe(false);
    expect(sources['service.liveness']).toBe('file');
    expect(config.worker.liveness).toEqual({ everyMs: 5000, timeoutMs: 5000, failures: 5 });
    expect(config.redis.liveness).toEqual({ everyMs: 5000, timeoutMs: 5000, failures: 3 });

    writeConfig('export default { beat: { liveness: { everyMs: 10 } }, redis: { liveness: "off" } };', 'b.mjs');
    const problems = await problemsOf(loadConfig({ cwd: dir.path, env: {}, configFile: 'b.mjs' }));
    expect(problems).toContainEqual(
      expect.stringMatching(/^beat\.liveness\.everyMs \(from the config file\): expected an integer 100–/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^redis\.liveness \(from the config file\): expected false or \{ everyMs, timeoutMs, failures \}/,
      ),
    );
  });

  it('refuses a misspelt key and suggests the right one', async () => {
    writeConfig(`export default { service: { prot: 9000 }, redsi: {} };`);
    const problems = await problemsOf(loadConfig({ cwd: dir.path, env: {} }));
    expect(problems).toContainEqual(expect.stringMatching(/^service\.prot: unknown key \(did you mean "port"\?\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^redsi: unknown key \(did you mean "redis"\?\)/));
  });

  it('refuses a config file that does not export an object, and one that does not load', async () => {
    writeConfig('export default 42;');
    expect((await problemsOf(loadConfig({ cwd: dir.path, env: {} })))[0]).toMatch(
      /expected a default export of defineConfig\(\{\.\.\.\}\), got 42/,
    );
    writeConfig('export default { ;');
    expect((await problemsOf(loadConfig({ cwd: dir.path, env: {} })))[0]).toMatch(/could not be loaded/);
  });

  it('refuses a --config file that does not exist', async () => {
    const problems = await problemsOf(loadConfig({ cwd: dir.path, env: {}, configFile: 'nope.ts' }));
    expect(problems).toEqual(['--config: file not found, got "nope.ts"']);
  });
});

describe('stateDirOfConfigFile', () => {
  it("finds the config file's state dir, relative to the file, without validating the rest", async () => {
    const { stateDirOfConfigFile } = await import('../../config/file.js');
    expect(await stateDirOfConfigFile(dir.path)).toBe(join(dir.path, '.prizmai'));
    writeConfig(`const dir: string = 'custom-state'; export default { stateDir: dir, service: { prot: 1 } };`);
    expect(await stateDirOfConfigFile(dir.path)).toBe(join(dir.path, 'custom-state'));
    writeConfig(`export default { stateDir: '/abs/state' };`, 'other.mjs');
    expect(await stateDirOfConfigFile(dir.path, 'other.mjs')).toBe('/abs/state');
  });
});
