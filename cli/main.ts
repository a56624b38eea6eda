import { Command, CommanderError, Option } from 'commander';
import { addChatCommands } from './chat/commands.js';
import { CliError, ExitCode } from './errors.js';
import { expandJsonFields, refuseFieldsOutsideLists, withJsonFields } from './json-fields.js';
import { lazy, lazyExport } from './lazy.js';
import { withConfigFlags } from './options.js';
import { packageVersion } from './supervisor/version.js';

export function buildProgram(): Command {
  const program = new Command('prizmai')
    .description('Process supervisor and headless chat service')
    // The package's own version (npm_package_version would be the calling project's under npx).
    .version(packageVersion())
    .option('--config <file>', 'config file (default: prizmai.config.{ts,mts,js,mjs} here)')
    .option('--json', 'machine-readable output on stdout (list commands: --json <fields> selects fields)')
    // Set from `--json a,b` by expandJsonFields; not typed by users.
    .addOption(new Option('--json-fields <fields>').hideHelp())
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', (_program, command) => refuseFieldsOutsideLists(command));

  // The command table: one entry per command, each module loaded lazily.
  withConfigFlags(program.command('config'))
    .description('print the resolved configuration and where each value came from')
    .action(lazy(() => import('./commands/config.js')));

  withConfigFlags(program.command('migrate'))
    .description('apply pending database migrations')
    .option('--status', 'list applied and pending migrations instead')
    .action(lazy(() => import('./commands/migrate.js')));

  const users = program.command('users').description('manage users directly in the database');
  withConfigFlags(users.command('add <username>'))
    .description('create a user and print an API token')
    .option('--password-stdin', 'read a password from standard input')
    .option('--display-name <name>', 'display name (default: the username)')
    .action(lazy(() => import('./commands/users-add.js')));

  // The supervisor (SPEC §4).
  withConfigFlags(program.command('start [names...]'))
    .description('start the stack (or the named processes) and wait until every process is ready')
    .option('-f, --foreground', 'stay attached, with merged colour-prefixed logs; Ctrl-C stops everything')
    .option('--timeout <seconds>', 'how long to wait for readiness (default 60)')
    .action(lazy(() => import('./commands/start.js')));

  withConfigFlags(program.command('stop [names...]'))
    .description('stop the stack (or the named processes): SIGTERM, then the process tree after stop.timeoutMs')
    .action(lazy(() => import('./commands/stop.js')));

  withConfigFlags(program.command('restart [names...]'))
    .description('stop and start the stack (or the named processes), waiting for readiness again')
    .option('--timeout <seconds>', 'how long to wait for readiness (default 60)')
    .action(lazy(() => import('./commands/restart.js')));

  withJsonFields(withConfigFlags(program.command('status')), 'status')
    .description('one row per process; exit 0 when all are ready, 3 when not running, 1 when degraded')
    .action(lazy(() => import('./commands/status.js')));

  withConfigFlags(program.command('logs [names...]'))
    .description('merged logs, each line prefixed with its process name')
    .option('-n, --lines <lines>', 'how many lines (default 100)')
    .option('-f, --follow', 'keep printing new lines')
    .option('--since <duration>', 'only lines newer than this (30s, 10m, 2h, 1d) or a date')
    .action(lazy(() => import('./commands/logs.js')));

  withConfigFlags(program.command('run <cmd...>'))
    .description('for CI: start the stack if needed, run <cmd> against it, stop what it started, exit with its code')
    .option('--isolated', 'on a private throw-away stack: temporary state dir, free ports, fresh database')
    .option('--timeout <seconds>', 'how long to wait for readiness (default 60)')
    .usage('[options] [--] <cmd...>')
    .action(lazy(() => import('./commands/run.js')));

  // The worker's queues (SPEC §8).
  const jobs = withJsonFields(withConfigFlags(program.command('jobs')), 'jobs')
    .description("the worker's queues: counts by state and the last failures (--json)")
    .action(
      lazyExport(
        () => import('./commands/jobs.js'),
        (m) => m.list,
      ),
    );
  withConfigFlags(jobs.command('retry <queue> [jobId]'))
    .description('run a failed job again, or every failed job of the queue with --all')
    .option('--all', 'every failed job of the queue')
    .action(
      lazyExport(
        () => import('./commands/jobs.js'),
        (m) => m.retry,
      ),
    );
  withConfigFlags(jobs.command('clean <queue>'))
    .description("remove a queue's failed jobs")
    .option('--failed', 'the failed jobs')
    .action(
      lazyExport(
        () => import('./commands/jobs.js'),
        (m) => m.clean,
      ),
    );

  withConfigFlags(program.command('doctor'))
    .description(
      'check Node, redis-server, ports, the state dir, the database, the daemon and the config; exit 1 if one fails',
    )
    .action(lazy(() => import('./commands/doctor.js')));

  // The chat commands (SPEC §9).
  addChatCommands(program);

  program
    .command('completion <shell>')
    .description('print a completion script for bash, zsh or fish (see the README)')
    .action(lazy(() => import('./commands/completion.js')));

  return program;
}

/** The one place errors become exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(expandJsonFields(argv, program));
  } catch (error) {
    process.exitCode = report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help/version it was asked for).
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  const known = error as { exitCode?: unknown; message?: string; details?: unknown };
  const json = process.argv.some((arg) => arg === '--json' || arg.startsWith('--json='));
  const exitCode = typeof known.exitCode === 'number' ? known.exitCode : ExitCode.failure;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ error: { message: known.message, exit_code: exitCode, details: known.details } })}\n`,
    );
  }
  if (error instanceof CliError || typeof known.exitCode === 'number') {
    process.stderr.write(`prizmai: ${known.message}\n`);
  } else {
    process.stderr.write(`prizmai: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  return exitCode;
}
