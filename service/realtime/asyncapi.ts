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

/** One frame as an AsyncAPI message: its type, what it means, and its payload's JSON Schema. */
export interface FrameMessage {
  name: string;
  title: string;
  summary: string | undefined;
  payload: Json;
}
const message = (type: string, schema: z.ZodType, io: 'input' | 'output'): FrameMessage => ({
  name: type,
  title: type,
  summary: schema.description,
  payload: payloadOf(schema, io),
});

let frames: { client: FrameMessage[]; server: FrameMessage[] } | undefined;

/** Every client and server frame as a message (converted once, on first use: not on the service's start). */
export function frameMessages(): { client: FrameMessage[]; server: FrameMessage[] } {
  frames ??= {
    client: ClientFrame.options.map((option) => message(option.shape.type.value, option, 'input')),
    server: Object.entries(ServerFrames).map(([type, schema]) => message(type, schema, 'output')),
  };
  return frames;
}

// Each frame type names one message; a client and a server frame share a name only for `chat_message`.
function keyedMessages(): Record<string, FrameMessage> {
  const { client, server } = frameMessages();
  return Object.fromEntries([
    ...client.map((m) => [`client_${m.name}`, m] as const),
    ...server.map((m) => [`server_${m.name}`, m] as const),
  ]);
}
const refs = (channel: string, keys: string[]) =>
  keys.map((key) => ({ $ref: `#/channels/${channel}/messages/${key}` }));
const channelMessages = (keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, { $ref: `#/components/messages/${key}` }]));

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

function operations(messages: Record<string, FrameMessage>, channel: string, prefix: string): Json {
  return Object.fromEntries(
    Object.keys(messages).map((key) => {
      const [side, ...rest] = key.split('_');
      const type = rest.join('_');
      return [
        `${prefix}${side === 'client' ? 'receive' : 'send'}_${type}`,
        {
          action: side === 'client' ? 'receive' : 'send',
          channel: { $ref: `#/channels/${channel}` },
          summary: messages[key]?.summary,
          messages: refs(channel, [key]),
        },
      ];
    }),
  );
}

let built: Json | undefined;

function build(): Json {
  const messages = keyedMessages();
  const all = Object.keys(messages);
  return {
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
        messages: channelMessages(all),
        bindings: handshake,
      },
      chatRoom: {
        address: '/ws/chat-room/{room_id}/',
        title: "The seed's room endpoint",
        description:
          'Subscribed to room:<room_id> on connect; every frame of /ws is accepted, and chat_message, typing and stop_typing may leave room_id out.',
        parameters: { room_id: { description: 'the room followed' } },
        messages: channelMessages(all),
        bindings: handshake,
      },
      taskComments: {
        address: '/ws/task-comments/{task_id}/',
        title: "The seed's task endpoint",
        description:
          'Subscribed to task:<task_id> on connect; every frame of /ws is accepted, and comment may leave task_id out.',
        parameters: { task_id: { description: 'the task followed' } },
        messages: channelMessages(all),
        bindings: handshake,
      },
    },
    operations: {
      ...operations(messages, 'ws', ''),
      ...operations(messages, 'chatRoom', 'chatRoom_'),
      ...operations(messages, 'taskComments', 'taskComments_'),
    },
    components: {
      messages,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>' },
        queryToken: { type: 'httpApiKey', name: 'token', in: 'query', description: '?token=<token>' },
      },
    },
  };
}

/** The document (built once), with the service's address as its server. */
export function asyncApiDocument(host: string): Json {
  built ??= build();
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
