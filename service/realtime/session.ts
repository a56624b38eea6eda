import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Actor } from '../domain/actor.js';
import { postComment } from '../domain/comments.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import { postMessage } from '../domain/messages.js';
import { Typing } from '../domain/typing.js';
import { errorFields, type Logger } from '../log.js';
import type { ServiceStats } from '../metrics/stats.js';
import { dependencyUnavailable } from '../unavailable.js';
import type { Delivery, Feed, FeedSubscriber } from './feed.js';
import type { Hub, HubSession } from './hub.js';
import { ClientFrame, encode, errorFrame, type ServerFrame } from './protocol.js';
import type { RoomPresence } from './room-presence.js';
import { channelOfStream, checkAccess, feedSource, parseStream, type StreamRef } from './sources.js';

// One client's WebSocket session (SPEC §7). Its frames are handled strictly in the order received:
// posts are handed to the post writer as they come (pipelined; stored in order, those of one moment in
// one transaction) and acked in that order; every other frame waits for the acks before it, then runs
// to completion. What one client may have queued or in flight is bounded: past INBOX_HIGH frames its
// socket is no longer read until they drain.

/** At most this many streams per connection, counting one being opened. */
export const MAX_SUBSCRIPTIONS = 100;
/** Frames queued before the socket is paused, and the level at which it is read again. */
const INBOX_HIGH = 256;
const INBOX_LOW = 32;

/**
 * The seed's per-stream endpoints (`/ws/chat-room/:room_id/`, `/ws/task-comments/:task_id/`): subscribed
 * on connect, and frames without a room_id / task_id are about that room or task.
 */
export type Alias = { kind: 'room'; roomId: number } | { kind: 'task'; taskId: number };

export interface SessionOptions {
  /** Bytes queued for a client beyond which it is disconnected with 4008 instead of buffered. */
  maxBufferedBytes: number;
  /** A typing indicator lapses this long after the last `typing` frame (default 10 s, the seed's). */
  typingExpiresMs?: number;
}

/** What every session of a service process shares. */
export interface SessionShared {
  deps: DomainDeps;
  hub: Hub;
  presence: RoomPresence;
  logger: Logger;
  options: SessionOptions;
  stats: ServiceStats;
}

type Inbound = { frame: ClientFrame; ref: string | null } | { refused: ServerFrame };
type PostFrame = Extract<ClientFrame, { type: 'chat_message' | 'comment' }>;

const isPost = (inbound: Inbound | undefined): inbound is { frame: PostFrame; ref: string | null } =>
  inbound !== undefined &&
  'frame' in inbound &&
  (inbound.frame.type === 'chat_message' || inbound.frame.type === 'comment');

/** One followed stream of a session: a subscriber of the stream's feed. */
class Subscription implements FeedSubscriber {
  /** Deliveries held while the subscription opens or replays; undefined once live. */
  private held: Delivery[] | undefined = [];
  ended: DomainError | undefined;

  constructor(
    readonly stream: string,
    readonly ref: StreamRef,
    readonly feed: Feed,
    private readonly session: Session,
    /** The last item id this client has; nothing at or before it is sent. */
    private lastId: number,
    public boardId: number | null = null,
  ) {}

  get userId(): number {
    return this.session.userId;
  }

  get position(): number {
    return this.lastId;
  }

  deliver(delivery: Delivery): void {
    if (this.held) {
      this.held.push(delivery);
      return;
    }
    this.send(delivery);
  }

  /** An item read from the database for this subscriber's replay. */
  replayed(delivery: Delivery): void {
    this.send(delivery);
  }

  private send(delivery: Delivery): void {
    if (delivery.id !== undefined) {
      if (delivery.id <= this.lastId) return;
      this.lastId = delivery.id;
    }
    this.session.deliver(delivery.data);
  }

