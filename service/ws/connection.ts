import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { roomOfMember } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import { postComment } from '../domain/comments.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import { postMessage } from '../domain/messages.js';
import { publishStored } from '../domain/publish.js';
import type { ChatEvent } from '../events.js';
import type { Logger } from '../log.js';
import { PRESENCE_TTL_MS, type Presence } from '../presence.js';
import type { Hub } from './hub.js';
import { ClientFrame, errorFrame, type ServerFrame, updateFrame } from './protocol.js';
import { type StreamSource, streamSource } from './streams.js';

// One client's WebSocket session (SPEC §7): its frames in, its streams out.

/** At most this many streams per connection. */
const MAX_SUBSCRIPTIONS = 100;

/**
 * The seed's per-stream endpoints (`/ws/chat-room/:room_id/`, `/ws/task-comments/:task_id/`): subscribed
 * on connect, and frames without a room_id / task_id are about that room or task.
 */
export type Alias = { kind: 'room'; roomId: number } | { kind: 'task'; taskId: number };

/** What every connection of a service process shares. */
export interface ConnectionShared {
  deps: DomainDeps;
  hub: Hub;
  presence: Presence;
  logger: Logger;
  options: ConnectionOptions;
}

export interface ConnectionOptions {
  /** Bytes queued for a client beyond which it is disconnected with 4008 instead of buffered. */
  maxBufferedBytes: number;
  /** A typing indicator lapses this long after the last `typing` frame (default 10 s, the seed's). */
  typingExpiresMs?: number;
}

/** The room id of a `room:<id>` stream. */
const roomOf = (stream: string) => (stream.startsWith('room:') ? Number(stream.slice('room:'.length)) : undefined);

const isNewItem = (event: ChatEvent) =>
  event.type === 'message.created' || event.type === 'comment.created' || event.type === 'notification.created';

/**
 * One followed stream. Every event of its channel is handled in arrival order on one chain; a new
 * item's event makes it read what follows the last id it sent from the database, so each item is sent
 * once and in id order, with nothing skipped, even when events arrive out of order or during a replay.
 */
class Subscription {
  private lastId = 0;
  private chain: Promise<void>;
  private drainQueued = false;
  private stopListening: () => void = () => {};
  private stopped = false;

  private constructor(
    readonly stream: string,
    private readonly source: StreamSource,
    private readonly connection: Connection,
    ready: Promise<void>,
  ) {
    this.chain = ready;
  }

  /** Listens first, then finds where to start, so nothing published meanwhile is missed. */
  static async open(connection: Connection, stream: string, source: StreamSource, after?: number) {
    let start: () => void = () => {};
    const subscription = new Subscription(stream, source, connection, new Promise((resolve) => (start = resolve)));
    subscription.stopListening = await connection.hub.listen(source.channel, (event) => subscription.onEvent(event));
    try {
      subscription.lastId = after ?? (await source.latest());
    } catch (error) {
      subscription.stop();
      throw error;
    }
    start();
    if (after !== undefined) subscription.catchUp();
    return subscription;
  }

  stop(): void {
    this.stopped = true;
    this.stopListening();
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.chain = this.chain
      .then(async () => {
        if (!this.stopped) await task();
      })
      .catch((error: unknown) => this.connection.streamFailed(this, error));
  }

  private onEvent(event: ChatEvent): void {
    if (isNewItem(event)) {
      this.catchUp();
    } else if (event.type === 'room.deleted') {
      const gone = new DomainError('not_found', 'the room was deleted');
      this.enqueue(() => this.connection.streamFailed(this, gone));
    } else {
      const frame = updateFrame(event);
      if (frame) this.enqueue(() => this.connection.deliver(frame));
      // Removed from the room: nothing more of it, typing and edits included.
      if (event.type === 'room.member_left' && event.user.id === this.connection.userId) {
        const removed = new DomainError('not_found', 'you are no longer a member of this room');
        this.enqueue(() => this.connection.streamFailed(this, removed));
      }
    }
  }

  private catchUp(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    this.enqueue(async () => {
      this.drainQueued = false;
      for (;;) {
        const page = await this.source.after(this.lastId);
        for (const { id, frame } of page.frames) {
          if (id <= this.lastId || this.stopped) continue;
          this.connection.deliver(frame);
          this.lastId = id;
        }
        if (!page.has_more || this.stopped) return;
      }
    });
  }
}

export class Connection {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly typing = new Map<number, NodeJS.Timeout>();
  /** Posts in flight: stream frames wait, so a sender gets its ack before its own broadcast. */
  private posting = 0;
  private held: ServerFrame[] = [];

