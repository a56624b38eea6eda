// The CLI's side of the control channel: find the state dir, talk to the daemon, spawn one.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESOLVED_CONFIG_ENV } from '../../config/runtime.js';
import type { ResolvedConfig } from '../../config/types.js';
import { CliError } from '../errors.js';
import { controlPath, daemonSpawnOptions, isSameProcess, pidExists } from '../platform.js';
import { DAEMON_NAMES_ENV } from './daemon-env.js';
import { type Command, call, DaemonError, DaemonUnreachable } from './ipc.js';
import { CODE_CACHE_DIR_ENV, statePaths } from './paths.js';
import { makePrivateDirs } from './private-files.js';
import { packageVersion } from './version.js';

export interface StateDirOptions {
  config?: string | undefined;
  stateDir?: unknown;
}

/**
 * The absolute state dir, cheaply: `--state-dir` and PRIZMAI_STATE_DIR override the config file, so
 * when either is set the file need not be loaded (`status` stays fast). Otherwise the config file's.
 */
export async function locateStateDir(options: StateDirOptions, env = process.env): Promise<string> {
  const given = typeof options.stateDir === 'string' ? options.stateDir : env.PRIZMAI_STATE_DIR || undefined;
  if (given) {
    if (isAbsolute(given)) return given;
    const root = options.config ? dirname(resolve(options.config)) : process.cwd();
    return resolve(root, given);
  }
  const { stateDirOfConfigFile } = await import('../../config/file.js');
  return stateDirOfConfigFile(process.cwd(), options.config);
}

export interface DaemonCall {
  version: string;
  value: unknown;
}

/** Sends a command to the daemon of `stateDir`; rejects with DaemonUnreachable when none answers. */
export function send(
  stateDir: string,
  command: Command,
  extra: { names?: string[]; timeoutMs?: number } = {},
  onEvent?: (event: unknown) => void,
): Promise<DaemonCall> {
  return call(controlPath(stateDir), { version: packageVersion(), command, ...extra }, onEvent);
}

/** The daemon's pid and version when one answers, else undefined. */
export async function hello(stateDir: string): Promise<{ pid: number; version: string } | undefined> {
  try {
    const { value } = await send(stateDir, 'hello');
    return value as { pid: number; version: string };
  } catch (error) {
    if (error instanceof DaemonUnreachable) return undefined;
    throw error;
  }
}

export { DaemonError, DaemonUnreachable };

/** A daemon of another version: reported with what to do, never a hang. */
export function versionMismatch(daemonVersion: string): CliError | undefined {
  if (daemonVersion === packageVersion()) return undefined;
  return new CliError(
    `the running supervisor is prizmai ${daemonVersion} but this CLI is ${packageVersion()}; ` +
      'run `prizmai stop` and then `prizmai start` to restart the stack on this version',
  );
}

const daemonEntry = fileURLToPath(new URL('./daemon.js', import.meta.url));
const daemonBundle = fileURLToPath(new URL('../../bundles/daemon.cjs', import.meta.url));
const bundleLoader = fileURLToPath(new URL('./bundle-loader.js', import.meta.url));

/** The daemon's command line: its one-file build through the code cache when built (a quicker start). */
function daemonCommand(stateDir: string): { args: string[]; env: Record<string, string> } {
  if (!existsSync(daemonBundle)) return { args: [daemonEntry], env: {} };
  return { args: [bundleLoader, daemonBundle], env: { [CODE_CACHE_DIR_ENV]: statePaths(stateDir).codeCacheDir } };
}

/** Starts the daemon detached and resolves once its control channel listens (or it refused). */
export function spawnDaemon(
  config: ResolvedConfig,
  names: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ pid: number }> {
  const { daemonLog, logsDir } = statePaths(config.stateDir);
  makePrivateDirs(logsDir);
  const out = openSync(daemonLog, 'a', 0o600);
  try {
    const command = daemonCommand(config.stateDir);
    const child = spawn(process.execPath, command.args, {
      cwd: config.stateDir,
      env: {
        ...env,
        ...command.env,
        [RESOLVED_CONFIG_ENV]: JSON.stringify(config),
        [DAEMON_NAMES_ENV]: JSON.stringify(names),
      },
      stdio: ['ignore', out, out, 'ipc'],
      ...daemonSpawnOptions,
    });
    return new Promise((resolvePromise, reject) => {
      const detach = () => {
        child.removeAllListeners();
        if (child.connected) child.disconnect();
        child.unref();
      };
      child.once('message', (message: { type: string; code?: string; message?: string; pid?: number }) => {
        detach();
        if (message.type === 'listening') resolvePromise({ pid: message.pid ?? (child.pid as number) });
        else
          reject(Object.assign(new Error(message.message ?? 'the supervisor failed to start'), { code: message.code }));
      });
      child.once('error', (error) => {
        detach();
        reject(error);
      });
      child.once('exit', (code, signal) => {
        detach();
        reject(new Error(`the supervisor exited at once (${signal ?? `code ${code}`}); see ${daemonLog}`));
      });
    });
  } finally {
    closeSync(out);
  }
}

/** Waits until process `pid` (started at `startTime`, when known) is gone. */
export async function waitGone(pid: number, startTime: number | null | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidExists(pid) || (startTime && !isSameProcess(pid, startTime))) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}
