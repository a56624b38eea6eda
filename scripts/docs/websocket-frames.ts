import { z } from '@hono/zod-openapi';
import { ClientFrame } from '../../service/realtime/protocol.js';
import { ServerFrames } from '../../service/realtime/server-frames.js';
import { GENERATED, type Schema, table, typeText } from './markdown.js';

// docs/websocket-frames.md from the frame schemas (service/realtime/protocol.ts, server-frames.ts), the
// ones that validate what clients send and type what the server sends; /asyncapi.json comes from them too.

const json = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;

function fields(schema: Schema): string {
  const variants = schema.anyOf ?? [schema];
  return variants
    .map((variant) => {
      const required = new Set(variant.required ?? []);
      return Object.entries(variant.properties ?? {})
        .filter(([name]) => name !== 'type')
        .map(([name, field]) => `\`${name}${required.has(name) ? '' : '?'}\`: ${typeText(field)}`)
        .join(', ');
    })
    .join(' — or — ');
}

export function websocketFramesPage(): string {
  const client = ClientFrame.options.map((option) => {
    const schema = json(option, 'input');
    return [`\`${option.shape.type.value}\``, fields(schema) || '—', option.description ?? ''];
  });
  const server = Object.entries(ServerFrames).map(([type, frame]) => {
    const schema = json(frame, 'output');
    return [`\`${type}\``, fields(schema) || '—', frame.description ?? ''];
  });
  return `${[
    GENERATED('the frame schemas (service/realtime/protocol.ts, service/realtime/server-frames.ts)'),
    '',
    '# WebSocket frames',
    '',
    'Every frame is a JSON text frame with a `type`. A field marked `?` may be left out. The same schemas',
    'validate what clients send, type what the server sends, and make `GET /asyncapi.json`. The protocol',
    'around them (auth, ordering, resume, close codes) is in [websocket.md](websocket.md).',
    '',
    '## Client → server',
    '',
    table(['type', 'fields', 'meaning'], client),
    '',
    '## Server → client',
    '',
    table(['type', 'fields', 'meaning'], server),
  ].join('\n')}\n`;
}
