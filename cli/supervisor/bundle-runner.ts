// Runs a one-file CommonJS build (scripts/bundle.mjs) through a V8 code cache: without one, V8 parses
// and compiles the whole bundle on every start; with one it deserializes the compiled code instead. The
// cache is keyed by the bundle's size and mtime and Node's version, and written once the program has
// run for a moment (or, for a short-lived one, as it exits), so it holds the functions start-up
// compiled lazily too. V8 rejects a cache from other flags or another build of itself; then the bundle
// simply compiles, and the cache is written afresh.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How long after loading the cache of a long-running process is written: past its start-up. */
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

/**
 * Runs `bundle` as a CommonJS module, through the code cache in `cacheDir` when there is one, and
 * answers its exports. `writeCache`: `later` for a long-running process, `atExit` for a command.
 */
export function runBundle(
  bundle: string,
  cacheDir: string | undefined,
  writeWhen: 'later' | 'atExit' = 'later',
): Record<string, unknown> {
  const cacheFile = cacheDir ? cacheFileOf(cacheDir, bundle) : undefined;
  const cachedData = readCache(cacheFile);
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    if (writeWhen === 'atExit') process.once('exit', () => writeCache(script, bundle, cacheFile));
    else setTimeout(() => writeCache(script, bundle, cacheFile), WRITE_AFTER_MS).unref();
  }
  return module.exports as Record<string, unknown>;
}
