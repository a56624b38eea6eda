import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configurationPage } from './docs/configuration.js';
import { httpApiPage } from './docs/http-api.js';
import { websocketFramesPage } from './docs/websocket-frames.js';

// `npm run docs`: writes the generated pages of docs/ (test/unit/docs-current.test.ts checks they are current).

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
  const written: string[] = [];
  for (const [name, text] of Object.entries(await generatedPages())) {
    const path = fileURLToPath(new URL(`docs/${name}`, root));
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // Not written yet.
    }
    if (current === text) continue;
    writeFileSync(path, text);
    written.push(`docs/${name}`);
  }
  process.stdout.write(written.length ? `wrote ${written.join(', ')}\n` : 'docs/ is current\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
