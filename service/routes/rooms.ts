import { createRoute, z } from '@hono/zod-openapi';
import type { DomainDeps } from '../domain/deps.js';
import { addRoomMember, listRoomMembers, removeRoomMember } from '../domain/room-members.js';
import { createRoom, deleteRoom, getRoom, listRooms, updateRoom } from '../domain/rooms.js';
import { authGuards } from '../http/auth.js';
import { bearer, body, E400, E401, E403, E404, E409, E413, E503, json, router } from './openapi.js';
import { IdParams, IdUsernameParams, name, Room, text, User, Username } from './schemas.js';

const RoomBody = z.object({ room: Room });
const Description = text().max(2000);

export function roomsRoutes(deps: DomainDeps) {
  const { authNoQuery } = authGuards(deps);
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/boards/{id}/rooms',
        tags: ['rooms'],
        summary: 'Rooms of a board (board members)',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(z.object({ rooms: z.array(Room) }), 'Rooms'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ rooms: await listRooms(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/boards/{id}/rooms',
        tags: ['rooms'],
        summary: 'Create a room; the creator is always a member; members must be board members',
        middleware: authNoQuery,
        security: bearer,
        request: {
          params: IdParams,
          ...body(
            z.strictObject({
              name: name(100),
              description: Description.optional(),
              members: z.array(Username).max(1000).optional(),
            }),
          ),
        },
        responses: { 201: json(RoomBody, 'The new room'), ...E400, ...E401, ...E503, ...E404, ...E409, ...E413 },
      }),
      async (c) =>
        c.json({ room: await createRoom(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json')) }, 201),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/rooms/{id}',
        tags: ['rooms'],
        summary: 'One room (members)',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(RoomBody, 'The room'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ room: await getRoom(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/rooms/{id}',
        tags: ['rooms'],
        summary: 'Rename or describe a room (its creator or the board owner)',
        middleware: authNoQuery,
        security: bearer,
        request: {
          params: IdParams,
          ...body(z.strictObject({ name: name(100).optional(), description: Description.optional() })),
        },
        responses: { 200: json(RoomBody, 'The room'), ...E400, ...E401, ...E503, ...E403, ...E404, ...E409, ...E413 },
      }),
      async (c) =>
        c.json({ room: await updateRoom(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/rooms/{id}',
        tags: ['rooms'],
        summary: 'Delete a room and its messages (its creator or the board owner)',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 204: { description: 'Deleted' }, ...E400, ...E401, ...E503, ...E403, ...E404 },
      }),
      async (c) => {
        await deleteRoom(deps, c.get('actor'), c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/rooms/{id}/members',
        tags: ['rooms'],
        summary: 'Members of a room',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams },
        responses: { 200: json(z.object({ members: z.array(User) }), 'Members'), ...E400, ...E401, ...E503, ...E404 },
      }),
      async (c) => c.json({ members: await listRoomMembers(deps, c.get('actor'), c.req.valid('param').id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/rooms/{id}/members',
        tags: ['rooms'],
        summary: 'Add a board member to the room (a board member may add themselves: join)',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdParams, ...body(z.strictObject({ username: Username })) },
        responses: {
          201: json(z.object({ user: User }), 'Added'),
          200: json(z.object({ user: User }), 'Already a member'),
          ...E400,
          ...E401,
          ...E503,
          ...E404,
          ...E413,
        },
      }),
      async (c) => {
        const { user, added } = await addRoomMember(
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
        path: '/rooms/{id}/members/{username}',
        tags: ['rooms'],
        summary: 'Leave the room, or remove a member (room creator or board owner)',
        middleware: authNoQuery,
        security: bearer,
        request: { params: IdUsernameParams },
        responses: { 204: { description: 'Removed' }, ...E400, ...E401, ...E503, ...E403, ...E404 },
      }),
      async (c) => {
        const { id, username } = c.req.valid('param');
        await removeRoomMember(deps, c.get('actor'), id, username);
        return c.body(null, 204);
      },
    );
}