  private readonly deps: DomainDeps;
  readonly hub: Hub;
  private readonly presence: Presence;
  private readonly logger: Logger;
  private readonly options: ConnectionOptions;
  /** This connection's presence entries: one per followed room. */
  private readonly id = randomUUID();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly actor: Actor,
    shared: ConnectionShared,
    private readonly alias?: Alias,
  ) {
    ({ deps: this.deps, hub: this.hub, presence: this.presence, logger: this.logger, options: this.options } = shared);
    ws.on('message', (data, isBinary) => void this.receive(data.toString(), isBinary));
    ws.on('close', () => this.closed());
    ws.on('error', () => {});
    this.heartbeat = setInterval(() => void this.refreshPresence(), PRESENCE_TTL_MS / 3);
    this.heartbeat.unref();
    if (alias) {
      const stream = alias.kind === 'room' ? `room:${alias.roomId}` : `task:${alias.taskId}`;
      void this.handle({ type: 'subscribe', stream }).catch((error: unknown) => this.sendError(error, stream));
    }
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

  send(frame: ServerFrame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      // Too slow to keep up: disconnect rather than buffer without bound; it resumes with `after`.
      this.ws.close(4008, 'too slow; resubscribe with after');
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  /** A frame of a followed stream (held while this client's own post awaits its ack). */
  deliver(frame: ServerFrame): void {
    if (this.posting > 0) this.held.push(frame);
    else this.send(frame);
  }

  /** Runs a post and sends its ack before any stream frame that arrived meanwhile. */
  private async posted(post: () => Promise<ServerFrame>): Promise<void> {
    this.posting++;
    try {
      this.send(await post());
    } finally {
      this.posting--;
      if (this.posting === 0) {
        const held = this.held;
        this.held = [];
        for (const frame of held) this.send(frame);
      }
    }
  }

  get userId(): number {
    return this.actor.id;
  }

  /** A stream that can no longer be followed (access lost, room deleted): say so and drop it. */
  streamFailed(subscription: Subscription, error: unknown): void {
    subscription.stop();
    // Only if it is still the current one: a resubscription may have replaced it meanwhile.
    if (this.subscriptions.get(subscription.stream) === subscription) this.drop(subscription.stream);
    this.sendError(error, subscription.stream);
  }

  /** Stops following a stream; for a room, this connection's presence there ends. */
  private drop(stream: string): void {
    const subscription = this.subscriptions.get(stream);
    if (!subscription) return;
    subscription.stop();
    this.subscriptions.delete(stream);
    const roomId = roomOf(stream);
    if (roomId) void this.presence.leave(roomId, this.user, this.id).catch(() => {});
  }

  private async refreshPresence(): Promise<void> {
    const rooms = [...this.subscriptions.keys()].map(roomOf).filter((id): id is number => id !== undefined);
    if (rooms.length) await this.presence.refresh(rooms, this.user, this.id).catch(() => {});
  }

  private sendError(error: unknown, ref?: string | null): void {
    if (error instanceof DomainError) {
      this.send(errorFrame(error.code, error.message, ref));
      return;
    }
    this.logger.error('websocket frame failed', { error: error instanceof Error ? error.message : String(error) });
    this.send(errorFrame('internal', 'the frame could not be handled', ref));
  }

  private async receive(text: string, isBinary: boolean): Promise<void> {
    if (isBinary) return this.send(errorFrame('invalid_request', 'frames are JSON text'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.send(errorFrame('invalid_request', 'a frame is one JSON object'));
    }
    parsed = this.withAlias(parsed);
    const result = ClientFrame.safeParse(parsed);
    const ref = (parsed as { client_id?: unknown; stream?: unknown } | null) ?? {};
    const refText =
      typeof ref.client_id === 'string' ? ref.client_id : typeof ref.stream === 'string' ? ref.stream : null;
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return this.send(errorFrame('invalid_request', `${where}${issue?.message ?? 'invalid frame'}`, refText));
    }
    try {
      await this.handle(result.data);
    } catch (error) {
      this.sendError(error, refText);
    }
  }

  private async handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'subscribe': {
        // Subscribing again restarts the stream (e.g. with a new `after`); presence stays as it is.
        const again = this.subscriptions.has(frame.stream);
        this.subscriptions.get(frame.stream)?.stop();
        this.subscriptions.delete(frame.stream);
        if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
          throw new DomainError('invalid_request', `at most ${MAX_SUBSCRIPTIONS} streams per connection`);
        }
        const source = streamSource(this.deps, this.actor, frame.stream);
        const subscription = await Subscription.open(this, frame.stream, source, frame.after);
        if (this.ws.readyState !== this.ws.OPEN) return subscription.stop();
        this.subscriptions.set(frame.stream, subscription);
        this.send({ type: 'subscribed', stream: frame.stream });
        const roomId = roomOf(frame.stream);
        if (roomId && !again) await this.presence.enter(roomId, this.user, this.id);
        return;
      }
      case 'unsubscribe':
        this.drop(frame.stream);
        return this.send({ type: 'unsubscribed', stream: frame.stream });
      case 'chat_message':
        return this.posted(async () => {
          const { message } = await postMessage(this.deps, this.actor, frame.room_id, {
            content: frame.message,
            client_id: frame.client_id,
          });
          return { type: 'ack', client_id: frame.client_id ?? null, message_id: message.id };
        });
      case 'comment':
        return this.posted(async () => {
          const { comment } = await postComment(this.deps, this.actor, frame.task_id, {
            content: frame.comment,
            client_id: frame.client_id,
          });
          return { type: 'ack', client_id: frame.client_id ?? null, comment_id: comment.id };
        });
      case 'typing':
        return this.startTyping(frame.room_id);
      case 'stop_typing':
        return this.stopTyping(frame.room_id);
    }
  }

  private get user() {
    return { id: this.actor.id, username: this.actor.username };
  }

  /** Announced when it starts; a refresh only extends it; it lapses after typingExpiresMs. */
  private async startTyping(roomId: number): Promise<void> {
    await roomOfMember(this.deps.db.knex, roomId, this.actor);
    const running = this.typing.get(roomId);
    if (running) clearTimeout(running);
    this.typing.set(
      roomId,
      setTimeout(() => void this.stopTyping(roomId), this.options.typingExpiresMs ?? 10_000),
    );
    if (!running) await publishStored(this.deps, { type: 'room.typing', room_id: roomId, user: this.user });
  }

  private async stopTyping(roomId: number): Promise<void> {
    const running = this.typing.get(roomId);
    if (!running) return;
    clearTimeout(running);
    this.typing.delete(roomId);
    await publishStored(this.deps, { type: 'room.stop_typing', room_id: roomId, user: this.user });
  }

  private closed(): void {
    clearInterval(this.heartbeat);
    for (const stream of [...this.subscriptions.keys()]) this.drop(stream);
    for (const roomId of [...this.typing.keys()]) void this.stopTyping(roomId);
  }
}
