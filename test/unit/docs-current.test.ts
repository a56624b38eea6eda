// The generated pages of docs/ are current: regenerated from the OpenAPI document, the config schema
// and the frame schemas, they equal what is committed (`npm run docs` rewrites them).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedPages } from '../../scripts/generate-docs.js';

describe('docs/', () => {
  it('the generated pages match their sources (else: npm run docs)', async () => {
    const pages = await generatedPages();
    expect(Object.keys(pages).sort()).toEqual(['configuration.md', 'http-api.md', 'websocket-frames.md']);
    for (const [name, text] of Object.entries(pages)) {
      const committed = readFileSync(resolve(import.meta.dirname, '../../docs', name), 'utf8');
      expect(committed, `docs/${name} is out of date: run npm run docs`).toBe(text);
    }
  });

  it('the pages carry what they are generated from: every route, every config key, every frame', async () => {
    const pages = await generatedPages();
    expect(pages['http-api.md']).toContain('### `POST /api/v1/rooms/{id}/messages`');
    expect(pages['http-api.md']).toContain('### `GET /api/v1/notifications`');
    expect(pages['configuration.md']).toMatch(
      /\| `service\.port` \| integer 1–65535 \| `8000` \| `PRIZMAI_PORT` \| `--port` \|/,
    );
    expect(pages['configuration.md']).toContain('`limits.connectionsPerUser`');
    for (const frame of ['subscribe', 'ping', 'chat_message', 'message_edited', 'notification', 'ack', 'error']) {
      expect(pages['websocket-frames.md']).toContain(`| \`${frame}\` |`);
    }
  });
});
