import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configurationPage } from './docs/configuration.js';
import { httpApiPage } from './docs/http-api.js';
import { websocketFramesPage } from './docs/websocket-frames.js';

// `npm run docs`: writes the generated pages of docs/ (`--check`: exits 1 naming those out of date).

export async function generatedPages(): Promise<Record<string, string>> {
  return {
    'http-api.md': await httpApiPage(),
    'configuration.md': configurationPage(),
    'websocket-frames.md': websocketFramesPage(),
  };
}

async function main(): Promise<void> {
  // dist/scripts/generate-docs.js or scripts/generate-docs.ts → the repository's docs/.
  const root = new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url);
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [name, text] of Object.entries(await generatedPages())) {
    const path = fileURLToPath(new URL(`docs/${name}`, root));
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // Not written yet.
    }
    if (current === text) continue;
    stale.push(`docs/${name}`);
    if (!check) writeFileSync(path, text);
  }
  if (check && stale.length) {
    process.stderr.write(`out of date: ${stale.join(', ')} (run npm run docs)\n`);
    process.exitCode = 1;
  } else process.stdout.write(stale.length ? `wrote ${stale.join(', ')}\n` : 'docs/ is current\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
