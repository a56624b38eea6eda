import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { authenticate } from '../domain/auth.js';
import { type Alias, Connection, type ConnectionShared } from './connection.js';

// `GET /ws` (SPEC §7), and the seed's `/ws/chat-room/:id/` and `/ws/task-comments/:id/`: authenticated at the handshake by `Authorization: Bearer` or `?token=`; a bad
// token is answered 401 and never upgraded. Browser pages of other origins are refused (403) unless
// `service.allowedOrigins` lists them.

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;
/** The largest frame a client may send (a message is at most 10,000 characters). */
const MAX_FRAME_BYTES = 64 * 1024;

function refuse(socket: Duplex, status: number, reason: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}\r\n${body}`,
  );
}

/** `/ws/chat-room/:room_id/` and `/ws/task-comments/:task_id/`, the seed's endpoints. */
function aliasOf(path: string): Alias | undefined {
  const room = /^\/ws\/chat-room\/([1-9][0-9]{0,9})\/?$/.exec(path);
  if (room) return { kind: 'room', roomId: Number(room[1]) };
  const task = /^\/ws\/task-comments\/([1-9][0-9]{0,9})\/?$/.exec(path);
  if (task) return { kind: 'task', taskId: Number(task[1]) };
  return undefined;
}

function sameOrigin(request: IncomingMessage, origin: string): boolean {
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function attachWebSockets(server: Server, shared: ConnectionShared, allowedOrigins: string[]) {
  const { deps, logger } = shared;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://service');
    const alias = aliasOf(url.pathname);
    if (url.pathname !== '/ws' && !alias) {
      return refuse(socket, 404, 'Not Found', 'not_found', 'no WebSocket endpoint here; use /ws');
    }
    const origin = request.headers.origin;
    if (origin && !sameOrigin(request, origin) && !allowedOrigins.includes(origin)) {
      return refuse(
        socket,
        403,
        'Forbidden',
        'forbidden',
        `origin ${origin} may not open WebSockets (service.allowedOrigins)`,
      );
    }
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token') ?? '';
    const actor = token ? await authenticate(deps, token) : null;
    if (!actor) {
      return refuse(
        socket,
        401,
        'Unauthorized',
        'unauthenticated',
        'a valid token is required (Authorization: Bearer or ?token=)',
      );
    }
    wss.handleUpgrade(request, socket, head, (ws) => new Connection(ws, actor, shared, alias));
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    upgrade(request, socket, head).catch((error: unknown) => {
      logger.error('websocket upgrade failed', { error: error instanceof Error ? error.message : String(error) });
      refuse(socket, 500, 'Internal Server Error', 'internal', 'the connection could not be set up');
    });
  });

  return {
    /** Closes every connection (1001, going away) and stops accepting new ones. */
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'service stopping');
        wss.close(() => resolve());
      }),
  };
}
