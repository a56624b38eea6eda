import type { Command, Option } from 'commander';
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

/** The option of `command` (or of a command above it) that `token` names, if any. */
function optionOf(command: Command, token: string): Option | undefined {
  const name = token.split('=')[0] as string;
  for (let at: Command | null = command; at; at = at.parent) {
    const found = at.options.find((option) => option.long === name || option.short === name);
    if (found) return found;
  }
  return undefined;
}

/**
 * `--json a,b` → `--json --json-fields a,b` before commander parses (the program's `--json` stays a
 * flag, so `prizmai --json status` and `prizmai send 12 --json hello` mean what they did). Only on a
 * list command, reached by walking argv through the command table, and only when the word reads as a
 * field list there: a comma, one of the list's fields, or any word where the command takes no
 * positional argument (so `status --json colour` is refused naming the field). Nothing after `--`.
 */
export function expandJsonFields(argv: string[], program: Command): string[] {
  const out: string[] = argv.slice(0, 2);
  let command = program;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const list = listOf.get(command);
    const next = argv[i + 1];
    // `--json=a,b` says fields whatever the command: a non-list one refuses them by name (preAction).
    if (arg.startsWith('--json=')) {
      out.push('--json', '--json-fields', arg.slice('--json='.length));
      continue;
    }
    if (list && arg === '--json' && next !== undefined && /^[a-z_]+(,[a-z_]*)*$/.test(next)) {
      const known: readonly string[] = JSON_FIELDS[list];
      if (next.includes(',') || known.includes(next) || command.registeredArguments.length === 0) {
        out.push('--json', '--json-fields', next);
        i++;
        continue;
      }
    }
    out.push(arg);
    if (arg.startsWith('-')) {
      // An option's value is not a command name: `--url status` stays where it is.
      const option = optionOf(command, arg);
      if (option?.required && !arg.includes('=') && next !== undefined) out.push(argv[++i] as string);
      continue;
    }
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub) command = sub;
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
