import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from '../domain/errors.js';
import { errorFields, type Logger } from '../log.js';
import { dependencyUnavailable } from '../unavailable.js';
import { errorResponse } from './error-body.js';

/** The one place a thrown error becomes a response: DomainError by code, Hono's own by status. */
export function onError(logger: Logger) {
  return (error: Error, c: Context): Response => {
    const refused = error instanceof DomainError ? error : dependencyUnavailable(error);
    if (refused) {
      return errorResponse(c, refused.code, refused.message, { field: refused.field, retryAfter: refused.retryAfter });
    }
    if (error instanceof HTTPException) {
      // Hono's validators: malformed JSON (400) or a body that is not JSON (415).
      if (error.status === 400 || error.status === 415) {
        const message =
          error.status === 415 ? 'the request body must be JSON (Content-Type: application/json)' : error.message;
        return errorResponse(c, 'invalid_request', `body: ${message}`, { field: 'body' });
      }
      if (error.status === 401) return errorResponse(c, 'unauthenticated', error.message);
      if (error.status === 404) return errorResponse(c, 'not_found', 'no such route');
      if (error.status === 413) return errorResponse(c, 'payload_too_large', error.message);
      if (error.status < 500) return errorResponse(c, 'invalid_request', error.message);
    }
    // The route, not the path with its ids; the error's code and message, never SQL or bound values.
    logger.error('unhandled error', { method: c.req.method, route: c.req.routePath, ...errorFields(error) });
    return errorResponse(c, 'internal', 'internal error');
  };
}

export function notFoundHandler(c: Context): Response {
  return errorResponse(c, 'not_found', `no route ${c.req.method} ${c.req.path}`);
}
