import { createRoute, z } from '@hono/zod-openapi';
import { me } from '../domain/auth.js';
import type { DomainDeps } from '../domain/deps.js';
import { autocompleteUsers } from '../domain/user-search.js';
import { authGuards } from '../http/auth.js';
import { bearer, E400, E401, E404, E503, json, router } from './openapi.js';
import { User, UsersQuery } from './schemas.js';

export function usersRoutes(deps: DomainDeps) {
  const { auth, authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/me',
        tags: ['users'],
        summary: 'The caller',
        middleware: authNoQuery,
        security: bearer,
        responses: { 200: json(z.object({ user: User }), 'The caller'), ...E401, ...E503 },
      }),
      async (c) => c.json({ user: await me(deps, c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/users',
        tags: ['users'],
        summary: 'Mention autocomplete among members of the caller’s boards (or of one board or room)',
        middleware: auth,
        security: bearer,
        request: { query: UsersQuery },
        responses: {
          200: json(z.object({ users: z.array(User) }), 'At most 10 users'),
          ...E400,
          ...E401,
          ...E503,
          ...E404,
        },
      }),
      async (c) => c.json({ users: await autocompleteUsers(deps, c.get('actor'), c.req.valid('query')) }, 200),
    );
}
