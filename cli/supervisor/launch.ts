// Bringing a stack up from the CLI (`start`, `run`, `restart` on a stopped stack): join a live daemon,
// or check for stale state and busy ports, spawn a daemon and wait until every process is ready.
import type { ResolvedConfig } from '../../config/types.js';
import { CliError, ExitCode } from '../errors.js';
import { hello, send, spawnDaemon, versionMismatch, waitGone } from './client.js';
import { statePaths } from './paths.js';
import { portProblems, redisBinaryProblem } from './preflight.js';
import { type FailureEntry, failureEntries } from './report.js';
import { corruptStateAdvice, inspectState } from './stale.js';
import { removeState } from './state.js';
import type { ProcessStatus, StackStatus, WaitResult } from './types.js';

export interface LaunchOptions {
  names: string[];
  timeoutMs: number;
  /** Each process state change while waiting (spinner). */
  onChange?: (process: ProcessStatus) => void;
  env?: NodeJS.ProcessEnv;
  /** Called with the daemon's pid as soon as this launch spawned one (so Ctrl-C can stop it). */
  onSpawned?: (pid: number) => void;
}

export interface LaunchOutcome {
  /** `started`: this call spawned the daemon; `already`: all were ready; `joined`: a live daemon started them. */
  kind: 'started' | 'already' | 'joined';
  status: StackStatus;
}

/** A start that failed: the report of each failing process travels with it. */
export class StartFailure extends CliError {
  constructor(
    message: string,
    readonly failures: FailureEntry[],
  ) {
    super(message, ExitCode.failure, { failures });
    this.name = 'StartFailure';
  }
}

async function waitOn(
  stateDir: string,
  command: 'wait' | 'start',
  options: LaunchOptions,
): Promise<{ wait: WaitResult; status: StackStatus }> {
  const { value } = await send(stateDir, command, { names: options.names, timeoutMs: options.timeoutMs }, (event) => {
    const e = event as { type?: string; process?: ProcessStatus };
    if (e.type === 'change' && e.process) options.onChange?.(e.process);
  });
  return value as { wait: WaitResult; status: StackStatus };
}

function failure(config: ResolvedConfig, wait: WaitResult): StartFailure {
  const entries = failureEntries(wait.failures, statePaths(config.stateDir).logsDir);
  return new StartFailure(`the stack did not start: ${wait.reason ?? 'not ready'}`, entries);
}

export async function launch(config: ResolvedConfig, options: LaunchOptions): Promise<LaunchOutcome> {
  const { stateDir } = config;
  const live = await hello(stateDir);
  if (live) {
    const mismatch = versionMismatch(live.version);
    if (mismatch) throw mismatch;
    const status = (await send(stateDir, 'status')).value as StackStatus;
    const targets = status.processes.filter((p) => options.names.length === 0 || options.names.includes(p.name));
    if (targets.length > 0 && targets.every((p) => p.state === 'ready')) return { kind: 'already', status };
    const { wait, status: after } = await waitOn(stateDir, 'start', options);
    if (!wait.ok) throw failure(config, wait);
    return { kind: 'joined', status: after };
  }

  await checkBeforeSpawn(config);

  let daemon: { pid: number };
  try {
    daemon = await spawnDaemon(config, options.names, options.env);
  } catch (error) {
    if ((error as { code?: string }).code === 'already_running') return launch(config, options);
    throw new CliError(`the supervisor did not start: ${(error as Error).message}`);
  }
  options.onSpawned?.(daemon.pid);
  const { wait, status } = await waitOn(stateDir, 'wait', options);
  if (wait.ok) return { kind: 'started', status };
  // Leave nothing running that this start spawned.
  await shutdownDaemon(stateDir, status.daemon.pid ?? daemon.pid, status.daemon.start_time);
  throw failure(config, wait);
}

/** Asks the daemon to stop everything and waits until it is gone. */
export async function shutdownDaemon(
  stateDir: string,
  pid: number | null,
  startTime: number | null | undefined,
): Promise<void> {
  await send(stateDir, 'shutdown').catch(() => undefined);
  if (pid) await waitGone(pid, startTime, 15_000);
}

/** Refuses to spawn over a live or half-dead stack or onto busy ports; clears stale state. */
export async function checkBeforeSpawn(config: ResolvedConfig): Promise<void> {
  const found = inspectState(config.stateDir);
  if (found.kind === 'live') {
    throw new CliError(
      `a supervisor (pid ${found.state.daemon.pid}) runs on ${config.stateDir} but does not answer on its control ` +
        'channel; `prizmai stop` will kill it and its processes',
    );
  }
  if (found.kind === 'stale') {
    if (found.alive.length > 0) {
      throw new CliError(
        `the previous supervisor (pid ${found.state.daemon.pid}) died, leaving ${found.alive
          .map((p) => `${p.name} (pid ${p.pid})`)
          .join(', ')} running; run \`prizmai stop\` to clean up, then start again`,
      );
    }
    removeState(statePaths(config.stateDir).stateFile);
  }
  if (found.kind === 'corrupt') {
    if (found.alive.length > 0) throw new CliError(corruptStateAdvice(found));
    removeState(found.path);
  }

  const missing = redisBinaryProblem(config);
  if (missing) throw new CliError(missing);
  const problems = await portProblems(config);
  if (problems.length > 0) {
    throw new CliError(problems.map((p) => p.message).join('\n'), ExitCode.failure, { ports: problems });
  }
}
