import type { Redis } from 'ioredis';
import { CONTROL_CHANNEL, type ControlEvent } from '../events.js';
import { errorFields, type Logger } from '../log.js';
import { parseEvent } from './event-schema.js';
import { Feed, type FeedSource } from './feed.js';

// The service process's fan-out: one Redis subscriber connection for all its WebSocket clients, one
// feed per followed stream (subscribed on Redis while anyone follows it), and the control channel that
// tells every session of a user when access ends or a token is revoked (SPEC §7: fan-out goes through
// Redis, so several service processes serve one stack).

/** What the hub needs of a session to act on control events. */
export interface HubSession {
  readonly userId: number;
  /** The user is no longer a member of this board: its rooms and tasks end for them. */
  boardAccessEnded(boardId: number): void;
}

export interface HubOptions {
  logger: Logger;
  onTokenRevoked?(tokenHash: string): void;
  /** A read of the database done for a whole feed (tests count them). */
  onFeedRead?(channel: string, reason: string): void;
}

export class Hub {
  private readonly feeds = new Map<string, Feed>();
  private readonly sessions = new Map<number, Set<HubSession>>();
  private connectedOnce = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly options: HubOptions,
  ) {
    subscriber.on('message', (channel: string, raw: string) => this.onMessage(channel, raw));
    // ioredis resubscribes after a reconnect; what was published meanwhile is read by each feed.
    subscriber.on('ready', () => {
      if (this.connectedOnce) for (const feed of this.feeds.values()) feed.resync();
      this.connectedOnce = true;
    });
    void subscriber.subscribe(CONTROL_CHANNEL).catch((error: unknown) => this.logError(CONTROL_CHANNEL, error));
  }

  private onMessage(channel: string, raw: string): void {
    const feed = this.feeds.get(channel);
    if (!feed && channel !== CONTROL_CHANNEL) return;
    const event = parseEvent(raw);
    if (!event) {
      this.options.logger.error('dropped an event that is not one', { channel, bytes: raw.length });
      return;
    }
    if (feed) feed.onEvent(event);
    else this.onControl(event as ControlEvent);
  }

  private onControl(event: ControlEvent): void {
    if (event.type === 'token.revoked') {
      this.options.onTokenRevoked?.(event.token_hash);
      return;
    }
    if (event.type === 'board.member_removed') {
      for (const feed of this.feeds.values()) feed.forgetAccess(event.user.id);
      for (const session of this.sessions.get(event.user.id) ?? []) session.boardAccessEnded(event.board_id);
    }
  }

  /** The feed of a channel if it is live (started and followed). */
  liveFeed(channel: string): Feed | undefined {
    const feed = this.feeds.get(channel);
    return feed?.isLive ? feed : undefined;
  }

  /** The feed of a channel, started (its channel subscribed) with the source `sourceOf` makes on first use. */
  feed(channel: string, sourceOf: () => FeedSource): Feed {
    let feed = this.feeds.get(channel);
    if (!feed) {
      const source = sourceOf();
      const subscribed = this.subscriber.subscribe(source.channel);
      feed = new Feed(source, subscribed, {
        onRead: this.options.onFeedRead,
        onError: (channel, error) => this.logError(channel, error),
      });
      this.feeds.set(source.channel, feed);
      const started = feed;
      // A feed that cannot start is forgotten, so the next subscriber tries afresh.
      feed.ready.catch(() => this.forget(started));
    }
    return feed;
  }

  /** Called when a feed's last subscriber left. */
  release(feed: Feed): void {
    if (feed.subscribers.size === 0) this.forget(feed);
  }

  private forget(feed: Feed): void {
    if (this.feeds.get(feed.channel) !== feed) return;
    this.feeds.delete(feed.channel);
    void this.subscriber.unsubscribe(feed.channel).catch(() => {});
  }

  register(session: HubSession): void {
    let set = this.sessions.get(session.userId);
    if (!set) {
      set = new Set();
      this.sessions.set(session.userId, set);
    }
    set.add(session);
  }

  unregister(session: HubSession): void {
    const set = this.sessions.get(session.userId);
    if (!set?.delete(session) || set.size > 0) return;
    this.sessions.delete(session.userId);
  }

  private logError(channel: string, error: unknown): void {
    this.options.logger.error('realtime feed failed', {
      channel,
      ...errorFields(error),
    });
  }

  async close(): Promise<void> {
    this.feeds.clear();
    this.sessions.clear();
    this.subscriber.disconnect();
  }
}
