import { randomUUID } from 'node:crypto';
import type { UserRef } from '../domain/views.js';
import { PRESENCE_TTL_MS, type Presence } from '../presence.js';

// Presence as a service process keeps it: in Redis, one entry per (room, user, process) — not one per
// connection — so a user's tenth connection to a room costs no Redis call, and one timer refreshes every
// entry of the process. The first local connection of a user following a room enters; the last leaves.
// Calls for one (room, user) run one after another, so an enter and a leave never cross.

export class RoomPresence {
  private readonly counts = new Map<string, { roomId: number; user: UserRef; connections: number }>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly heartbeat: NodeJS.Timeout;
  /** This process's part of each entry's name. */
  private readonly processId = randomUUID();

  constructor(
    private readonly presence: Presence,
    private readonly onError: (error: unknown) => void,
  ) {
    this.heartbeat = setInterval(() => void this.refresh(), PRESENCE_TTL_MS / 3);
    this.heartbeat.unref();
  }

  enter(roomId: number, user: UserRef): void {
    const key = `${roomId}:${user.id}`;
    const entry = this.counts.get(key);
    if (entry) {
      entry.connections++;
      return;
    }
    this.counts.set(key, { roomId, user, connections: 1 });
    this.serially(key, () => this.presence.enter(roomId, user, this.processId));
  }

  leave(roomId: number, user: UserRef): void {
    const key = `${roomId}:${user.id}`;
    const entry = this.counts.get(key);
    if (!entry || --entry.connections > 0) return;
    this.counts.delete(key);
    this.serially(key, () => this.presence.leave(roomId, user, this.processId));
  }

  private serially(key: string, call: () => Promise<void>): void {
    const next = (this.chains.get(key) ?? Promise.resolve()).then(call).catch(this.onError);
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async refresh(): Promise<void> {
    const entries = [...this.counts.values()];
    if (entries.length > 0) await this.presence.refresh(entries, this.processId).catch(this.onError);
  }

  close(): void {
    clearInterval(this.heartbeat);
  }
}
