import { createRoute, z } from '@hono/zod-openapi';
import type { DomainDeps } from '../domain/deps.js';
import { deleteMessage, editMessage, listMessages, postMessage, searchMessages } from '../domain/messages.js';
import { authGuards } from '../http/auth.js';
import { bearer, body, E400, E401, E403, E404, E409, E413, E429, E503, json, router } from './openapi.js';
import { ClientId, Content, IdParams, Message, PageQuery, SearchQuery } from './schemas.js';

const MessageBody = z.object({ message: Message });
const MessagePage = z.object({ messages: z.array(Message), has_more: z.boolean() });
const SearchPage = MessagePage.extend({
  scanned_to: z.number().int().nullable().openapi({
    description: 'Search further back with before=scanned_to; null once the room’s first message was looked at',
  }),
});

export function messagesRoutes(deps: DomainDeps) {
  const { auth, authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/rooms/{id}/messages',
        tags: ['messages'],
        summary: 'Post a message; repeating a client_id answers the original (200)',
        middleware: authNoQuery,
        security: bearer,
        request: {
          params: IdParams,
          ...body(z.strictObject({ content: Content, client_id: ClientId })),
        },
        responses: {
          201: json(MessageBody, 'Stored'),
          200: json(MessageBody, 'The message this client_id already stored'),
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
        const { message, created, announced } = await postMessage(
          deps,
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json'),
        );
        // Answered once subscribers and the worker have been told, as a caller of an API expects.
        await announced;
        return created ? c.json({ message }, 201) : c.json({ message }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/rooms/{id}/messages',
        tags: ['messages'],
        summary: 'History by keyset (before/after an id), ascending within the page',
        middleware: auth,
        security: bearer,
        request: { params: IdParams, query: PageQuery },
        responses: { 200: json(MessagePage, 'A page'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => {
        const page = await listMessages(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('query'));
        return c.json({ messages: page.items, has_more: page.has_more }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/rooms/{id}/messages/search',
        tags: ['messages'],
        summary:
          'Messages of the room containing q (newest page first; page ascending; each call scans at most 5,000 messages: before=scanned_to for older)',
        middleware: auth,
        security: bearer,
        request: { params: IdParams, query: SearchQuery },
        responses: { 200: json(SearchPage, 'Matches'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => {
        const { q, ...page } = c.req.valid('query');
        const result = await searchMessages(deps, c.get('actor'), c.req.valid('param').id, q, page);
        return c.json({ messages: result.items, has_more: result.has_more, scanned_to: result.scanned_to }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/messages/{id}',
        tags: ['messages'],
        summary: 'Edit a message (author only)',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams, ...body(z.strictObject({ content: Content })) },
        responses: {
          200: json(MessageBody, 'Edited'),
          ...E400,
          ...E401,
          ...E403,
          ...E404,
          ...E409,
          ...E413,
          ...E429,
          ...E503,
        },
      }),
      async (c) =>
        c.json({ message: await editMessage(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/messages/{id}',
        tags: ['messages'],
        summary: 'Delete a message (author or room creator); it stays as a tombstone',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(MessageBody, 'The tombstone'), ...E400, ...E401, ...E503, ...E403, ...E404 },
      }),
      async (c) => c.json({ message: await deleteMessage(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    );
}
