import { createRoute, z } from '@hono/zod-openapi';
import type { DomainDeps } from '../domain/deps.js';
import {
  countUnreadNotifications,
  deleteAllNotifications,
  deleteNotification,
  listNotifications,
  readAllNotifications,
  readNotification,
} from '../domain/notifications.js';
import { authGuards } from '../http/auth.js';
import { bearer, E400, E401, E404, E503, json, router } from './openapi.js';
import { Count, IdParams, Notification, NotificationsQuery } from './schemas.js';

export function notificationsRoutes(deps: DomainDeps) {
  const { auth, authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/notifications',
        tags: ['notifications'],
        summary: 'The caller’s notifications, newest first (before= for older)',
        middleware: auth,
        security: bearer,
        request: { query: NotificationsQuery },
        responses: {
          200: json(z.object({ notifications: z.array(Notification), has_more: z.boolean() }), 'A page'),
          ...E400,
          ...E401,
          ...E503,
        },
      }),
      async (c) => {
        const page = await listNotifications(deps, c.get('actor'), c.req.valid('query'));
        return c.json({ notifications: page.items, has_more: page.has_more }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/notifications/count',
        tags: ['notifications'],
        summary: 'How many of the caller’s notifications are unread',
        middleware: authNoQuery,
        security: bearer,
        responses: { 200: json(Count, 'Unread count'), ...E401, ...E503 },
      }),
      async (c) => c.json({ count: await countUnreadNotifications(deps, c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/notifications/read-all',
        tags: ['notifications'],
        summary: 'Mark all of the caller’s notifications read',
        middleware: authNoQuery,
        security: bearer,
        responses: { 200: json(Count, 'How many were marked'), ...E401, ...E503 },
      }),
      async (c) => c.json({ count: await readAllNotifications(deps, c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/notifications/{id}/read',
        tags: ['notifications'],
        summary: 'Mark one notification read',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: {
          200: json(z.object({ notification: Notification }), 'The notification'),
          ...E400,
          ...E401,
          ...E503,
          ...E404,
        },
      }),
      async (c) => c.json({ notification: await readNotification(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/notifications/{id}',
        tags: ['notifications'],
        summary: 'Delete one notification',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 204: { description: 'Deleted' }, ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => {
        await deleteNotification(deps, c.get('actor'), c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/notifications',
        tags: ['notifications'],
        summary: 'Delete all of the caller’s notifications',
        middleware: authNoQuery,
        security: bearer,
        responses: { 200: json(Count, 'How many were deleted'), ...E401, ...E503 },
      }),
      async (c) => c.json({ count: await deleteAllNotifications(deps, c.get('actor')) }, 200),
    );
}
