// The loader of the supervised processes (cli/supervisor/bundle-loader.ts), run as a real child process
// on real bundles: CommonJS semantics, and a V8 code cache that is written once, reused, and replaced
// when it is corrupt or its bundle was rebuilt.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/tmp.js';

const loader = fileURLToPath(new URL('../../dist/cli/supervisor/bundle-loader.js', import.meta.url));

let dir: { path: string; remove: () => void };
let bundle: string;
let cacheDir: string;

/** A bundle that reports what it sees, and stays alive `aliveMs` (the cache is written after 1.5 s). */
function writeBundle(aliveMs: number, marker = 'v1'): void {
  writeFileSync(
    bundle,
    `"use strict";
const helper = require('./helper.cjs');
process.stdout.write(JSON.stringify({ marker: ${JSON.stringify(marker)}, argv: process.argv.slice(1),
  filename: __filename, dirname: __dirname, helper: helper(), strict: (function () { return this; })() === undefined }));
setTimeout(() => {}, ${aliveMs});
`,
  );
}

function runLoader(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [loader, bundle, '--flag'],
      { env: { ...process.env, ...env }, timeout: 15_000 },
      (error, stdout, stderr) => resolve({ code: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
    );
  });
}

const cacheFiles = () => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((name) => name.endsWith('.v8')) : []);

beforeAll(() => {
  dir = tempDir('prizmai-loader-');
  bundle = join(dir.path, 'app.cjs');
  cacheDir = join(dir.path, 'cache');
  writeFileSync(join(dir.path, 'helper.cjs'), 'module.exports = () => "helped";\n');
});

afterAll(() => dir.remove());

describe('bundle loader', () => {
  it('runs a bundle as CommonJS: its argv, __filename, __dirname, relative require and strict mode', async () => {
    writeBundle(0);
    const run = await runLoader({ PRIZMAI_CODE_CACHE_DIR: '' });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      marker: 'v1',
      argv: [bundle, '--flag'],
      filename: bundle,
      dirname: dir.path,
      helper: 'helped',
      strict: true,
    });
    expect(cacheFiles()).toEqual([]);
  });

  it('takes a bundle path relative to the working directory, and refuses a missing one with usage', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [loader, ...args], { cwd: dir.path }, (error, stdout, stderr) =>
          resolve({ code: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
        );
      });
    const relative = await run(['app.cjs']);
    expect(relative.code, relative.stderr).toBe(0);
    expect(JSON.parse(relative.stdout).filename).toBe(bundle);
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('usage: node bundle-loader.js <bundle.cjs>');
  });

  it('writes a code cache once the process has run a moment; the next start uses it as it is', async () => {
    writeBundle(1800);
    const first = await runLoader({ PRIZMAI_CODE_CACHE_DIR: cacheDir });
    expect(first.code, first.stderr).toBe(0);
    const [cache] = cacheFiles();
    expect(cache).toMatch(new RegExp(`^app\\.cjs\\.\\d+-\\d+-${process.version}-${process.arch}\\.v8$`));
    const written = statSync(join(cacheDir, cache as string));
    expect(written.size).toBeGreaterThan(0);

    const second = await runLoader({ PRIZMAI_CODE_CACHE_DIR: cacheDir });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).helper).toBe('helped');
    // Accepted by V8, so not written again.
    expect(statSync(join(cacheDir, cache as string)).mtimeMs).toBe(written.mtimeMs);
  });

  it('a corrupt cache is rejected and replaced, and the bundle still runs', async () => {
    const [cache] = cacheFiles();
    const path = join(cacheDir, cache as string);
    writeFileSync(path, 'not a code cache');
    const run = await runLoader({ PRIZMAI_CODE_CACHE_DIR: cacheDir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).marker).toBe('v1');
    expect(readFileSync(path, 'utf8')).not.toBe('not a code cache');
    expect(statSync(path).size).toBeGreaterThan(100);
  });

  it('a rebuilt bundle runs its new code, gets a cache of its own, and the old cache is removed', async () => {
    const [old] = cacheFiles();
    writeBundle(1800, 'v2');
    // Same length as before is possible for a real rebuild; the key (size and mtime) still changes.
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    const run = await runLoader({ PRIZMAI_CODE_CACHE_DIR: cacheDir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).marker).toBe('v2');
    const now = cacheFiles();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
  });

  it('with --enable-source-maps, stack traces point into the sources', async () => {
    const { buildSync } = await import('esbuild');
    writeFileSync(join(dir.path, 'lib.ts'), 'export function boom(): never {\n  throw new Error("boom");\n}\n');
    writeFileSync(join(dir.path, 'main.ts'), 'import { boom } from "./lib";\nboom();\n');
    const mapped = join(dir.path, 'mapped.cjs');
    buildSync({
      entryPoints: [join(dir.path, 'main.ts')],
      outfile: mapped,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      sourcemap: 'linked',
    });
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        execFile(process.execPath, [loader, mapped], { env: { ...process.env, ...env } }, (_error, _stdout, stderr) =>
          resolve(stderr),
        );
      });
    expect(await run({ NODE_OPTIONS: '--enable-source-maps' })).toContain(`${join(dir.path, 'lib.ts')}:2:`);
    expect(await run({ NODE_OPTIONS: '' })).toContain(`${mapped}:`);
  });

  it('a cache directory that cannot be created only means no cache', async () => {
    const blocked = join(dir.path, 'a-file');
    writeFileSync(blocked, '');
    writeBundle(1800, 'v3');
    const run = await runLoader({ PRIZMAI_CODE_CACHE_DIR: join(blocked, 'cache') });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).marker).toBe('v3');
  });
});
