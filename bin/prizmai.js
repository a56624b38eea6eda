#!/usr/bin/env node
// The launcher: everything else lives in the compiled CLI (built by `npm install` via `prepare`) — the
// one-file build through its V8 code cache when there is one (a third of the start-up), else the modules.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
const bundle = fileURLToPath(new URL('../dist/bundles/cli.cjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'prizmai: the CLI is not built yet; run `npm install` (or `npm run build`) in the package folder\n',
  );
  process.exit(1);
}
let main;
if (existsSync(bundle) && !process.sourceMapsEnabled) {
  const { runBundle } = await import(new URL('../dist/cli/supervisor/bundle-runner.js', import.meta.url).href);
  // The cache is per user and installation (the temporary folder), written as the first command exits.
  const installation = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  const cacheDir = join(tmpdir(), `prizmai-cache-${process.getuid?.() ?? 'user'}`, installation);
  main = runBundle(bundle, cacheDir, 'atExit').main;
} else {
  main = (await import(entry.href)).main;
}
await main(process.argv);
