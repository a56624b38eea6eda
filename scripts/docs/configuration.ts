import { z } from 'zod';
import { defaults } from '../../config/defaults.js';
import { getPath, type Plain } from '../../config/layers.js';
import { envOverrides, flagOverrides } from '../../config/overrides.js';
import { configSchema } from '../../config/schema.js';
import { GENERATED, type Schema, table, typeText } from './markdown.js';

// docs/configuration.md from the config schema (config/schema.ts): every key with what it takes, its
// default (config/defaults.ts), its environment variable and its flag.

/** Defaults that are derived when the config is resolved rather than written in defaults.ts. */
const DERIVED: Record<string, string> = {
  'redis.url': 'unset: prizmai manages its own redis-server',
  'database.url': '`sqlite:<stateDir>/prizmai.db`',
  'service.metrics': '`true` when `service.host` is a loopback address, else `false`',
};

/** Every settable key; a described group (a schedule) says what it is on its first key's row. */
function leaves(schema: Schema, prefix = ''): [string, Schema][] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, field]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!field.properties || field.anyOf) return [[path, field] as [string, Schema]];
    const inner = leaves(field, path);
    const first = inner[0];
    if (first && field.description) {
      first[1] = { ...first[1], description: `${field.description}. ${first[1].description ?? ''}`.trim() };
    }
    return inner;
  });
}

function allowed(schema: Schema): string {
  const options = schema.anyOf;
  if (options?.some((o) => o.const === false) && options.some((o) => o.properties)) {
    const object = options.find((o) => o.properties) as Schema;
    const fields = Object.entries(object.properties ?? {}).map(([k, v]) => `${k}: ${typeText(v)}`);
    return `\`false\` or {${fields.join(', ')}}`;
  }
  return typeText(schema);
}

export function configurationPage(): string {
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Schema;
  const rows = leaves(json).map(([key, schema]) => {
    const value = getPath(defaults as Plain, key.split('.'));
    const fallback = DERIVED[key] ?? (value === undefined ? 'unset' : `\`${JSON.stringify(value)}\``);
    return [
      `\`${key}\``,
      allowed(schema),
      fallback,
      envOverrides[key] ? `\`${envOverrides[key]}\`` : '',
      flagOverrides[key] ? `\`${flagOverrides[key].flag}\`` : '',
      schema.description ?? '',
    ];
  });
  return `${[
    GENERATED('the config schema (config/schema.ts, config/defaults.ts, config/overrides.ts)'),
    '',
    '# Configuration',
    '',
    '`prizmai.config.ts` at the project root (also `.mts`, `.js`, `.mjs`), exporting `defineConfig({...})`.',
    'Every key is optional. Environment variables override the file, and flags override both;',
    '`prizmai config` prints the resolved values and where each came from. An invalid value or an unknown',
    'key fails with exit 2, naming the key, the value and what was expected.',
    '',
    '```ts',
    "import { defineConfig } from 'prizmai';",
    '',
    'export default defineConfig({',
    '  service: { port: 8080 },',
    "  database: { url: 'postgres://postgres@127.0.0.1:5432/prizmai' },",
    '});',
    '```',
    '',
    table(['key', 'takes', 'default', 'env', 'flag', 'about'], rows),
  ].join('\n')}\n`;
}
