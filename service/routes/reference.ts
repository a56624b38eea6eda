import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { requireCjs } from '../cjs.js';
import type { AppEnv } from '../http/env.js';
import { asyncApiDocument } from '../realtime/asyncapi.js';

// The API's reference, outside /api/v1 and its auth (SPEC §6): GET /docs renders /openapi.json with
// Swagger UI, whose two assets the service serves itself from swagger-ui-dist (the machines that run
// it may have no internet, and a CDN would see who reads the docs); GET /asyncapi.json describes §7.

const ASSETS_BASE = '/docs/assets';
/** The only files served under ASSETS_BASE, by the name @hono/swagger-ui asks for. */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

export function referenceRoutes(fallbackHost: string) {
  const app = new Hono<AppEnv>();
  const assetDir = dirname(requireCjs.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Promise<Buffer>>();

  app.get(
    '/docs',
    swaggerUI({ url: '/openapi.json', baseUrl: ASSETS_BASE, title: 'prizmai API reference', deepLinking: true }),
  );
  app.get(`${ASSETS_BASE}/swagger-ui-dist/:file`, async (c) => {
    const file = c.req.param('file');
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) return c.json({ error: { code: 'not_found', message: 'no such asset' } }, 404);
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readFile(join(assetDir, file));
      cache.set(file, bytes);
      bytes.catch(() => cache.delete(file));
    }
    return c.body(new Uint8Array(await bytes), 200, {
      'Content-Type': type,
      // The files change only with the package: a day in the browser's cache.
      'Cache-Control': 'public, max-age=86400',
    });
  });
  // The server's address as the client reached it, when the Host header is one (else the bind address).
  app.get('/asyncapi.json', (c) => {
    const host = c.req.header('host');
    return c.json(
      asyncApiDocument(
        host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : fallbackHost,
      ),
    );
  });
  return app;
}
