import type { MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { authenticate } from '../domain/auth.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './env.js';
import { noQuery } from './no-query.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The token of an `Authorization: Bearer <token>` header (HTTP routes and the WebSocket handshake). */
export function bearerToken(header: string | undefined): string | undefined {
  return BEARER.exec(header ?? '')?.[1];
}

/** `Authorization: Bearer <token>` → the caller, or 401. */
export function requireAuth(deps: DomainDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    const actor = token ? await authenticate(deps, token) : null;
    if (!actor || !token) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new DomainError('unauthenticated', 'a valid bearer token is required (Authorization: Bearer <token>)');
    }
    c.set('actor', actor);
    c.set('token', token);
    await next();
  };
}

/** The guards of an authenticated route group: `auth`, and `authNoQuery` that also refuses a query string. */
export function authGuards(deps: DomainDeps): {
  auth: MiddlewareHandler<AppEnv>;
  authNoQuery: MiddlewareHandler<AppEnv>;
} {
  const auth = requireAuth(deps);
  return { auth, authNoQuery: every(auth, noQuery()) };
}
