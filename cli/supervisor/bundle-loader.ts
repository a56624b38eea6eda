// The entry point of the supervised Node.js processes: `node bundle-loader.js <bundle.cjs>` runs a
// one-file CommonJS build of the service, worker or beat (scripts/bundle.mjs) with a V8 code cache.
// Without one, V8 parses and compiles ~3 MB of JavaScript (MikroORM, knex, BullMQ, Hono…) on every start
// and crash restart; with one it deserializes the compiled code instead — a third of the load time.
// The cache lives in PRIZMAI_CODE_CACHE_DIR (the supervisor sets <stateDir>/cache), is keyed by the
// bundle's size and mtime and Node's version, and is written once the process has run for a moment, so
// it holds the functions start-up compiled lazily too. V8 rejects a cache from other flags or another
// build of itself; then the bundle simply compiles, and the cache is written afresh.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { CODE_CACHE_DIR_ENV } from './paths.js';

/** How long after loading the cache is written: past start-up, so lazily compiled code is included. */
const WRITE_AFTER_MS = 1500;

function cacheFileOf(cacheDir: string, bundle: string): string {
  const { size, mtimeMs } = statSync(bundle);
  return join(cacheDir, `${basename(bundle)}.${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`);
}

function readCache(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically and drops the caches of earlier builds of the same bundle. */
function writeCache(script: Script, bundle: string, file: string): void {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir)) {
      if (old.startsWith(`${basename(bundle)}.`) && old.endsWith('.v8') && join(dir, old) !== file) {
        rmSync(join(dir, old), { force: true });
      }
    }
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
  } catch {
    // A cache is an optimisation: a read-only or full disk only means the next start compiles again.
  }
}

/** Runs `bundle` as a CommonJS module, through the code cache when there is one. */
function runBundle(bundle: string, cacheDir = process.env[CODE_CACHE_DIR_ENV]): void {
  const cacheFile = cacheDir ? cacheFileOf(cacheDir, bundle) : undefined;
  const cachedData = readCache(cacheFile);
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    setTimeout(() => writeCache(script, bundle, cacheFile), WRITE_AFTER_MS).unref();
  }
}

if (!process.argv[2]) {
  process.stderr.write('usage: node bundle-loader.js <bundle.cjs>\n');
  process.exit(2);
}
const bundle = resolve(process.argv[2]);
// The bundle sees the argv it would have had when run directly: [node, bundle, ...args].
process.argv.splice(1, 1);
if (process.sourceMapsEnabled) {
  // Node maps stack traces only for modules its own loader compiled (not vm.Script): with
  // --enable-source-maps, errors point into the TypeScript sources, at the price of the code cache.
  createRequire(import.meta.url)(bundle);
} else {
  runBundle(bundle);
}
