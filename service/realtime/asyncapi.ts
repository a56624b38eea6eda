import { z } from '@hono/zod-openapi';
import { ClientFrame } from './protocol.js';
import { ServerFrames } from './server-frames.js';

// GET /asyncapi.json: an AsyncAPI 3 document of the WebSocket protocol (SPEC §7), generated from the
// schemas that validate client frames and type server frames, so the document cannot drift from them.
// Operations are the service's view: it receives the client's frames and sends its own.

type Json = Record<string, unknown>;

const payloadOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...payload } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Json;
  return payload;
};

const clientMessages = Object.fromEntries(
  ClientFrame.options.map((option) => {
    const type = option.shape.type.value;
    return [type, { name: type, title: type, summary: option.description, payload: payloadOf(option, 'input') }];
  }),
);
const serverMessages = Object.fromEntries(
  Object.entries(ServerFrames).map(([type, schema]) => [
    type,
    { name: type, title: type, summary: schema.description, payload: payloadOf(schema, 'output') },
  ]),
);
// Each frame type names one message; a client and a server frame share a name only for `chat_message`.
const messageKey = (side: 'client' | 'server', type: string) => `${side}_${type}`;
const messages: Record<string, Json> = {
  ...Object.fromEntries(Object.entries(clientMessages).map(([type, m]) => [messageKey('client', type), m])),
  ...Object.fromEntries(Object.entries(serverMessages).map(([type, m]) => [messageKey('server', type), m])),
};
const refs = (channel: string, keys: string[]) =>
  keys.map((key) => ({ $ref: `#/channels/${channel}/messages/${key}` }));
const channelMessages = (keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, { $ref: `#/components/messages/${key}` }]));

const ALL = Object.keys(messages);
const handshake = {
  ws: {
    bindingVersion: '0.1.0',
    method: 'GET',
    query: {
      type: 'object',
      properties: { token: { type: 'string', description: 'an API token, when no Authorization header can be set' } },
    },
    headers: {
      type: 'object',
      properties: { Authorization: { type: 'string', description: 'Bearer <token>' } },
    },
  },
};

function operations(channel: string, keys: string[], prefix: string): Json {
  return Object.fromEntries(
    keys.map((key) => {
      const [side, ...rest] = key.split('_');
      const type = rest.join('_');
      return [
        `${prefix}${side === 'client' ? 'receive' : 'send'}_${type}`,
        {
          action: side === 'client' ? 'receive' : 'send',
          channel: { $ref: `#/channels/${channel}` },
          summary: (messages[key] as { summary?: string }).summary,
          messages: refs(channel, [key]),
        },
      ];
    }),
  );
}

let built: Json | undefined;

/** The document (built once), with the service's address as its server. */
export function asyncApiDocument(host: string): Json {
  built ??= {
    asyncapi: '3.1.0',
    info: {
      title: 'prizmai real-time protocol',
      version: '1',
      description:
        'JSON text frames over one WebSocket, each with a `type`. Every acked post is durably stored before its ack; each subscriber receives a stream in id order, once; a malformed frame gets an `error` and the connection stays open; a subscriber that cannot keep up is closed with 4008 and catches up by subscribing with `after`; frames over 64 KiB close the connection (1009); the service closes with 1001 when it stops.',
    },
    defaultContentType: 'application/json',
    channels: {
      ws: {
        address: '/ws',
        title: 'The WebSocket endpoint',
        description:
          'Authenticated at the handshake (401 for a bad token, 429 past limits.connectionsPerUser, 403 for a foreign Origin).',
        messages: channelMessages(ALL),
        bindings: handshake,
      },
      chatRoom: {
        address: '/ws/chat-room/{room_id}/',
        title: "The seed's room endpoint",
        description:
          'Subscribed to room:<room_id> on connect; chat_message, typing and stop_typing may leave room_id out.',
        parameters: { room_id: { description: 'the room followed' } },
        messages: channelMessages(ALL),
        bindings: handshake,
      },
      taskComments: {
        address: '/ws/task-comments/{task_id}/',
        title: "The seed's task endpoint",
        description:
          'Subscribed to task:<task_id> on connect; every frame of /ws is accepted, and comment may leave task_id out.',
        parameters: { task_id: { description: 'the task followed' } },
        messages: channelMessages(ALL),
        bindings: handshake,
      },
    },
    operations: {
      ...operations('ws', ALL, ''),
      ...operations('chatRoom', ALL, 'chatRoom_'),
      ...operations('taskComments', ALL, 'taskComments_'),
    },
    components: {
      messages,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>' },
        queryToken: { type: 'httpApiKey', name: 'token', in: 'query', description: '?token=<token>' },
      },
    },
  };
  return {
    ...built,
    servers: {
      service: {
        host,
        protocol: 'ws',
        description: 'this service',
        security: [
          { $ref: '#/components/securitySchemes/bearer' },
          { $ref: '#/components/securitySchemes/queryToken' },
        ],
      },
    },
  };
}
