import { CliError, ExitCode } from '../errors.js';
import type { CommandOptions } from '../options.js';

/** `--limit`/`--before` as the API's query strings, refused here with the flag's name when malformed. */
export function pageQuery(options: CommandOptions): { limit?: string; before?: string } {
  const query: { limit?: string; before?: string } = {};
  for (const key of ['limit', 'before'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    query[key] = String(wholeNumber(`--${key}`, value));
  }
  return query;
}

export function wholeNumber(what: string, value: unknown): number {
  if (!/^[0-9]{1,10}$/.test(String(value))) {
    throw new CliError(`${what}: expected a whole number, got ${JSON.stringify(value)}`, ExitCode.usage);
  }
  return Number(value);
}
