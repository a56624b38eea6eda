// The realtime benchmark's reference: the part of SPEC §7 the generator uses (subscribe to a room, post
// with an ack, the broadcast), done the plain way — raw `ws`, one PSUBSCRIBE connection per process and
// one for PUBLISH, a Set of sockets per room, each payload made into one Buffer and written to every
// socket as received. No database, no auth (any bearer token or ?token=). What prizmai is measured
// against. Run as `node dist/bench/realtime/reference-server.js <port> <redis-url>`; prints only errors.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

const [port, redisUrl] = [Number(process.argv[2]), process.argv[3] ?? 'redis://127.0.0.1:6379'];
const PREFIX = 'prizmai-ref:room:';
const MENTION = /@([A-Za-z0-9_]+)/g;
const rooms = new Map<number, Set<WebSocket>>();
const publisher = new Redis(redisUrl);
const subscriber = new Redis(redisUrl);
let lastId = 0;

const complain = (error: Error) => process.stderr.write(`reference server: ${error.message}\n`);
publisher.on('error', complain);
subscriber.on('error', complain);

subscriber.on('pmessage', (_pattern: string, channel: string, payload: string) => {
  const sockets = rooms.get(Number(channel.slice(PREFIX.length)));
  if (!sockets?.size) return;
  const frame = Buffer.from(payload);
  for (const ws of sockets) ws.send(frame, { binary: false });
});

function connected(ws: WebSocket): void {
  const joined: Set<WebSocket>[] = [];
  const error = (message: string, ref: unknown = null) =>
    ws.send(JSON.stringify({ type: 'error', code: 'invalid_request', message, ref }));
  ws.on('error', () => {});
  ws.on('close', () => {
    for (const sockets of joined) sockets.delete(ws);
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    let frame: { type?: unknown; stream?: unknown; room_id?: unknown; message?: unknown; client_id?: unknown };
    try {
      frame = isBinary ? {} : JSON.parse(data.toString());
    } catch {
      return error('a frame is one JSON object');
    }
    if (frame.type === 'subscribe') {
      const room = typeof frame.stream === 'string' ? /^room:([1-9][0-9]{0,9})$/.exec(frame.stream) : null;
      if (!room) return error('expected room:<id>', frame.stream);
      const id = Number(room[1]);
      const sockets = rooms.get(id) ?? rooms.set(id, new Set()).get(id)!;
      if (!sockets.has(ws)) joined.push(sockets.add(ws));
      return ws.send(JSON.stringify({ type: 'subscribed', stream: frame.stream }));
    }
    if (frame.type === 'chat_message') {
      const { room_id, message, client_id = null } = frame;
      if (!Number.isInteger(room_id) || typeof message !== 'string') return error('room_id and message', client_id);
      const messageId = ++lastId;
      ws.send(JSON.stringify({ type: 'ack', client_id, message_id: messageId }));
      const mentioned = [...new Set(Array.from(message.matchAll(MENTION), (m) => (m[1] as string).toLowerCase()))];
      const broadcast = { type: 'chat_message', room_id, message_id: messageId, user_id: 1, username: 'bench' };
      const rest = { message, mentioned_users: mentioned, timestamp: new Date().toISOString(), client_id };
      void publisher.publish(`${PREFIX}${room_id}`, JSON.stringify({ ...broadcast, ...rest })).catch(complain);
      return;
    }
    if (frame.type === 'ping') return ws.send('{"type":"pong"}');
    error('expected subscribe, chat_message or ping');
  });
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
const server = createServer((request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404).end();
});
server.on('upgrade', (request, socket, head) => {
  socket.on('error', () => {});
  const token = /^Bearer ./i.test(request.headers.authorization ?? '') || /[?&]token=./.test(request.url ?? '');
  if (!token) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  wss.handleUpgrade(request, socket, head, connected);
});

process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  publisher.disconnect();
  subscriber.disconnect();
  process.exit(0);
});

// Listening (and so /healthz) only once the pattern subscription is in place.
subscriber.psubscribe(`${PREFIX}*`).then(
  () => server.listen(port, '127.0.0.1'),
  (failure: Error) => {
    complain(failure);
    process.exit(1);
  },
);
