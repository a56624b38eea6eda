// What the service counts as it runs, as plain numbers: the hot paths (a frame sent per socket per
// message) add to a field, and the Prometheus registry reads the fields only when /metrics is scraped
// (registry.ts), so counting costs an increment, never a label lookup or an allocation.

/** The frame types a client may send, and the bucket for frames that are not one of them. */
export const CLIENT_FRAME_TYPES = [
  'subscribe',
  'unsubscribe',
  'chat_message',
  'comment',
  'typing',
  'stop_typing',
  'ping',
  'invalid',
] as const;
export type ClientFrameType = (typeof CLIENT_FRAME_TYPES)[number];

/** Why a WebSocket handshake was refused (its HTTP status). */
export type HandshakeRefusal = 'not_found' | 'forbidden_origin' | 'unauthenticated' | 'too_many_connections' | 'failed';

/** The limits whose refusals are counted. */
export type RateLimit = 'posts' | 'logins' | 'connections';

export class ServiceStats {
  /** WebSocket connections open now, and opened since the process started. */
  connectionsOpen = 0;
  connectionsOpened = 0;
  /** Streams followed now, summed over connections. */
  subscriptionsOpen = 0;
  framesReceived: Record<ClientFrameType, number> = Object.fromEntries(
    CLIENT_FRAME_TYPES.map((type) => [type, 0]),
  ) as Record<ClientFrameType, number>;
  /** Every frame written to a socket (acks, errors and pongs too). */
  framesSent = 0;
  /** Stream items and updates written to a subscriber's socket (live or replayed). */
  deliveries = 0;
  /** Connections closed with 4008 because their client could not keep up. */
  slowConsumerDisconnects = 0;
  handshakesRefused: Partial<Record<HandshakeRefusal, number>> = {};
  /** Posts stored now (not an idempotent repeat), by kind. */
  postsStored = { message: 0, comment: 0 };
  rateLimited: Record<RateLimit, number> = { posts: 0, logins: 0, connections: 0 };

  frameReceived(type: string): void {
    const known = (CLIENT_FRAME_TYPES as readonly string[]).includes(type) ? (type as ClientFrameType) : 'invalid';
    this.framesReceived[known]++;
  }

  handshakeRefused(reason: HandshakeRefusal): void {
    this.handshakesRefused[reason] = (this.handshakesRefused[reason] ?? 0) + 1;
  }
}
