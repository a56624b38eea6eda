import type { DomainDeps } from './deps.js';
import { publishStored } from './publish.js';
import type { UserRef } from './views.js';

// Typing indicators (SPEC §7, the seed's UserTypingStatus): a user typing in a room is announced once,
// each `typing` only extends it, and it ends with `stop_typing`, after `expiresMs` without a refresh
// (10 s, the seed's), or when the user's connection goes. One Typing per connection.

export const TYPING_EXPIRES_MS = 10_000;

export class Typing {
  private timers: Map<number, NodeJS.Timeout> | undefined;

  constructor(
    private readonly deps: DomainDeps,
    private readonly user: UserRef,
    private readonly expiresMs = TYPING_EXPIRES_MS,
  ) {}

  /** The caller has checked that the user may see the room. */
  async start(roomId: number): Promise<void> {
    this.timers ??= new Map();
    const running = this.timers.get(roomId);
    if (running) clearTimeout(running);
    this.timers.set(
      roomId,
      setTimeout(() => void this.stop(roomId), this.expiresMs),
    );
    if (!running) await publishStored(this.deps, { type: 'room.typing', room_id: roomId, user: this.user });
  }

  async stop(roomId: number): Promise<void> {
    const running = this.timers?.get(roomId);
    if (!running) return;
    clearTimeout(running);
    this.timers?.delete(roomId);
    await publishStored(this.deps, { type: 'room.stop_typing', room_id: roomId, user: this.user });
  }

  /** Ends every indicator (the connection closed, or the rooms are no longer the user's). */
  stopAll(roomIds?: number[]): void {
    for (const roomId of roomIds ?? [...(this.timers?.keys() ?? [])]) void this.stop(roomId);
  }
}
