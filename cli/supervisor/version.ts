import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package's version, exchanged by the CLI and the daemon when they connect. */
export function packageVersion(): string {
  if (cached === undefined) {
    // dist/cli/supervisor/version.js → the package root.
    const json = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    cached = (JSON.parse(json) as { version: string }).version;
  }
  return cached;
}
