import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../log.js';
import type { AppEnv } from './env.js';

/**
 * One JSON line per request: method, route pattern (never the raw URL, which may carry `?token=`),
 * status, duration and user id. Bodies and headers are never logged, so neither are tokens nor passwords.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const handler = matchedRoutes(c)
        .filter((route) => route.method !== 'ALL')
        .at(-1);
      logger.info('request', {
        method: c.req.method,
        route: handler?.path ?? null,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        user_id: c.get('actor')?.id ?? null,
      });
    }
  };
}
