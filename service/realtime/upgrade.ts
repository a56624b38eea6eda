import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocketServer } from 'ws';
import type { Actor } from '../domain/actor.js';
import { actorOfTokenHash, plausibleToken } from '../domain/auth.js';
import type { DomainDeps } from '../domain/deps.js';
import { hashToken } from '../domain/tokens.js';
import { bearerToken } from '../http/auth.js';
import { errorFields, type Logger } from '../log.js';
import { ServiceStats } from '../metrics/stats.js';
import { Presence } from '../presence.js';
import { Hub } from './hub.js';
import { RoomPresence } from './room-presence.js';
import { type Alias, Session, type SessionOptions, type SessionShared } from './session.js';

// `GET /ws` (SPEC §7), and the seed's `/ws/chat-room/:id/` and `/ws/task-comments/:id/`: authenticated at
// the handshake by `Authorization: Bearer` or `?token=`; a bad token is answered 401 and never upgraded.
// Browser pages of other origins are refused (403) unless `service.allowedOrigins` lists them.

/** The largest frame a client may send (a message is at most 10,000 characters). */
const MAX_FRAME_BYTES = 64 * 1024;
/** How long a token's user is remembered between handshakes; a revocation clears it at once. */
const TOKEN_CACHE_MS = 10_000;
const TOKEN_CACHE_MAX = 10_000;

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

/** Token → user for a few seconds, keyed by the token's hash; `forget` honours a revocation. */
class TokenCache {
  private entries = new Map<string, { actor: Actor; until: number }>();

  constructor(private readonly deps: DomainDeps) {}

  async actorOf(token: string): Promise<Actor | null> {
    if (!plausibleToken(token)) return null;
    const hash = hashToken(token);
    const cached = this.entries.get(hash);
    if (cached && cached.until > Date.now()) return cached.actor;
    const actor = await actorOfTokenHash(this.deps, hash);
    if (actor) {
      if (this.entries.size >= TOKEN_CACHE_MAX) this.entries = new Map();
      this.entries.set(hash, { actor, until: Date.now() + TOKEN_CACHE_MS });
    }
    return actor;
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }
}

export interface WebSocketSetup {
  deps: DomainDeps;
  /** A normal connection (presence) and a connection of its own for subscribing (fan-out). */
  redis: Redis;
  subscriber: Redis;
  logger: Logger;
  allowedOrigins: string[];
  options: SessionOptions;
  /** Connections one user may hold open in this process (`limits.connectionsPerUser`); 0: no cap. */
  connectionsPerUser: number;
  /** Told of every database read a feed does for all its subscribers (tests count them). */
  onFeedRead?: (channel: string, reason: string) => void;
  /** Where connections, frames and deliveries are counted (default: the endpoint's own). */
  stats?: ServiceStats;
}

/** The WebSocket endpoints on `server`, with the process's fan-out hub and presence. */
export function attachWebSockets(server: Server, setup: WebSocketSetup) {
  const { deps, logger, allowedOrigins } = setup;
  const tokens = new TokenCache(deps);
  const hub = new Hub(setup.subscriber, {
    logger,
    onTokenRevoked: (hash) => tokens.forget(hash),
    ...(setup.onFeedRead ? { onFeedRead: setup.onFeedRead } : {}),
  });
  const presence = new RoomPresence(new Presence(setup.redis, deps.events), (error) =>
    logger.error('presence update failed', errorFields(error)),
  );
  const stats = setup.stats ?? new ServiceStats();
  const shared: SessionShared = { deps, hub, presence, logger, options: setup.options, stats };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: true });
  /** Each user's connections, counted from the moment the handshake is accepted (so a burst cannot pass). */
  const perUser = new Map<number, number>();
  const release = (userId: number) => {
    const left = (perUser.get(userId) ?? 1) - 1;
    if (left > 0) perUser.set(userId, left);
    else perUser.delete(userId);
  };

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The path and query, split by hand: a URL object per handshake is a cost on the connect path.
    const target = request.url ?? '/';
    const mark = target.indexOf('?');
    const pathname = mark < 0 ? target : target.slice(0, mark);
    const alias = aliasOf(pathname);
    if (pathname !== '/ws' && !alias) {
      stats.handshakeRefused('not_found');
      return refuse(socket, 404, 'Not Found', 'not_found', 'no WebSocket endpoint here; use /ws');
    }
    const origin = request.headers.origin;
    if (origin && !sameOrigin(request, origin) && !allowedOrigins.includes(origin)) {
      stats.handshakeRefused('forbidden_origin');
      return refuse(
        socket,
        403,
        'Forbidden',
        'forbidden',
        `origin ${origin} may not open WebSockets (service.allowedOrigins)`,
      );
    }
    const token =
      bearerToken(request.headers.authorization) ??
      (mark < 0 ? null : new URLSearchParams(target.slice(mark + 1)).get('token')) ??
      '';
    const actor = await tokens.actorOf(token);
    if (!actor) {
      stats.handshakeRefused('unauthenticated');
      return refuse(
        socket,
        401,
        'Unauthorized',
        'unauthenticated',
        'a valid token is required (Authorization: Bearer or ?token=)',
      );
    }
    const cap = setup.connectionsPerUser;
    const open = perUser.get(actor.id) ?? 0;
    if (cap > 0 && open >= cap) {
      stats.handshakeRefused('too_many_connections');
      stats.rateLimited.connections++;
      return refuse(
        socket,
        429,
        'Too Many Requests',
        'rate_limited',
        `at most ${cap} WebSocket connections per user (limits.connectionsPerUser); close one first`,
      );
    }
    perUser.set(actor.id, open + 1);
    // The socket closes with its WebSocket, or when the handshake fails.
    socket.once('close', () => release(actor.id));
    wss.handleUpgrade(request, socket, head, (ws) => new Session(ws, socket, actor, shared, alias));
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    upgrade(request, socket, head).catch((error: unknown) => {
      logger.error('websocket upgrade failed', errorFields(error));
      stats.handshakeRefused('failed');
      refuse(socket, 500, 'Internal Server Error', 'internal', 'the connection could not be set up');
    });
  });

  return {
    hub,
    /** Closes every connection (1001, going away), stops accepting new ones, and the hub. */
    close: async () => {
      await new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'service stopping');
        wss.close(() => resolve());
      });
      presence.close();
      await hub.close();
    },
  };
}
