import { createRoute, z } from '@hono/zod-openapi';
import type { DomainDeps } from '../domain/deps.js';
import { markRead, unread } from '../domain/reads.js';
import { authGuards } from '../http/auth.js';
import { bearer, E400, E401, E404, E413, E503, json, router } from './openapi.js';
import { IdNumber, IdParams, ReadMarker, RoomUnread } from './schemas.js';

export function readsRoutes(deps: DomainDeps) {
  const { authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/rooms/{id}/read',
        tags: ['read tracking'],
        summary: 'Move the caller’s read marker forward (default: to the latest message)',
        middleware: authNoQuery,
        security: bearer,
        request: {
          params: IdParams,
          body: {
            content: { 'application/json': { schema: z.strictObject({ message_id: IdNumber.optional() }) } },
            required: false,
          },
        },
        responses: {
          200: json(z.object({ read_marker: ReadMarker }), 'The marker and what is still unread'),
          ...E400,
          ...E401,
          ...E503,
          ...E404,
          ...E413,
        },
      }),
      async (c) => {
        const { message_id } = c.req.valid('json');
        return c.json({ read_marker: await markRead(deps, c.get('actor'), c.req.valid('param').id, message_id) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/unread',
        tags: ['read tracking'],
        summary: 'Unread messages (and mentions of the caller) per room',
        middleware: authNoQuery,
        security: bearer,
        responses: {
          200: json(z.object({ rooms: z.array(RoomUnread), total: z.number().int() }), 'Unread counts'),
          ...E401,
          ...E503,
        },
      }),
      async (c) => c.json(await unread(deps, c.get('actor')), 200),
    );
}
