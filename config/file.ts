import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CONFIG_FILE_NAMES, defaults } from './defaults.js';
import { ConfigError } from './errors.js';
import { describeValue, isPlainObject, type Plain } from './layers.js';

// Finding and reading the config file: no zod here, so `status` can locate the state dir cheaply.

export function findConfigFile(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError([`--config: file not found, got "${explicit}"`]);
    return path;
  }
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

export async function readConfigFile(path: string): Promise<Plain> {
  let exported: unknown;
  try {
    // jiti compiles TypeScript config files on the fly, so users need no TS toolchain at run time.
    const { createJiti } = await import('jiti');
    exported = await createJiti(import.meta.url, { moduleCache: false }).import(path, { default: true });
  } catch (error) {
    throw new ConfigError([`${path}: could not be loaded: ${(error as Error).message}`]);
  }
  if (!isPlainObject(exported)) {
    throw new ConfigError([
      `${path}: expected a default export of defineConfig({...}), got ${describeValue(exported)}`,
    ]);
  }
  return exported;
}

/**
 * The state dir of the config file in `cwd` (or `configFile`), without validating the rest of the
 * config: what `status`, `stop` and `logs` need to find a running stack, at half the cost of a full load.
 */
export async function stateDirOfConfigFile(cwd: string, configFile?: string): Promise<string> {
  const file = findConfigFile(cwd, configFile);
  const values = file ? await readConfigFile(file) : {};
  const stateDir = typeof values.stateDir === 'string' && values.stateDir ? values.stateDir : defaults.stateDir;
  return isAbsolute(stateDir) ? stateDir : resolve(file ? dirname(file) : cwd, stateDir);
}
