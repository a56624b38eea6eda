import { DomainError } from '../domain/errors.js';
import type { ChatEvent } from '../events.js';
import { encode, type ServerFrame, updateFrame } from './protocol.js';

// One feed per stream per service process, shared by every local subscriber of the stream (SPEC §7).
// It follows the stream's Redis events and hands each frame, serialised once, to all of them. A new item
// carries the id of its stream's previous item: when that is the last id the feed delivered, the event's
// own payload is delivered — no database read. When it is not (events of several service processes
// arriving out of order, a publish lost, Redis reconnecting), the feed reads what it missed from the
// database, once for all its subscribers, and carries on; events that arrive meanwhile wait their turn,
// and an item already delivered is never delivered again. Every subscriber therefore gets the stream's
// items once and in id order.

export interface FeedItem {
  id: number;
  frame: ServerFrame;
}

/** Where a feed's items come from: its channel's events, and the database for what they miss. */
export interface FeedSource {
  channel: string;
  /** The newest item's id (0 when none): where a new feed starts. */
  latest(): Promise<number>;
  /** Items after `after`, oldest first, a page at a time. */
  after(after: number): Promise<{ items: FeedItem[]; has_more: boolean }>;
  /**
   * The new item an event carries, with the id of the item before it in the stream, or null when the
   * event cannot tell (then the feed always reads); undefined for an event that is no new item.
   */
  itemOf(event: ChatEvent): { item: FeedItem; prevId: number | null } | undefined;
}

/** A frame on its way to sockets: its item id (none for updates such as edits or typing) and bytes. */
export interface Delivery {
  id: number | undefined;
  data: Buffer;
}

export interface FeedSubscriber {
  readonly userId: number;
  deliver(delivery: Delivery): void;
  /** The stream can no longer be followed (access lost, room deleted). */
  fail(error: DomainError): void;
}

export interface FeedObserver {
  /** A read of the database done for the whole feed, and why. */
  onRead?(channel: string, reason: 'start' | 'gap' | 'resync'): void;
  onError(channel: string, error: unknown): void;
}

export class Feed {
  readonly subscribers = new Set<FeedSubscriber>();
  /** Resolves once the feed knows where its stream stands (its channel subscribed, its latest id read). */
  readonly ready: Promise<void>;
  /** Counts the events that took the stream away from someone (a subscribe racing one checks again). */
  accessRevision = 0;
  /**
   * Users whose access was checked while this feed was live, with the stream's board: kept current by
   * the events that end access (they arrive here, or through the hub for a board), so a user's next
   * subscribe needs no read.
   */
  private readonly admitted = new Map<number, number | null>();
  private started = false;
  private lastId = 0;
  /** Events waiting while the feed starts or repairs a gap. */
  private waiting: ChatEvent[] = [];
  private busy = true;

  constructor(
    private readonly source: FeedSource,
    subscribed: Promise<unknown>,
    private readonly observer: FeedObserver,
  ) {
    this.ready = subscribed.then(async () => {
      this.observer.onRead?.(source.channel, 'start');
      this.lastId = await source.latest();
      this.started = true;
      this.busy = false;
      this.drain();
    });
    this.ready.catch(() => {});
  }

  /** The stream's items after `after` from the database (a subscriber's replay reads here too). */
  itemsAfter(after: number): Promise<{ items: FeedItem[]; has_more: boolean }> {
    return this.source.after(after);
  }

  /** Started: events are followed. */
  get isLive(): boolean {
    return this.started;
  }

  /** The board of a user already admitted (undefined when not known). */
  accessOf(userId: number): number | null | undefined {
    return this.admitted.get(userId);
  }

  rememberAccess(userId: number, boardId: number | null): void {
    if (this.started) this.admitted.set(userId, boardId);
  }

  /** The user lost access (removed from the board): checked again next time. */
  forgetAccess(userId: number): void {
    this.accessRevision++;
    this.admitted.delete(userId);
  }

  /** The id of the last item delivered: a new subscriber without `after` starts there. */
  get position(): number {
    return this.lastId;
  }

  get channel(): string {
    return this.source.channel;
  }

  onEvent(event: ChatEvent): void {
    this.waiting.push(event);
    if (!this.busy) this.drain();
  }

  /** After a Redis reconnect: whatever was published meanwhile is read from the database. */
  resync(): void {
    if (this.busy) return;
    void this.repair('resync').then(() => this.drain());
  }

  private drain(): void {
    while (!this.busy && this.waiting.length > 0) {
      const event = this.waiting.shift() as ChatEvent;
      const carried = this.source.itemOf(event);
      if (!carried) {
        this.update(event);
        continue;
      }
      if (carried.item.id <= this.lastId) continue;
      if (carried.prevId === this.lastId) {
        this.deliverItem(carried.item);
        continue;
      }
      // A gap: read what is missing, then look at this event again (it is usually covered by then).
      this.waiting.unshift(event);
      void this.repair('gap').then(() => {
        const next = this.waiting[0];
        const again = next === event ? this.source.itemOf(event) : undefined;
        // Still a gap after reading the database: the item before it is not in the stream (nothing
        // in the database says otherwise), so the event stands as it is.
        if (again && again.item.id > this.lastId) {
          this.waiting.shift();
          this.deliverItem(again.item);
        }
        this.drain();
      });
      return;
    }
  }

  private async repair(reason: 'gap' | 'resync'): Promise<void> {
    this.busy = true;
    try {
      for (;;) {
        this.observer.onRead?.(this.source.channel, reason);
        const page = await this.source.after(this.lastId);
        for (const item of page.items) if (item.id > this.lastId) this.deliverItem(item);
        if (!page.has_more) break;
      }
    } catch (error) {
      // What was missed cannot be read: rather than skip it, every subscriber is told to resubscribe
      // with `after` (the events meanwhile keep the feed going for those that do).
      this.observer.onError(this.source.channel, error);
      this.failWhere(
        () => true,
        new DomainError('unavailable', 'the stream was interrupted: subscribe again with after'),
      );
    } finally {
      this.busy = false;
    }
  }

  private deliverItem(item: FeedItem): void {
    this.lastId = item.id;
    this.broadcast({ id: item.id, data: encode(item.frame) });
  }

  private broadcast(delivery: Delivery): void {
    for (const subscriber of this.subscribers) subscriber.deliver(delivery);
  }

  /** Edits, deletions, typing and presence; and the events that take the stream away from someone. */
  private update(event: ChatEvent): void {
    if (event.type === 'room.deleted') {
      this.accessRevision++;
      this.admitted.clear();
      this.failWhere(() => true, new DomainError('not_found', 'the room was deleted'));
      return;
    }
    const frame = updateFrame(event);
    if (frame) this.broadcast({ id: undefined, data: encode(frame) });
    if (event.type === 'room.member_left') {
      const userId = event.user.id;
      this.forgetAccess(userId);
      this.failWhere(
        (subscriber) => subscriber.userId === userId,
        new DomainError('not_found', 'you are no longer a member of this room'),
      );
    }
  }

  private failWhere(which: (subscriber: FeedSubscriber) => boolean, error: DomainError): void {
    for (const subscriber of [...this.subscribers]) if (which(subscriber)) subscriber.fail(error);
  }
}
