import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocketServer } from 'ws';
import { authenticate } from '../domain/auth.js';
import type { DomainDeps } from '../domain/deps.js';
import { bearerToken } from '../http/auth.js';
import type { Logger } from '../log.js';
import { Presence } from '../presence.js';
import { type Alias, Connection, type ConnectionOptions, type ConnectionShared } from './connection.js';
import { Hub } from './hub.js';

// `GET /ws` (SPEC §7), and the seed's `/ws/chat-room/:id/` and `/ws/task-comments/:id/`: authenticated at the handshake by `Authorization: Bearer` or `?token=`; a bad
// token is answered 401 and never upgraded. Browser pages of other origins are refused (403) unless
// `service.allowedOrigins` lists them.

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

export interface WebSocketSetup {
  deps: DomainDeps;
  /** A normal connection (presence) and a connection of its own for subscribing (fan-out). */
  redis: Redis;
  subscriber: Redis;
  logger: Logger;
  allowedOrigins: string[];
  options: ConnectionOptions;
}

/** The WebSocket endpoints on `server`, with the process's fan-out hub and presence. */
export function attachWebSockets(server: Server, setup: WebSocketSetup) {
  const { deps, logger, allowedOrigins } = setup;
  const hub = new Hub(setup.subscriber);
  const shared: ConnectionShared = {
    deps,
    hub,
    presence: new Presence(setup.redis, deps.events),
    logger,
    options: setup.options,
  };
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
    const token = bearerToken(request.headers.authorization) ?? url.searchParams.get('token') ?? '';
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
    /** Closes every connection (1001, going away), stops accepting new ones, and the hub. */
    close: async () => {
      await new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'service stopping');
        wss.close(() => resolve());
      });
      await hub.close();
    },
  };
}
