// The API's reference documents, served by the real service: /asyncapi.json is a valid AsyncAPI 3
// document (checked by @asyncapi/parser) that lists every frame of SPEC §7, and /docs renders the
// OpenAPI document in a real headless Chromium with every route listed, its assets served locally.

import { Parser } from '@asyncapi/parser';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../fixtures/chromium.js';
import { type DatabaseFactory, databaseFactories } from '../fixtures/databases.js';
import { useService } from './support/world.js';

// SPEC §7's frames, written out here so the document is checked against the contract, not itself.
const CLIENT_FRAMES = ['subscribe', 'unsubscribe', 'chat_message', 'comment', 'typing', 'stop_typing', 'ping'];
const SERVER_FRAMES = [
  'chat_message',
  'message_edited',
  'message_deleted',
  'new_comment',
  'user_join',
  'user_leave',
  'user_typing',
  'user_stop_typing',
  'notification',
  'error',
  'subscribed',
  'unsubscribed',
  'ack',
  'pong',
];

describe('API reference documents', () => {
  // SQLite: the documents do not depend on the database.
  const ctx = useService(databaseFactories()[0] as DatabaseFactory);

  it('/asyncapi.json is a valid AsyncAPI 3 document listing every client and server frame', async () => {
    const response = await fetch(`${ctx.service.url}/asyncapi.json`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const { document, diagnostics } = await new Parser().parse(text);
    // Severity 0 is an error, 1 a warning: neither may be there.
    expect(
      diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`),
    ).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
    const ws = document
      ?.channels()
      .all()
      .find((channel) => channel.address() === '/ws');
    expect(ws).toBeDefined();
    const received = new Set<string>();
    const sent = new Set<string>();
    for (const operation of ws?.operations().all() ?? []) {
      for (const message of operation.messages().all()) {
        (operation.action() === 'receive' ? received : sent).add(message.name() as string);
      }
    }
    expect([...received].sort()).toEqual([...CLIENT_FRAMES].sort());
    expect([...sent].sort()).toEqual([...SERVER_FRAMES].sort());
    // The payloads are the validating schemas: a subscribe names its stream's pattern and refuses other keys.
    const subscribe = ws
      ?.messages()
      .all()
      .find((m) => m.name() === 'subscribe');
    const payload = subscribe?.payload()?.json() as {
      properties: { stream: { pattern: string } };
      additionalProperties: boolean;
    };
    expect(payload.properties.stream.pattern).toContain('notifications');
    expect(payload.additionalProperties).toBe(false);
    const addresses = document
      ?.channels()
      .all()
      .map((channel) => channel.address());
    expect(addresses).toEqual(expect.arrayContaining(['/ws/chat-room/{room_id}/', '/ws/task-comments/{task_id}/']));
  });

  const browser = chromiumPath();
  it.skipIf(!browser)(
    '/docs renders the OpenAPI document in headless Chromium, every route listed',
    async () => {
      const instance = await chromium.launch({
        executablePath: browser,
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await instance.newPage();
        const external: string[] = [];
        page.on('request', (request) => {
          if (!request.url().startsWith(ctx.service.url)) external.push(request.url());
        });
        const openapi = (await (await fetch(`${ctx.service.url}/openapi.json`)).json()) as {
          paths: Record<string, Record<string, unknown>>;
        };
        await page.goto(`${ctx.service.url}/docs`);
        await page.waitForSelector('.opblock', { timeout: 20_000 });
        const listed = await page.$$eval('.opblock-summary', (blocks) =>
          blocks.map((block) => {
            const method = block.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase();
            const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path');
            return `${method} ${path}`;
          }),
        );
        const expected = Object.entries(openapi.paths).flatMap(([path, methods]) =>
          Object.keys(methods).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, '{$1}')}`),
        );
        expect(expected.length).toBeGreaterThan(30);
        expect(listed.sort()).toEqual(expected.sort());
        expect(await page.title()).toBe('prizmai API reference');
        // Everything the page loaded came from the service itself (no CDN).
        expect(external).toEqual([]);
      } finally {
        // playwright gave it a fresh profile of its own, removed with it.
        await instance.close();
      }
    },
    60_000,
  );
});
