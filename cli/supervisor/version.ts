import { readFileSync } from 'node:fs';

interface Manifest {
  version: string;
  engines: { node: string };
}

let cached: Manifest | undefined;

/** The package's own package.json (read once): its version and the Node.js it needs. */
export function packageManifest(): Manifest {
  // dist/cli/supervisor/version.js → the package root.
  cached ??= JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Manifest;
  return cached;
}

/** The package's version, exchanged by the CLI and the daemon when they connect. */
export function packageVersion(): string {
  return packageManifest().version;
}
