import { mkdirSync } from 'node:fs';
import type { Server } from 'node:net';
import { redisUrlFor } from '../../config/managed-redis.js';
import type { ResolvedConfig } from '../../config/types.js';
import { controlPath, controlPathIsFile, processStartTime } from '../platform.js';
import { type ControlRequest, serveControl } from './ipc.js';
import { statePaths } from './paths.js';
import { makeStatePrivate } from './private-files.js';
import { serviceUrl, stackSpecs } from './specs.js';
import { corruptStateAdvice, inspectState } from './stale.js';
import { claimState, removeState, type StateFile, writeState } from './state.js';
import { Supervisor } from './supervisor.js';
import type { StackStatus } from './types.js';
import { packageVersion } from './version.js';

export interface HostOptions {
  config: ResolvedConfig;
  /** Processes to start at once (all when empty). */
  names: string[];
  foreground: boolean;
  onLine?: (name: string, line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** A running supervisor with its state file and control channel: the daemon, or `start --foreground`. */
export interface Host {
  supervisor: Supervisor;
  status(): StackStatus;
  /** Stops every process, closes the channel, removes the state file. Idempotent. */
  shutdown(): Promise<void>;
  /** Resolves once shut down. */
  closed: Promise<void>;
}

/** Errors a host refuses to start with; `code` tells the CLI how to report them. */
export class HostError extends Error {
  constructor(
    readonly code: 'already_running' | 'stale_children' | 'channel',
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

export async function hostSupervisor(options: HostOptions): Promise<Host> {
  const { config } = options;
  const paths = statePaths(config.stateDir);
  makeStatePrivate(config.stateDir, config.database.url);
  mkdirSync(paths.redisDir, { recursive: true });
  const control = controlPath(config.stateDir);
  const specs = stackSpecs(config, options.env);
  const startTime = processStartTime(process.pid) ?? null;
  const stateOf = (processes: StateFile['processes']): StateFile => ({
    version: packageVersion(),
    daemon: { pid: process.pid, start_time: startTime, foreground: options.foreground },
    control,
    url: serviceUrl(config),
    redis_url: redisUrlFor(config),
    database_url: config.database.url,
    stop_timeout_ms: config.stop.timeoutMs,
    processes,
    updated_at: new Date().toISOString(),
  });

  // The state file, created exclusively, is the lock: one supervisor per state dir.
  if (!claimState(paths.stateFile, stateOf([]))) {
    const found = inspectState(config.stateDir);
    if (found.kind === 'live') {
      throw new HostError('already_running', `a supervisor (pid ${found.state.daemon.pid}) already runs this stack`);
    }
    if (found.kind === 'stale' && found.alive.length > 0) {
      throw new HostError(
        'stale_children',
        `the previous supervisor (pid ${found.state.daemon.pid}) died, leaving ${found.alive
          .map((p) => `${p.name} (pid ${p.pid})`)
          .join(', ')} running; run \`prizmai stop\` to clean up, then start again`,
      );
    }
    if (found.kind === 'corrupt' && found.alive.length > 0) {
      throw new HostError('stale_children', corruptStateAdvice(found));
    }
    removeState(paths.stateFile);
    if (!claimState(paths.stateFile, stateOf([]))) {
      throw new HostError('already_running', 'another supervisor is starting on this state dir');
    }
  }

  const supervisor = new Supervisor(specs, {
    stateDir: config.stateDir,
    logsDir: paths.logsDir,
    stopTimeoutMs: config.stop.timeoutMs,
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  let closing = false;
  const persist = () => {
    if (!closing) writeState(paths.stateFile, stateOf(supervisor.statuses()));
  };
  supervisor.on('change', persist);
  persist();

  const status = (): StackStatus => ({
    url: serviceUrl(config),
    daemon: { pid: process.pid, alive: true, start_time: startTime, version: packageVersion() },
    processes: supervisor.statuses(),
  });

  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let shuttingDown: Promise<void> | undefined;
  let server: Server | undefined;
  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      await supervisor.close().catch(() => {});
      closing = true;
      removeState(paths.stateFile);
      server?.close();
      if (controlPathIsFile) removeState(control);
      resolveClosed();
    })();
    return shuttingDown;
  };

  const handle = async (request: ControlRequest, emit: (event: unknown) => void): Promise<unknown> => {
    const names: string[] = [];
    for (const name of request.names ?? []) {
      const matched = supervisor.expand(name);
      if (matched.length === 0) {
        throw Object.assign(new Error(`unknown process "${name}"; known: ${supervisor.names().join(', ')}`), {
          code: 'usage',
        });
      }
      names.push(...matched);
    }
    const mutating = request.command !== 'hello' && request.command !== 'status' && request.command !== 'shutdown';
    if (mutating && request.version !== packageVersion()) {
      throw Object.assign(
        new Error(
          `the running supervisor is prizmai ${packageVersion()} but this CLI is ${request.version}; ` +
            'run `prizmai stop` and then `prizmai start` to restart the stack on this version',
        ),
        { code: 'version_mismatch' },
      );
    }
    const wait = async () => {
      const forward = (change: unknown) => emit({ type: 'change', process: change });
      supervisor.on('change', forward);
      try {
        for (const process of supervisor.statuses()) emit({ type: 'change', process });
        const result = await supervisor.waitReady(names, request.timeoutMs ?? 60_000);
        return { wait: result, status: status() };
      } finally {
        supervisor.off('change', forward);
      }
    };
    switch (request.command) {
      case 'hello':
        return { pid: process.pid, version: packageVersion() };
      case 'status':
        return status();
      case 'wait':
        return wait();
      case 'start':
        supervisor.start(names);
        return wait();
      case 'restart':
        await supervisor.stop(names);
        supervisor.start(names);
        return wait();
      case 'stop':
        if (names.length === 0) {
          await shutdown();
          return status();
        }
        await supervisor.stop(names);
        return status();
      case 'shutdown':
        await shutdown();
        return status();
      default:
        throw Object.assign(new Error(`unknown command ${String(request.command)}`), { code: 'usage' });
    }
  };

  try {
    server = await serveControl(control, handle);
  } catch (error) {
    removeState(paths.stateFile);
    throw new HostError('channel', `cannot open the control channel ${control}: ${(error as Error).message}`);
  }
  if (closing) server.close();
  supervisor.start(options.names);
  return { supervisor, status, shutdown, closed };
}
