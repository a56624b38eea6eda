import type { Redis } from 'ioredis';
import type { ChatEvent } from '../events.js';

// One Redis subscriber connection per service process, shared by all its WebSocket connections: a
// channel is subscribed while at least one listener wants it (SPEC §7: fan-out goes through Redis, so
// several service processes serve one stack).

export type Listener = (event: ChatEvent) => void;

export class Hub {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Each channel's SUBSCRIBE, so a second listener also waits for Redis to confirm it. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string, raw: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let event: ChatEvent;
      try {
        event = JSON.parse(raw) as ChatEvent;
      } catch {
        return;
      }
      for (const listener of set) listener(event);
    });
  }

  /** Listens on `channel` once Redis has confirmed the subscription; returns the way to stop. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(listener);
    await this.subscribed.get(channel);
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      this.subscribed.delete(channel);
      void this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect();
  }
}