  /** Sends what was held, skipping what the replay already sent, and follows the feed from now on. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const delivery of held) this.send(delivery);
  }

  fail(error: DomainError): void {
    if (this.held) this.ended = error;
    else this.session.streamEnded(this, error);
  }
}

export class Session implements HubSession {
  private streams: Map<string, Subscription> | undefined;
  private inbox: Inbound[] = [];
  private draining = false;
  /** Answers of posts handed to the writer, sent in the order the posts came; never rejects. */
  private answering: Promise<void> = Promise.resolve();
  private postsInFlight = 0;
  /** The socket is corked until the current tick ends. */
  private corked = false;
  private typing: Typing | undefined;
  /** Counts board-access losses, so a subscribe that raced one checks access again. */
  private accessChanges = 0;
  private readonly deps: DomainDeps;
  private readonly hub: Hub;
  private readonly presence: RoomPresence;
  private readonly logger: Logger;
  private readonly options: SessionOptions;
  private readonly stats: ServiceStats;

  constructor(
    private readonly ws: WebSocket,
    /** The connection's socket (from the HTTP upgrade), to gather one moment's frames into one write. */
    private readonly socket: Duplex,
    private readonly actor: Actor,
    shared: SessionShared,
    private readonly alias?: Alias,
  ) {
    ({
      deps: this.deps,
      hub: this.hub,
      presence: this.presence,
      logger: this.logger,
      options: this.options,
      stats: this.stats,
    } = shared);
    this.stats.connectionsOpen++;
    this.stats.connectionsOpened++;
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', () => this.closed());
    ws.on('error', () => {});
    this.hub.register(this);
    if (alias) {
      const stream = alias.kind === 'room' ? `room:${alias.roomId}` : `task:${alias.taskId}`;
      this.enqueue({ frame: { type: 'subscribe', stream }, ref: stream });
    }
  }

  get userId(): number {
    return this.actor.id;
  }

  private get user() {
    return { id: this.actor.id, username: this.actor.username };
  }

  /** A stream's item or update, counted as a delivery. */
  deliver(data: Buffer): void {
    if (this.send(data)) this.stats.deliveries++;
  }

