import { join } from 'node:path';
import { CliError, ExitCode } from '../errors.js';
import { optionsOf } from '../options.js';
import { printJson } from '../output.js';
import { locateStateDir } from '../supervisor/client.js';
import {
  type LogLine,
  linesSince,
  loggedNames,
  mergeByTime,
  parseLines,
  readAppended,
  tailLines,
} from '../supervisor/log-reader.js';
import { statePaths } from '../supervisor/paths.js';
import { colors, prefixer } from '../ui/colors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 10m` (also `30s`, `2h`, `1d`, `500ms`, or an ISO date) as ms since the epoch. */
export function sinceOf(value: string, now = Date.now()): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (match) return now - Number(match[1]) * (UNITS[match[2] as string] as number);
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return date;
  throw new CliError(`--since: expected a duration such as 30s, 10m, 2h, 1d or a date, got "${value}"`, ExitCode.usage);
}

/** `prizmai logs [names…] [-n lines] [-f] [--since duration]`: merged, each line prefixed with its process. */
export async function run(names: unknown, ...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const stateDir = await locateStateDir(options);
  const { logsDir } = statePaths(stateDir);
  const known = loggedNames(logsDir);
  const list: string[] = [];
  for (const name of (names as string[] | undefined)?.length ? (names as string[]) : known) {
    // `service` means every instance's log (service.1 …) when there are several.
    const matched = known.includes(name)
      ? [name]
      : known.filter((log) => log.startsWith(`${name}.`) && /^\d+$/.test(log.slice(name.length + 1)));
    if (matched.length === 0) {
      throw new CliError(
        `no log for "${name}" in ${logsDir}${known.length ? `; there are logs of ${known.join(', ')}` : ''}`,
        ExitCode.usage,
      );
    }
    list.push(...matched);
  }
  const count = options.lines === undefined ? 100 : Number(options.lines);
  if (!Number.isInteger(count) || count < 0) {
    throw new CliError(`-n: expected a whole number of lines, got ${JSON.stringify(options.lines)}`, ExitCode.usage);
  }
  const since = options.since === undefined ? undefined : sinceOf(String(options.since));
  const groups = list.map((name) =>
    since === undefined ? tailLines(logsDir, name, count) : linesSince(logsDir, name, since),
  );
  let lines = mergeByTime(groups);
  if (since === undefined || options.lines !== undefined) lines = count === 0 ? [] : lines.slice(-count);

  const chalk = colors();
  const prefix = prefixer(chalk, list);
  const print = (line: LogLine) => {
    if (options.json)
      process.stdout.write(
        `${JSON.stringify({ name: line.name, time: new Date(line.time).toISOString(), text: line.text })}\n`,
      );
    else process.stdout.write(`${prefix(line.name)} ${line.text}\n`);
  };
  if (options.json && !options.follow) {
    printJson(lines.map((l) => ({ name: l.name, time: new Date(l.time).toISOString(), text: l.text })));
    return 0;
  }
  for (const line of lines) print(line);
  if (!options.follow) return 0;

  // Follow: poll each file for appended lines (a shrunk file was rotated: read it from the start).
  const offsets = new Map<string, number>();
  const { statSync, existsSync } = await import('node:fs');
  for (const name of list) {
    const file = join(logsDir, `${name}.log`);
    offsets.set(name, existsSync(file) ? statSync(file).size : 0);
  }
  // Until Ctrl-C, which ends it with 130 like any interrupted command.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const name of list) {
        const { text, offset } = readAppended(join(logsDir, `${name}.log`), offsets.get(name) ?? 0);
        offsets.set(name, offset);
        for (const line of parseLines(name, text)) print(line);
      }
    }, 200);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
  return ExitCode.interrupted;
}
