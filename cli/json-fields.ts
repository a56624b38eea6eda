import type { Command } from 'commander';
import { CliError, ExitCode } from './errors.js';
import type { CommandOptions } from './options.js';
import { printJson } from './output.js';

// `--json name,state,pid` on the list-like commands, as gh does: the list's items with only those
// fields, in that order, as a JSON array. Bare `--json` prints the command's whole document as before.
// An unknown field is a usage error (exit 2) naming it, and a field list on another command too.
// The fields of each list are written down here (a unit test holds them to the API's schemas and the
// status rows), so a wrong name is refused before anything is asked of the stack or the service.

const POST = ['id', 'author', 'content', 'mentions', 'client_id', 'created_at', 'edited_at', 'deleted'];

export const JSON_FIELDS = {
  status: [
    'name',
    'state',
    'pid',
    'port',
    'uptime_s',
    'restarts',
    'rss_bytes',
    'exit_code',
    'signal',
    'last_error',
    'log_file',
  ],
  boards: ['id', 'name', 'owner', 'created_at'],
  rooms: ['id', 'board_id', 'name', 'description', 'created_by', 'created_at', 'board_name'],
  tasks: ['id', 'board_id', 'title', 'assignee', 'creator', 'created_at'],
  messages: [...POST, 'room_id'],
  comments: [...POST, 'task_id'],
  notifications: [
    'id',
    'type',
    'text',
    'sender',
    'room_id',
    'message_id',
    'task_id',
    'comment_id',
    'is_read',
    'created_at',
  ],
  jobs: ['name', 'counts', 'failures'],
} as const;
export type JsonList = keyof typeof JSON_FIELDS;

const listOf = new WeakMap<Command, JsonList>();

/** Marks a list command: `--json a,b` selects fields of its items (said in its help). */
export function withJsonFields(command: Command, list: JsonList): Command {
  listOf.set(command, list);
  return command.addHelpText(
    'after',
    `\n--json <fields> prints only these fields of each item, as an array: ${JSON_FIELDS[list].join(',')}`,
  );
}

/**
 * `--json a,b` → `--json --json-fields a,b` before commander parses (the program's `--json` stays a
 * flag, so `prizmai --json status` still means what it did). A word after `--json` is a field list
 * when it looks like one (lower-case words, commas) and is no command's name; nothing after `--`.
 */
export function expandJsonFields(argv: string[], program: Command): string[] {
  const commands = new Set<string>();
  const walk = (command: Command) => {
    for (const sub of command.commands) {
      commands.add(sub.name());
      walk(sub);
    }
  };
  walk(program);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const inline = arg.startsWith('--json=') ? arg.slice('--json='.length) : undefined;
    const next = argv[i + 1];
    if (inline !== undefined) out.push('--json', '--json-fields', inline);
    else if (arg === '--json' && next !== undefined && /^[a-z_]+(,[a-z_]*)*$/.test(next) && !commands.has(next)) {
      out.push('--json', '--json-fields', next);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Refuses `--json <fields>` on a command that prints no list (before it runs). */
export function refuseFieldsOutsideLists(command: Command): void {
  const { jsonFields } = command.optsWithGlobals() as { jsonFields?: string };
  if (jsonFields === undefined || listOf.has(command)) return;
  throw new CliError(
    `--json ${jsonFields}: \`${command.name()}\` takes no field list; its --json prints the whole document`,
    ExitCode.usage,
  );
}

/** The fields asked for with `--json a,b`, checked; undefined for a bare `--json` or none. */
export function jsonFieldsOf(options: CommandOptions, list: JsonList): string[] | undefined {
  const value = options.jsonFields as unknown;
  if (typeof value !== 'string') return undefined;
  const fields = value.split(',').map((field) => field.trim());
  const known: readonly string[] = JSON_FIELDS[list];
  const unknown = fields.filter((field) => !known.includes(field));
  if (unknown.length > 0) {
    throw new CliError(
      `--json: unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((f) => `"${f}"`).join(', ')}; the fields are: ${known.join(', ')}`,
      ExitCode.usage,
    );
  }
  return fields;
}

/** Prints `items` cut to `fields` when fields were asked for, else `whole`. */
export function printJsonList(fields: string[] | undefined, items: readonly object[], whole: unknown): void {
  if (!fields) {
    printJson(whole);
    return;
  }
  printJson(
    items.map((item) =>
      Object.fromEntries(fields.map((field) => [field, (item as Record<string, unknown>)[field] ?? null])),
    ),
  );
}
