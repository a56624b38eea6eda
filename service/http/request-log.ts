import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../log.js';
import type { AppEnv } from './env.js';

/**
 * One JSON line per request: method, route pattern (never the raw URL, which may carry `?token=`),
 * status, duration and user id. Bodies and headers are never logged, so neither are tokens nor passwords.
 */
export function requestLog(
  logger: Logger,
  /** Also told of each request (the /metrics figures). */
  observe?: (method: string, route: string | null, status: number, seconds: number) => void,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const handler = matchedRoutes(c)
        .filter((route) => route.method !== 'ALL')
        .at(-1);
      const ms = performance.now() - started;
      const route = handler?.path ?? null;
      logger.info('request', {
        method: c.req.method,
        route,
        status: c.res.status,
        duration_ms: Math.round(ms * 100) / 100,
        user_id: c.get('actor')?.id ?? null,
      });
      observe?.(c.req.method, route, c.res.status, ms / 1000);
    }
  };
}
