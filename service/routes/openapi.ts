import { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { validationHook } from '../http/validation-hook.js';
import { ErrorBody } from './schemas.js';

/** A sub-app whose validators all fail the same way: invalid_request naming the field. */
export function router() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description } as const;
}

/** A required JSON request body. */
export function body<T extends z.ZodType>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } } as const;
}

const error = (description: string) => json(ErrorBody, description);

// Error responses, spread into each route's `responses` (documentation and typed client alike).
export const E400 = { 400: error('invalid_request: a field is missing or malformed (named in `field`)') } as const;
export const E401 = { 401: error('unauthenticated: missing, unknown or revoked token') } as const;
export const E403 = { 403: error('forbidden') } as const;
export const E404 = { 404: error('not_found: no such resource, or not visible to the caller') } as const;
export const E409 = { 409: error('conflict') } as const;
export const E413 = { 413: error('payload_too_large: body over 64 KiB') } as const;
export const E429 = { 429: error('rate_limited: retry after `Retry-After` seconds') } as const;
/** Every route that reaches Redis or the database (SPEC §6): one of them is down, locked past its wait or not answering. */
export const E503 = {
  503: error('unavailable: Redis or the database is down, locked or not answering; retry shortly'),
} as const;

/** Routes that need `Authorization: Bearer <token>`. */
export const bearer = [{ bearer: [] as string[] }];
