import { createRoute, z } from '@hono/zod-openapi';
import type { DomainDeps } from '../domain/deps.js';
import { createTask, getTask, listTasks } from '../domain/tasks.js';
import { authGuards } from '../http/auth.js';
import { bearer, body, E400, E401, E404, E413, E503, json, router } from './openapi.js';
import { IdParams, name, Task, Username } from './schemas.js';

export function tasksRoutes(deps: DomainDeps) {
  const { authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/boards/{id}/tasks',
        tags: ['tasks'],
        summary: 'Create a task on a board (board members)',
        middleware: authNoQuery,
        security: bearer,
        request: {
          params: IdParams,
          ...body(z.strictObject({ title: name(200), assignee: Username.optional() })),
        },
        responses: { 201: json(z.object({ task: Task }), 'The new task'), ...E400, ...E401, ...E503, ...E404, ...E413 },
      }),
      async (c) =>
        c.json({ task: await createTask(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json')) }, 201),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/boards/{id}/tasks',
        tags: ['tasks'],
        summary: 'Tasks of a board',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(z.object({ tasks: z.array(Task) }), 'Tasks'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ tasks: await listTasks(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/tasks/{id}',
        tags: ['tasks'],
        summary: 'One task',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(z.object({ task: Task }), 'The task'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ task: await getTask(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    );
}
