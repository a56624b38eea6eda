#!/usr/bin/env node
// The launcher: everything else lives in the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'prizmai: the CLI is not built yet; run `npm install` (or `npm run build`) in the package folder\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
