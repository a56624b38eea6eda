import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { redisUrlFor } from '../../config/managed-redis.js';
import type { ResolvedConfig } from '../../config/types.js';
import { CliError, ExitCode } from '../errors.js';
import { optionsOf, resolveConfig } from '../options.js';
import { note } from '../output.js';
import { onInterrupt } from '../supervisor/interrupt.js';
import type { IsolatedStack } from '../supervisor/isolated.js';
import { type LaunchOutcome, launch, shutdownDaemon } from '../supervisor/launch.js';
import { startProgress } from '../ui/spinner.js';
import { reportStartFailure, timeoutOf } from './start.js';

/** Runs `argv` with the stack's addresses in its environment; resolves with its exit code. */
function runCommand(
  argv: string[],
  config: ResolvedConfig,
  url: string,
): { exited: Promise<number>; signal: (s: NodeJS.Signals) => void } {
  const [command, ...rest] = argv as [string, ...string[]];
  const child = spawn(command, rest, {
    stdio: 'inherit',
    env: {
      ...process.env,
      PRIZMAI_URL: url,
      PRIZMAI_REDIS_URL: redisUrlFor(config),
      PRIZMAI_DATABASE_URL: config.database.url,
    },
  });
  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      note(`prizmai: cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) =>
      resolve(code ?? 128 + ((signal && (constants.signals[signal] as number | undefined)) || 1)),
    );
  });
  return {
    exited,
    signal: (s) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(s);
    },
  };
}

/** `prizmai run [--isolated] [--] <cmd…>`: the stack up, the command run against it, its exit code out. */
export async function run(argv: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const command = argv as string[];
  if (!command?.length) throw new CliError('run: expected a command, as in `prizmai run -- npm test`', ExitCode.usage);
  const timeoutMs = timeoutOf(options.timeout);
  let { config } = await resolveConfig(options);
  let isolated: IsolatedStack | undefined;
  if (options.isolated) {
    const { isolate } = await import('../supervisor/isolated.js');
    isolated = await isolate(config);
    config = isolated.config;
  }
  let startedDaemon: number | undefined;
  let child: ReturnType<typeof runCommand> | undefined;
  const cleanup = async () => {
    if (startedDaemon) await shutdownDaemon(config.stateDir, startedDaemon, null);
    startedDaemon = undefined;
    await isolated?.dispose();
  };
  const release = onInterrupt(async () => {
    if (child) {
      child.signal('SIGINT');
      const late = setTimeout(() => child?.signal('SIGKILL'), 5000);
      await child.exited;
      clearTimeout(late);
    }
    await cleanup();
  });
  try {
    const progress = await startProgress('starting', process.stderr.isTTY === true);
    let outcome: LaunchOutcome | undefined;
    for (let attempt = 1; !outcome; attempt++) {
      try {
        outcome = await launch(config, {
          names: [],
          timeoutMs,
          onChange: (p) => progress.update(p.name, p.state),
          onSpawned: (pid) => {
            startedDaemon = pid;
          },
        });
      } catch (error) {
        // An isolated stack whose free port another job took a moment ago: new ports, again.
        const ports = (error as CliError).details as { ports?: unknown } | undefined;
        if (isolated && ports?.ports && attempt < 3) {
          await isolated.reroll();
          config = isolated.config;
          continue;
        }
        progress.stop();
        reportStartFailure(error);
      }
    }
    progress.stop();
    if (outcome.kind === 'started') startedDaemon = outcome.status.daemon.pid ?? startedDaemon;
    else startedDaemon = undefined;
    child = runCommand(command, config, outcome.status.url ?? '');
    return await child.exited;
  } finally {
    await cleanup();
    release();
  }
}
