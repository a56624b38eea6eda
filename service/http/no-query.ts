import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';

/** For routes that take no query parameters: an unknown one is refused, never silently ignored. */
export function noQuery(): MiddlewareHandler {
  return async (c, next) => {
    const names = Object.keys(c.req.queries());
    if (names.length > 0) {
      throw new DomainError('invalid_request', `${names[0]}: unknown query parameter`, names[0]);
    }
    await next();
  };
}
