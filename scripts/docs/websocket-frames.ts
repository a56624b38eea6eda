import { type FrameMessage, frameMessages } from '../../service/realtime/asyncapi.js';
import { GENERATED, type Schema, table, typeText } from './markdown.js';

// docs/websocket-frames.md from the frames as /asyncapi.json describes them (service/realtime/asyncapi.ts),
// itself made from the schemas that validate what clients send and type what the server sends.

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
  const row = (frame: FrameMessage) => [
    `\`${frame.name}\``,
    fields(frame.payload as Schema) || '—',
    frame.summary ?? '',
  ];
  const { client, server } = frameMessages();
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
    table(['type', 'fields', 'meaning'], client.map(row)),
    '',
    '## Server → client',
    '',
    table(['type', 'fields', 'meaning'], server.map(row)),
  ].join('\n')}\n`;
}
