import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { DomainErrorCode } from '../domain/errors.js';

export const STATUS_OF: Record<DomainErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** SPEC §6: `{"error": {"code", "message"}}`, plus the offending `field` for invalid_request. */
export interface ErrorBody {
  error: { code: DomainErrorCode | 'internal'; message: string; field?: string };
}

export function errorResponse(
  c: Context,
  code: DomainErrorCode | 'internal',
  message: string,
  options: { field?: string | undefined; retryAfter?: number | undefined } = {},
): Response {
  const status = code === 'internal' ? 500 : STATUS_OF[code];
  const body: ErrorBody = { error: { code, message, ...(options.field ? { field: options.field } : {}) } };
  if (options.retryAfter !== undefined) c.header('Retry-After', String(options.retryAfter));
  // The rest of an oversized body is never read: close the connection rather than reuse it.
  if (code === 'payload_too_large') c.header('Connection', 'close');
  return c.json(body, status);
}