  /** Writes a frame (or drops it on a closing socket); false when it was not written. */
  send(data: Buffer | ServerFrame): boolean {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return false;
    // Frames sent in one moment (a batch of posts arrives as a burst of events) leave in one write.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      // Too slow to keep up: disconnect rather than buffer without bound; it resumes with `after`.
      ws.close(4008, 'too slow; resubscribe with after');
      this.stats.slowConsumerDisconnects++;
      return false;
    }
    if (Buffer.isBuffer(data)) ws.send(data, { binary: false });
    else ws.send(JSON.stringify(data));
    this.stats.framesSent++;
    return true;
  }

  // ---- frames in, in order ----

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.stats.frameReceived('invalid');
      this.enqueue({ refused: errorFrame('invalid_request', 'frames are JSON text') });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      this.stats.frameReceived('invalid');
      this.enqueue({ refused: errorFrame('invalid_request', 'a frame is one JSON object') });
      return;
    }
    parsed = this.withAlias(parsed);
    const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const ref =
      typeof fields.client_id === 'string'
        ? fields.client_id
        : typeof fields.stream === 'string'
          ? fields.stream
          : null;
    const result = ClientFrame.safeParse(parsed);
    this.stats.frameReceived(result.success ? result.data.type : 'invalid');
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      this.enqueue({
        refused: errorFrame('invalid_request', `${where}${issue?.message ?? 'invalid frame'}`, ref?.slice(0, 100)),
      });
      return;
    }
    this.enqueue({ frame: result.data, ref });
  }

  /** On an alias endpoint, a frame names its room or task implicitly. */
  private withAlias(parsed: unknown): unknown {
    if (!this.alias || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return parsed;
    const frame = parsed as Record<string, unknown>;
    if (this.alias.kind === 'room' && ['chat_message', 'typing', 'stop_typing'].includes(String(frame.type))) {
      return { room_id: this.alias.roomId, ...frame };
    }
    if (this.alias.kind === 'task' && frame.type === 'comment') return { task_id: this.alias.taskId, ...frame };
    return parsed;
  }

  private enqueue(inbound: Inbound): void {
    this.inbox.push(inbound);
    if (this.inbox.length + this.postsInFlight >= INBOX_HIGH && !this.ws.isPaused) this.ws.pause();
    if (!this.draining) void this.drain();
  }

  /**
   * Handles the inbox in order. A post is handed to the writer at once — posts pipeline, and those of
   * one moment are stored in one transaction — and its answer joins the chain of answers, sent in the
   * order received; any other frame waits for the answers before it, then runs to completion.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.inbox.length > 0 && this.ws.readyState === this.ws.OPEN) {
        const inbound = this.inbox.shift() as Inbound;
        if (isPost(inbound)) {
          if (this.postsInFlight >= INBOX_HIGH) await this.answering;
          this.postsInFlight++;
          const answer = this.post(inbound.frame, inbound.ref);
          this.answering = this.answering.then(async () => {
            this.send(await answer);
            this.postsInFlight--;
            this.resumeReading();
          });
          continue;
        }
        this.resumeReading();
        if (this.postsInFlight > 0) await this.answering;
        if ('refused' in inbound) this.send(inbound.refused);
        else {
          await this.handle(inbound.frame as Exclude<ClientFrame, PostFrame>).catch((error: unknown) =>
            this.sendError(error, inbound.ref),
          );
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private resumeReading(): void {
    if (this.ws.isPaused && this.inbox.length + this.postsInFlight <= INBOX_LOW) this.ws.resume();
  }

  /** A post's answer: its ack once stored (sent before its broadcast can arrive), or its error. */
  private async post(frame: PostFrame, ref: string | null): Promise<ServerFrame> {
    try {
      if (frame.type === 'chat_message') {
        const { message } = await postMessage(this.deps, this.actor, frame.room_id, {
          content: frame.message,
          client_id: frame.client_id,
        });
        return { type: 'ack', client_id: frame.client_id ?? null, message_id: message.id };
      }
      const { comment } = await postComment(this.deps, this.actor, frame.task_id, {
        content: frame.comment,
        client_id: frame.client_id,
      });
      return { type: 'ack', client_id: frame.client_id ?? null, comment_id: comment.id };
    } catch (error) {
      return this.errorOf(error, ref);
    }
  }

  private async handle(frame: Exclude<ClientFrame, PostFrame>): Promise<void> {
    switch (frame.type) {
      case 'ping':
        this.send({ type: 'pong' });
        return;
      case 'subscribe':
        return this.subscribe(frame.stream, frame.after);
      case 'unsubscribe': {
        const subscription = this.streams?.get(frame.stream);
        if (subscription) this.detach(subscription);
        this.send({ type: 'unsubscribed', stream: frame.stream });
        return;
      }
      case 'typing':
        await this.mayTypeIn(frame.room_id);
        this.typing ??= new Typing(this.deps, this.user, this.options.typingExpiresMs);
        return this.typing.start(frame.room_id);
      case 'stop_typing':
        return this.typing?.stop(frame.room_id);
    }
  }

  // ---- streams ----

  /**
   * Follows a stream: access checked, then attached to the stream's feed with what arrives held, then
   * (with `after`) the replay read, then live — no gap, no duplicate at the seam. Subscribing again to a
   * stream replaces its subscription (e.g. with a new `after`); presence stays as it is.
   */
  private async subscribe(stream: string, after: number | undefined): Promise<void> {
    const ref = parseStream(stream);
    this.streams ??= new Map();
    const previous = this.streams.get(stream);
    if (!previous && this.streams.size >= MAX_SUBSCRIPTIONS) {
      throw new DomainError('invalid_request', `at most ${MAX_SUBSCRIPTIONS} streams per connection`);
    }
    const changesBefore = this.accessChanges;
    // A user the live feed has already let in (and heard no access change of since) is not read again.
    const channel = channelOfStream(ref, this.actor);
    const known = this.hub.liveFeed(channel)?.accessOf(this.actor.id);
    const boardId = known !== undefined ? known : await checkAccess(this.deps, this.actor, ref);
    const feed = this.hub.feed(channel, () => feedSource(this.deps, this.actor, ref));
    const feedWasLive = feed.isLive;
    const revisionBefore = feed.accessRevision;
    await feed.ready;
    const subscription = new Subscription(stream, ref, feed, this, after ?? feed.position, boardId);
    feed.subscribers.add(subscription);
    // Access may have ended between the check and the attach (the feed hears of it only from now on).
    if (!feedWasLive || feed.accessRevision !== revisionBefore || this.accessChanges !== changesBefore) {
      try {
        subscription.boardId = await checkAccess(this.deps, this.actor, ref);
      } catch (error) {
        feed.subscribers.delete(subscription);
        this.hub.release(feed);
        throw error;
      }
    }
    // Closed during any wait above: closed() let go of what this session knew, and this was not yet part of it.
    if (this.ws.readyState !== this.ws.OPEN) {
      feed.subscribers.delete(subscription);
      return this.hub.release(feed);
    }
    if (feed.accessRevision === revisionBefore && this.accessChanges === changesBefore) {
      feed.rememberAccess(this.actor.id, subscription.boardId);
    }
    if (previous) this.detach(previous, { keepPresence: true });
    this.streams.set(stream, subscription);
    this.stats.subscriptionsOpen++;
    this.send({ type: 'subscribed', stream });
    if (ref.kind === 'room' && !previous) this.presence.enter(ref.id, this.user);
    if (after !== undefined) await this.replay(subscription);
    if (subscription.ended) return this.streamEnded(subscription, subscription.ended);
    subscription.goLive();
  }

  private async replay(subscription: Subscription): Promise<void> {
    for (;;) {
      const page = await subscription.feed.itemsAfter(subscription.position);
      for (const item of page.items) {
        if (this.streams?.get(subscription.stream) !== subscription) return;
        subscription.replayed({ id: item.id, data: encode(item.frame) });
      }
      if (!page.has_more) return;
    }
  }

  private detach(subscription: Subscription, options: { keepPresence?: boolean } = {}): void {
    subscription.feed.subscribers.delete(subscription);
    this.hub.release(subscription.feed);
    if (this.streams?.get(subscription.stream) !== subscription) return;
    this.streams.delete(subscription.stream);
    this.stats.subscriptionsOpen--;
    if (subscription.ref.kind === 'room' && !options.keepPresence) this.presence.leave(subscription.ref.id, this.user);
  }

  /** A stream that can no longer be followed (access lost, room deleted): said, and dropped. */
  streamEnded(subscription: Subscription, error: DomainError): void {
    const current = this.streams?.get(subscription.stream) === subscription;
    this.detach(subscription);
    if (subscription.ref.kind === 'room') void this.typing?.stop(subscription.ref.id);
    if (current) this.send(errorFrame(error.code, error.message, subscription.stream));
  }

  boardAccessEnded(boardId: number): void {
    this.accessChanges++;
    const gone = new DomainError('not_found', 'you are no longer a member of this board');
    for (const subscription of [...(this.streams?.values() ?? [])]) {
      if (subscription.boardId === boardId) subscription.fail(gone);
    }
  }

  /** Typing needs access to the room: known when this session follows it, else read. */
  private async mayTypeIn(roomId: number): Promise<void> {
    if (this.streams?.has(`room:${roomId}`)) return;
    await checkAccess(this.deps, this.actor, { kind: 'room', id: roomId });
  }

  // ---- errors and the end ----

  private errorOf(error: unknown, ref: string | null): ServerFrame {
    const refused = error instanceof DomainError ? error : dependencyUnavailable(error);
    if (refused) return errorFrame(refused.code, refused.message, ref);
    this.logger.error('websocket frame failed', errorFields(error));
    return errorFrame('internal', 'the frame could not be handled', ref);
  }

  private sendError(error: unknown, ref: string | null): void {
    this.send(this.errorOf(error, ref));
  }

  private closed(): void {
    this.stats.connectionsOpen--;
    this.inbox = [];
    this.hub.unregister(this);
    for (const subscription of [...(this.streams?.values() ?? [])]) this.detach(subscription);
    this.typing?.stopAll();
  }
}
