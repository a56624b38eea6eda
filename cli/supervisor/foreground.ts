// `prizmai start --foreground`: the same supervisor, hosted in the CLI process, with merged logs.
import type { ResolvedConfig } from '../../config/types.js';
import { CliError, ExitCode } from '../errors.js';
import { platformSignalExit, stopSignals } from '../platform.js';
import { colors, prefixer, stateColour } from '../ui/colors.js';
import { hello } from './client.js';
import { HostError, hostSupervisor } from './host.js';
import { checkBeforeSpawn, StartFailure } from './launch.js';
import { statePaths } from './paths.js';
import { failureEntries } from './report.js';

export async function runForeground(
  config: ResolvedConfig,
  names: string[],
  options: { timeoutMs: number; json: boolean },
): Promise<number> {
  const live = await hello(config.stateDir);
  if (live) {
    process.stderr.write(
      `prizmai: already running (supervisor pid ${live.pid}); \`prizmai logs -f\` follows its logs\n`,
    );
    return ExitCode.ok;
  }
  await checkBeforeSpawn(config);
  const out = options.json ? process.stderr : process.stdout;
  const chalk = colors(out);
  const prefix = prefixer(chalk, ['redis', 'migrate', 'service', 'worker', 'beat']);
  const host = await hostSupervisor({
    config,
    names,
    foreground: true,
    onLine: (name, line) => out.write(`${prefix(name)} ${line}\n`),
  }).catch((error: unknown) => {
    if (error instanceof HostError) throw new CliError(error.message);
    throw error;
  });
  const seen = new Map<string, string>();
  host.supervisor.on('change', (p) => {
    if (seen.get(p.name) === p.state) return;
    seen.set(p.name, p.state);
    process.stderr.write(`${prefix(p.name)} ${stateColour(colors(process.stderr), p.state)}\n`);
  });

  let signalled: NodeJS.Signals | undefined;
  for (const signal of stopSignals) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = signal;
      process.stderr.write(`prizmai: ${signal}: stopping every process\n`);
      void host.shutdown();
    });
  }

  const wait = await Promise.race([
    host.supervisor.waitReady(names, options.timeoutMs),
    host.closed.then(() => undefined),
  ]);
  if (wait && !wait.ok) {
    const failures = failureEntries(wait.failures, statePaths(config.stateDir).logsDir);
    await host.shutdown();
    throw new StartFailure(`the stack did not start: ${wait.reason ?? 'not ready'}`, failures);
  }
  if (wait?.ok) process.stderr.write(`prizmai: ready at ${host.status().url}\n`);
  await host.closed;
  if (signalled === 'SIGINT') return ExitCode.interrupted;
  return signalled ? platformSignalExit(signalled) : ExitCode.ok;
}
