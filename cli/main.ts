import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { withConfigFlags } from './options.js';
import { packageVersion } from './supervisor/version.js';

/** A command module's entry: commander's action arguments; the last one is the Command itself. */
type Action = (...args: unknown[]) => Promise<number | undefined>;

/** Loads a command module only when that command runs, so `status` never pays for the ORM or Hono. */
function lazy(load: () => Promise<{ run: Action }>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const { run } = await load();
    const code = await run(...args);
    if (code !== undefined && code !== 0) process.exitCode = code;
  };
}

export function buildProgram(): Command {
  const program = new Command('prizmai')
    .description('Process supervisor and headless chat service')
    // The package's own version (npm_package_version would be the calling project's under npx).
    .version(packageVersion())
    .option('--config <file>', 'config file (default: prizmai.config.{ts,mts,js,mjs} here)')
    .option('--json', 'machine-readable output on stdout')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride();

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

  withConfigFlags(program.command('status'))
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

  // The chat commands (SPEC §9): clients of the HTTP API, with the token `login` saved or PRIZMAI_TOKEN.
  const chat = (command: Command) =>
    command.option('--url <url>', 'the service (default: PRIZMAI_URL, else the local stack of the config)');
  const auth = () => import('./commands/chat-auth.js');
  const boards = () => import('./commands/chat-boards.js');
  const messages = () => import('./commands/chat-messages.js');

  chat(program.command('register <username>'))
    .description('create an account on the service and log in')
    .option('--password-stdin', 'read the password from standard input (else it is asked for)')
    .action(lazy(async () => ({ run: (await auth()).register })));
  chat(program.command('login <username>'))
    .description('log in and save the token (in a file only you can read)')
    .option('--password-stdin', 'read the password from standard input (else it is asked for)')
    .action(lazy(async () => ({ run: (await auth()).login })));
  chat(program.command('logout'))
    .description('revoke the saved token and forget it')
    .action(lazy(async () => ({ run: (await auth()).logout })));
  chat(program.command('whoami'))
    .description('the user the token belongs to')
    .action(lazy(async () => ({ run: (await auth()).whoami })));

  const boardsCommand = program.command('boards').description('boards you can see');
  chat(boardsCommand.command('list'))
    .description('list your boards')
    .action(lazy(async () => ({ run: (await boards()).boardsList })));
  chat(boardsCommand.command('create <name>'))
    .description('create a board (you own it); prints its id')
    .action(lazy(async () => ({ run: (await boards()).boardsCreate })));
  chat(boardsCommand.command('add-member <board> <username>'))
    .description('add a user to a board (by id or name)')
    .action(lazy(async () => ({ run: (await boards()).boardsAddMember })));

  const roomsCommand = program.command('rooms').description('chat rooms (an id, or board-name/room-name)');
  chat(roomsCommand.command('list [board]'))
    .description('rooms you can see, on one board or all')
    .action(lazy(async () => ({ run: (await boards()).roomsList })));
  chat(roomsCommand.command('create <board> <name>'))
    .description('create a room on a board; prints its id')
    .option('--description <text>', 'what the room is for')
    .option('--members <usernames>', 'comma-separated board members to add')
    .action(lazy(async () => ({ run: (await boards()).roomsCreate })));
  chat(roomsCommand.command('join <room>'))
    .description('join a room of one of your boards')
    .action(lazy(async () => ({ run: (await boards()).roomsJoin })));
  chat(roomsCommand.command('leave <room>'))
    .description('leave a room')
    .action(lazy(async () => ({ run: (await boards()).roomsLeave })));

  chat(program.command('send <room> <text>'))
    .description('post a message to a room (text `-` reads it from standard input); prints its id')
    .action(lazy(async () => ({ run: (await messages()).send })));
  chat(program.command('history <room>'))
    .description('a page of a room’s messages, oldest first')
    .option('--limit <n>', 'how many (default 50, at most 100)')
    .option('--before <id>', 'only messages older than this id')
    .action(lazy(async () => ({ run: (await messages()).history })));

  chat(program.command('tail <room>'))
    .description('follow a room’s new messages over the WebSocket (the last 10 first); resumes after a drop')
    .option('--after <id>', 'start after this message id instead')
    .action(lazy(async () => ({ run: (await import('./commands/chat-tail.js')).tail })));

  const tasks = () => import('./commands/chat-tasks.js');
  const tasksCommand = program.command('tasks').description('tasks of a board');
  chat(tasksCommand.command('list <board>'))
    .description('the tasks of a board (by id or name)')
    .action(lazy(async () => ({ run: (await tasks()).tasksList })));
  chat(tasksCommand.command('create <board> <title>'))
    .description('create a task; prints its id')
    .option('--assignee <username>', 'a board member to assign it to')
    .action(lazy(async () => ({ run: (await tasks()).tasksCreate })));
  chat(program.command('comment <task> <text>'))
    .description('comment on a task (text `-` reads it from standard input); prints its id')
    .action(lazy(async () => ({ run: (await tasks()).comment })));
  chat(program.command('comments <task>'))
    .description('a page of a task’s comments, oldest first')
    .option('--limit <n>', 'how many (default 50, at most 100)')
    .option('--before <id>', 'only comments older than this id')
    .action(lazy(async () => ({ run: (await tasks()).comments })));

  const notificationsCommand = chat(program.command('notifications'))
    .description('your notifications, newest first (* = unread)')
    .option('--unread', 'only the unread ones')
    .action(lazy(async () => ({ run: (await messages()).notifications })));
  chat(notificationsCommand.command('read [id]'))
    .description('mark one notification read, or --all')
    .option('--all', 'mark every notification read')
    .action(lazy(async () => ({ run: (await messages()).notificationsRead })));
  chat(program.command('unread'))
    .description('unread messages and mentions per room')
    .action(lazy(async () => ({ run: (await messages()).unread })));

  return program;
}

/** The one place errors become exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
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
  const json = process.argv.includes('--json');
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
