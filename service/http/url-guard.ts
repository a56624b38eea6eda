import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';

/**
 * Refuses URLs whose percent-encoding is malformed or not UTF-8 (`%FF`, a bare `%`): Hono would pass
 * such text through undecoded, so a query like `?q=%FF` would silently search for the literal "%FF".
 */
export function urlGuard(): MiddlewareHandler {
  return async (c, next) => {
    const url = c.req.url;
    const start = url.indexOf('/', url.indexOf('//') + 2);
    try {
      decodeURIComponent(start < 0 ? '' : url.slice(start));
    } catch {
      throw new DomainError('invalid_request', 'url: malformed percent-encoding or invalid UTF-8', 'url');
    }
    await next();
  };
}
