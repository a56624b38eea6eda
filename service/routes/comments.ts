import { createRoute, z } from '@hono/zod-openapi';
import { listComments, postComment } from '../domain/comments.js';
import type { DomainDeps } from '../domain/deps.js';
import { authGuards } from '../http/auth.js';
import { bearer, body, E400, E401, E404, E409, E413, E429, E503, json, router } from './openapi.js';
import { ClientId, Comment, Content, IdParams, PageQuery } from './schemas.js';

const CommentBody = z.object({ comment: Comment });

export function commentsRoutes(deps: DomainDeps) {
  const { auth, authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/tasks/{id}/comments',
        tags: ['comments'],
        summary: 'Comment on a task (board members); repeating a client_id answers the original (200)',
        middleware: authNoQuery,
        security: bearer,
        request: {
          params: IdParams,
          ...body(z.strictObject({ content: Content, client_id: ClientId })),
        },
        responses: {
          201: json(CommentBody, 'Stored'),
          200: json(CommentBody, 'The comment this client_id already stored'),
          ...E400,
          ...E401,
          ...E404,
          ...E409,
          ...E413,
          ...E429,
          ...E503,
        },
      }),
      async (c) => {
        const { comment, created, announced } = await postComment(
          deps,
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json'),
        );
        // Answered once subscribers and the worker have been told, as a caller of an API expects.
        await announced;
        return created ? c.json({ comment }, 201) : c.json({ comment }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/tasks/{id}/comments',
        tags: ['comments'],
        summary: 'Comment history by keyset, ascending within the page',
        middleware: auth,
        security: bearer,
        request: { params: IdParams, query: PageQuery },
        responses: {
          200: json(z.object({ comments: z.array(Comment), has_more: z.boolean() }), 'A page'),
          ...E400,
          ...E401,
          ...E503,
          ...E404,
        },
      }),
      async (c) => {
        const page = await listComments(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('query'));
        return c.json({ comments: page.items, has_more: page.has_more }, 200);
      },
    );
}
