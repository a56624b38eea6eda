import { createRoute, z } from '@hono/zod-openapi';
import {
  addBoardMember,
  createBoard,
  getBoard,
  listBoardMembers,
  listBoards,
  removeBoardMember,
} from '../domain/boards.js';
import type { DomainDeps } from '../domain/deps.js';
import { authGuards } from '../http/auth.js';
import { bearer, body, E400, E401, E403, E404, E409, E413, E503, json, router } from './openapi.js';
import { Board, IdParams, IdUsernameParams, name, User, Username } from './schemas.js';

const BoardBody = z.object({ board: Board });

export function boardsRoutes(deps: DomainDeps) {
  const { authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/boards',
        tags: ['boards'],
        summary: 'Create a board; the caller becomes its owner and first member',
        middleware: authNoQuery,
        security: bearer,
        request: { ...body(z.strictObject({ name: name(100) })) },
        responses: { 201: json(BoardBody, 'The new board'), ...E400, ...E401, ...E503, ...E413 },
      }),
      async (c) => c.json({ board: await createBoard(deps, c.get('actor'), c.req.valid('json')) }, 201),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/boards',
        tags: ['boards'],
        summary: 'Boards the caller belongs to',
        middleware: authNoQuery,
        security: bearer,
        responses: { 200: json(z.object({ boards: z.array(Board) }), 'Boards'), ...E401, ...E503 },
      }),
      async (c) => c.json({ boards: await listBoards(deps, c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/boards/{id}',
        tags: ['boards'],
        summary: 'One board the caller belongs to',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(BoardBody, 'The board'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ board: await getBoard(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/boards/{id}/members',
        tags: ['boards'],
        summary: 'Members of a board',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(z.object({ members: z.array(User) }), 'Members'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ members: await listBoardMembers(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/boards/{id}/members',
        tags: ['boards'],
        summary: 'Add a member (owner only); adding a member twice changes nothing',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams, ...body(z.strictObject({ username: Username })) },
        responses: {
          201: json(z.object({ user: User }), 'Added'),
          200: json(z.object({ user: User }), 'Already a member'),
          ...E400,
          ...E401,
          ...E503,
          ...E403,
          ...E404,
          ...E413,
        },
      }),
      async (c) => {
        const { user, added } = await addBoardMember(
          deps,
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json').username,
        );
        return added ? c.json({ user }, 201) : c.json({ user }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/boards/{id}/members/{username}',
        tags: ['boards'],
        summary: 'Remove a member (owner only); they also leave the board’s rooms',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdUsernameParams },
        responses: { 204: { description: 'Removed' }, ...E400, ...E401, ...E503, ...E403, ...E404, ...E409 },
      }),
      async (c) => {
        const { id, username } = c.req.valid('param');
        await removeBoardMember(deps, c.get('actor'), id, username);
        return c.body(null, 204);
      },
    );
}
