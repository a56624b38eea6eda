import type { ResolvedConfig } from '../config/types.js';
import { createApp, OPENAPI_INFO } from './app.js';

// The OpenAPI document without a running service (for docs/http-api.md): the app's routes registered
// over dependencies that are never there. Registering a route touches none of them; should one ever
// be touched, the proxy throws naming it rather than document a half-built app.
const absent = (name: string) =>
  new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`${name}.${String(key)} was used while only documenting the routes`);
      },
    },
  );

export function openApiDocument(config: ResolvedConfig) {
  const app = createApp({
    config: { ...config, service: { ...config.service, metrics: true } },
    db: absent('db') as never,
    redis: absent('redis') as never,
    mentions: absent('mentions') as never,
    domain: absent('domain') as never,
    logger: absent('logger') as never,
  });
  return app.getOpenAPIDocument(OPENAPI_INFO);
}
