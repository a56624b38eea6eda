import { createRoute, z } from '@hono/zod-openapi';
import { login, logout, register } from '../domain/auth.js';
import type { DomainDeps } from '../domain/deps.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../domain/users.js';
import { authGuards } from '../http/auth.js';
import { noQuery } from '../http/no-query.js';
import { bearer, body, E400, E401, E403, E409, E413, E429, E503, json, router } from './openapi.js';
import { name, text, User, Username } from './schemas.js';

const Password = text().min(PASSWORD_MIN).max(PASSWORD_MAX);
const Session = z.object({ user: User, token: z.string() });

export function authRoutes(deps: DomainDeps) {
  const { authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/register',
        middleware: noQuery(),
        tags: ['auth'],
        summary: 'Create an account (when auth.registration is open)',
        request: {
          ...body(z.strictObject({ username: Username, password: Password, display_name: name(150).optional() })),
        },
        responses: { 201: json(Session, 'The new user and an API token'), ...E400, ...E403, ...E409, ...E413, ...E503 },
      }),
      async (c) => c.json(await register(deps, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/login',
        middleware: noQuery(),
        tags: ['auth'],
        summary: 'Exchange a username and password for an API token',
        request: {
          ...body(z.strictObject({ username: text().max(150), password: z.string().max(PASSWORD_MAX) })),
        },
        responses: { 200: json(Session, 'The user and a new API token'), ...E400, ...E401, ...E413, ...E429, ...E503 },
      }),
      async (c) => c.json(await login(deps, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/logout',
        tags: ['auth'],
        summary: 'Revoke the token in use',
        middleware: authNoQuery,
        security: bearer,
        responses: { 204: { description: 'Revoked' }, ...E401, ...E503 },
      }),
      async (c) => {
        await logout(deps, c.get('token'));
        return c.body(null, 204);
      },
    );
}
