import { CliError, ExitCode } from '../errors.js';
import { optionsOf, resolveConfig } from '../options.js';
import { note, printJson, printLine } from '../output.js';
import { onInterrupt } from '../supervisor/interrupt.js';
import { launch, StartFailure, shutdownDaemon } from '../supervisor/launch.js';
import { formatFailureReport, underGithubActions } from '../supervisor/report.js';
import { statusDocument } from '../supervisor/rows.js';
import { startProgress } from '../ui/spinner.js';

/** `--timeout <s>` as milliseconds (default 60 s). */
export function timeoutOf(value: unknown): number {
  if (value === undefined) return 60_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError(`--timeout: expected a number of seconds > 0, got ${JSON.stringify(value)}`, ExitCode.usage);
  }
  return Math.round(seconds * 1000);
}

/** Prints a failed start's report (stderr; GitHub annotations under GitHub Actions) and rethrows. */
export function reportStartFailure(error: unknown): never {
  if (error instanceof StartFailure) {
    process.stderr.write(`${formatFailureReport(error.failures, { github: underGithubActions() })}\n`);
    process.stderr.write('Check the set-up with `prizmai doctor`: it names what is missing or held, and the fix.\n');
  }
  throw error;
}

/** `prizmai start [names…]`: the stack under a detached daemon, or attached with --foreground. */
export async function run(names: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const list = (names as string[] | undefined) ?? [];
  const timeoutMs = timeoutOf(options.timeout);
  const { config } = await resolveConfig(options);
  if (options.foreground) {
    const { runForeground } = await import('../supervisor/foreground.js');
    return runForeground(config, list, { timeoutMs, json: options.json === true }).catch(reportStartFailure);
  }
  const progress = await startProgress('starting', !options.json && process.stderr.isTTY === true);
  let spawned: number | undefined;
  const release = onInterrupt(async () => {
    progress.stop();
    if (spawned) await shutdownDaemon(config.stateDir, spawned, null);
  });
  let outcome: Awaited<ReturnType<typeof launch>>;
  try {
    outcome = await launch(config, {
      names: list,
      timeoutMs,
      onChange: (p) => progress.update(p.name, p.state),
      onSpawned: (pid) => {
        spawned = pid;
      },
    });
  } catch (error) {
    progress.stop();
    reportStartFailure(error);
  } finally {
    release();
  }
  progress.stop();
  if (options.json) {
    printJson(statusDocument(outcome.status));
    return 0;
  }
  if (outcome.kind === 'already') note('prizmai: already running');
  printLine(outcome.status.url ?? '');
  return 0;
}
