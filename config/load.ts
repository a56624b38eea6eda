import { dirname, isAbsolute, resolve } from 'node:path';
import { defaults } from './defaults.js';
import { ConfigError } from './errors.js';
import { findConfigFile, readConfigFile } from './file.js';
import { describeValue, getPath, isPlainObject, mergeLayers, type Plain, setPath } from './layers.js';
import { envOverrides, flagOverrides, numericKeys } from './overrides.js';
import { configSchema } from './schema.js';
import type { LoadedConfig, ResolvedConfig, ValueSource } from './types.js';

export interface LoadOptions {
  /** `--config <file>`; when unset, prizmai.config.{ts,mts,js,mjs} in `cwd` is used if present. */
  configFile?: string | undefined;
  /** Parsed CLI options; the keys of `flagOverrides` that are set become the flag layer. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The pipeline: find the file → read it → layer file, env and flags over defaults → validate → derive. */
export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = findConfigFile(cwd, options.configFile);
  const fileValues = file ? await readConfigFile(file) : {};
  const { merged, sources } = mergeLayers([
    { source: 'default', values: defaults as Plain },
    { source: 'file', values: fileValues },
    { source: 'env', values: envLayer(env) },
    { source: 'flag', values: flagLayer(options.flags ?? {}) },
  ]);
  const config = validate(merged, sources, env, fileValues);
  return { config: derive(config, file ? dirname(file) : cwd, sources), sources, file };
}

function coerce(key: string, raw: string): unknown {
  if (numericKeys.has(key) && /^-?\d+(\.\d+)?$/.test(raw.trim())) return Number(raw);
  return raw;
}

function envLayer(env: NodeJS.ProcessEnv): Plain {
  const layer: Plain = {};
  for (const [key, name] of Object.entries(envOverrides)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') setPath(layer, key, coerce(key, raw));
  }
  return layer;
}

function flagLayer(flags: Record<string, unknown>): Plain {
  const layer: Plain = {};
  for (const [key, { option }] of Object.entries(flagOverrides)) {
    const raw = flags[option];
    if (raw !== undefined) setPath(layer, key, typeof raw === 'string' ? coerce(key, raw) : raw);
  }
  return layer;
}

function origin(key: string, sources: Record<string, ValueSource>, env: NodeJS.ProcessEnv): string {
  const source = sources[key];
  if (source === 'env' && envOverrides[key] && env[envOverrides[key]] !== undefined)
    return ` (from ${envOverrides[key]})`;
  if (source === 'flag' && flagOverrides[key]) return ` (from ${flagOverrides[key].flag})`;
  if (source === 'file') return ' (from the config file)';
  return '';
}

function validate(
  merged: Plain,
  sources: Record<string, ValueSource>,
  env: NodeJS.ProcessEnv,
  fileValues: Plain,
): ResolvedConfig {
  // Env and flag layers are built from known keys only, so the file is where a typo can hide.
  const problems = unknownKeys(fileValues, knownShape);
  const result = configSchema.safeParse(merged);
  if (result.success && problems.length === 0) return result.data as ResolvedConfig;
  for (const issue of result.error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') continue; // reported by unknownKeys, with suggestions
    const path = issue.path.map(String).join('.');
    problems.push(
      `${path}${origin(path, sources, env)}: ${issue.message}, got ${describeValue(getPath(merged, issue.path))}`,
    );
  }
  throw new ConfigError(problems);
}

/** Every key that the schema does not know, at any depth, with the closest known key as a hint. */
function unknownKeys(values: Plain, shape: Plain, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const where = prefix ? `${prefix}.${key}` : key;
    if (!Object.hasOwn(shape, key)) {
      const known = Object.keys(shape);
      const hint = suggest(key, known);
      return [`${where}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; known keys here: ${known.join(', ')}`];
    }
    const inner = shape[key];
    return isPlainObject(value) && isPlainObject(inner) ? unknownKeys(value, inner, where) : [];
  });
}

// The shape of every known key, for naming alternatives to an unknown one.
const knownShape: Plain = {
  ...defaults,
  service: { ...defaults.service, metrics: undefined },
  redis: { url: undefined, ...defaults.redis },
  database: { url: undefined },
};

function suggest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  const tolerance = key.length <= 3 ? 1 : 2;
  return known.find((candidate) => distance(candidate.toLowerCase(), lower) <= tolerance);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** Absolute state dir; the SQLite URL derived from it when no database URL is set. */
function derive(config: ResolvedConfig, root: string, sources: Record<string, ValueSource>): ResolvedConfig {
  const stateDir = isAbsolute(config.stateDir) ? config.stateDir : resolve(root, config.stateDir);
  let url = config.database.url ?? `sqlite:${resolve(stateDir, 'prizmai.db')}`;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:' && !isAbsolute(path)) url = `sqlite:${resolve(root, path)}`;
  }
  if (!sources['database.url']) sources['database.url'] = 'default';
  // Metrics carry no auth: served by default only where only this machine can ask for them.
  const metrics = config.service.metrics ?? isLoopback(config.service.host);
  if (!sources['service.metrics']) sources['service.metrics'] = 'default';
  if (!sources['redis.url']) sources['redis.url'] = 'default';
  return { ...config, stateDir, service: { ...config.service, metrics }, database: { url } };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
