import { leaves } from '../../config/layers.js';
import { optionsOf, resolveConfig } from '../options.js';
import { printJson, printLine } from '../output.js';

/** `prizmai config [--json]`: the resolved configuration and the source of each value. */
export async function run(...args: unknown[]): Promise<number> {
  const options = optionsOf(args);
  const { config, sources, file } = await resolveConfig(options);
  if (options.json) {
    // redis.url is unset when prizmai manages Redis: shown as null rather than left out.
    printJson({
      config: { ...config, redis: { ...config.redis, url: config.redis.url ?? null } },
      sources,
      file: file ?? null,
    });
    return 0;
  }
  printLine(`config file: ${file ?? '(none: defaults, env and flags only)'}`);
  const rows = leaves(config as unknown as Record<string, unknown>);
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) {
    printLine(`${key.padEnd(width)}  ${JSON.stringify(value) ?? 'unset'}  (${sources[key] ?? 'default'})`);
  }
  if (!config.redis.url) printLine(`${'redis.url'.padEnd(width)}  unset: prizmai manages redis-server  (default)`);
  return 0;
}
