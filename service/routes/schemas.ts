import { z } from '@hono/zod-openapi';
import { PAGE_DEFAULT, PAGE_MAX } from '../domain/keyset.js';
import { ClientId, Content, IdNumber, MAX_ID, name, text, Username } from '../input/fields.js';

export { ClientId, Content, IdNumber, MAX_ID, name, text, Username };

// Request and response schemas: they validate every input and generate /openapi.json.

/** A positive integer id in a path or query: digits only, within PostgreSQL's int. */
export const IdString = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer id')
  .transform(Number)
  .refine((value) => value <= MAX_ID, `must be at most ${MAX_ID}`);

/** A keyset cursor: an id, or 0 for "from the beginning". */
export const CursorString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,9})$/, 'must be a non-negative integer id')
  .transform(Number)
  .refine((value) => value <= MAX_ID, `must be at most ${MAX_ID}`);

export const IdParams = z.object({ id: IdString.openapi({ param: { name: 'id', in: 'path' }, example: '42' }) });
export const IdUsernameParams = z.object({
  id: IdString.openapi({ param: { name: 'id', in: 'path' }, example: '42' }),
  username: Username.openapi({ param: { name: 'username', in: 'path' }, example: 'john.doe' }),
});

const Limit = z
  .string()
  .regex(/^[0-9]{1,3}$/, `must be an integer from 1 to ${PAGE_MAX}`)
  .transform(Number)
  .refine((value) => value >= 1 && value <= PAGE_MAX, `must be an integer from 1 to ${PAGE_MAX}`)
  .optional()
  .transform((value) => value ?? PAGE_DEFAULT)
  .openapi({ type: 'integer', minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT });

export const PageQuery = z.strictObject({
  before: CursorString.optional(),
  after: CursorString.optional(),
  limit: Limit,
});

export const SearchQuery = z.strictObject({
  q: name(200),
  before: CursorString.optional(),
  limit: Limit,
});

export const NotificationsQuery = z.strictObject({
  unread: z
    .enum(['true', 'false', '1', '0'])
    .transform((value) => value === 'true' || value === '1')
    .optional(),
  before: CursorString.optional(),
  limit: Limit,
});

export const UsersQuery = z.strictObject({
  q: text().max(150).optional(),
  board: IdString.optional(),
  room: IdString.optional(),
});

// ---- resources ----

export const UserRef = z.object({ id: z.number().int(), username: z.string() }).openapi('UserRef');

export const User = z
  .object({ id: z.number().int(), username: z.string(), display_name: z.string(), created_at: z.string() })
  .openapi('User');

export const Board = z
  .object({ id: z.number().int(), name: z.string(), owner: UserRef, created_at: z.string() })
  .openapi('Board');

export const Task = z
  .object({
    id: z.number().int(),
    board_id: z.number().int(),
    title: z.string(),
    assignee: UserRef.nullable(),
    creator: UserRef,
    created_at: z.string(),
  })
  .openapi('Task');

export const Room = z
  .object({
    id: z.number().int(),
    board_id: z.number().int(),
    name: z.string(),
    description: z.string(),
    created_by: UserRef,
    created_at: z.string(),
  })
  .openapi('Room');

const postFields = {
  id: z.number().int(),
  author: UserRef,
  content: z.string(),
  mentions: z.array(z.string()),
  client_id: z.string().nullable(),
  created_at: z.string(),
  edited_at: z.string().nullable(),
  deleted: z.boolean(),
};

export const Message = z.object({ ...postFields, room_id: z.number().int() }).openapi('Message');
export const Comment = z.object({ ...postFields, task_id: z.number().int() }).openapi('Comment');

export const Notification = z
  .object({
    id: z.number().int(),
    type: z.string(),
    text: z.string(),
    sender: UserRef.nullable(),
    room_id: z.number().int().nullable(),
    message_id: z.number().int().nullable(),
    task_id: z.number().int().nullable(),
    comment_id: z.number().int().nullable(),
    is_read: z.boolean(),
    created_at: z.string(),
  })
  .openapi('Notification');

export const RoomUnread = z
  .object({ room_id: z.number().int(), unread: z.number().int(), mentions: z.number().int() })
  .openapi('RoomUnread');

export const ReadMarker = RoomUnread.extend({ last_read_message_id: z.number().int() }).openapi('ReadMarker');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      field: z.string().optional(),
    }),
  })
  .openapi('Error');

export const Count = z.object({ count: z.number().int() });
