import type { Redis } from 'ioredis';
import type { UserRef } from './domain/views.js';
import type { EventPublisher } from './events.js';

// Who is in a room right now (SPEC §7 user_join / user_leave): one entry per service process with
// connections of the user following the room (realtime/room-presence.ts counts them locally), in a Redis sorted set per room scored by when the entry lapses, so every service
// process sees the same presence and a process that dies leaves entries that simply lapse. A user joins
// with their first live entry and leaves with their last; the scripts decide that atomically. Live
// connections refresh their entries; beat's presenceCleanup job sweeps lapsed ones (and announces the
// departures) — `sweepPresence`.

/** How long an entry lives without a refresh; connections refresh every third of it. */
export const PRESENCE_TTL_MS = 60_000;

const KEY_PREFIX = 'prizmai:presence:';
const keyOf = (roomId: number) => `${KEY_PREFIX}${roomId}`;

// KEYS[1] room set; ARGV: member, expiry, now, user prefix. Returns 1 when this is the user's only
// live entry (they just joined).
const ENTER = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ${PRESENCE_TTL_MS * 2})
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')
local mine = 0
for _, m in ipairs(live) do
  if string.sub(m, 1, string.len(ARGV[4])) == ARGV[4] then mine = mine + 1 end
end
if mine == 1 then return 1 end
return 0`;

// KEYS[1] room set; ARGV: member, now, user prefix. Returns 1 when the user has no live entry left.
const LEAVE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], '+inf')
for _, m in ipairs(live) do
  if string.sub(m, 1, string.len(ARGV[3])) == ARGV[3] then return 0 end
end
return 1`;

// KEYS[1] room set; ARGV: now. Removes lapsed entries; returns one lapsed entry of each user left with
// none live (it names the user).
const SWEEP = `
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
if #lapsed == 0 then return {} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local present = {}
for _, m in ipairs(live) do present[string.match(m, '^([^:]+):')] = true end
local gone, seen = {}, {}
for _, m in ipairs(lapsed) do
  local user = string.match(m, '^([^:]+):')
  if not present[user] and not seen[user] then seen[user] = true; table.insert(gone, m) end
end
return gone`;

/** A member of a room's set: `<userId>:<connectionId>:<username>` (the name, for the departure frame). */
const memberOf = (user: UserRef, connectionId: string) => `${user.id}:${connectionId}:${user.username}`;

function userOf(member: string): UserRef {
  const [id, , ...name] = member.split(':');
  return { id: Number(id), username: name.join(':') };
}

export class Presence {
  constructor(
    private readonly redis: Redis,
    private readonly events: EventPublisher,
  ) {}

  /** A connection now follows the room; announces the user if it is their first live connection there. */
  async enter(roomId: number, user: UserRef, connectionId: string): Promise<void> {
    const now = Date.now();
    const first = await this.redis.eval(
      ENTER,
      1,
      keyOf(roomId),
      memberOf(user, connectionId),
      now + PRESENCE_TTL_MS,
      now,
      `${user.id}:`,
    );
    if (first === 1) await this.events.publish({ type: 'room.user_joined', room_id: roomId, user });
  }

  /** Keeps entries alive, in one round trip. */
  async refresh(entries: { roomId: number; user: UserRef }[], connectionId: string): Promise<void> {
    const expiry = Date.now() + PRESENCE_TTL_MS;
    const pipeline = this.redis.pipeline();
    for (const { roomId, user } of entries) pipeline.zadd(keyOf(roomId), 'XX', expiry, memberOf(user, connectionId));
    await pipeline.exec();
  }

  /** A connection stops following the room; announces the user if it was their last live one there. */
  async leave(roomId: number, user: UserRef, connectionId: string): Promise<void> {
    const last = await this.redis.eval(
      LEAVE,
      1,
      keyOf(roomId),
      memberOf(user, connectionId),
      Date.now(),
      `${user.id}:`,
    );
    if (last === 1) await this.events.publish({ type: 'room.user_left', room_id: roomId, user });
  }
}

/**
 * beat's presenceCleanup job: removes lapsed entries (of connections whose service process died) and
 * announces each user left with none — their typing ended, then their departure. Returns how many
 * departures it announced.
 */
export async function sweepPresence(redis: Redis, events: EventPublisher, now = Date.now()): Promise<number> {
  let announced = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 100);
    cursor = next;
    for (const key of keys) {
      const roomId = Number(key.slice(KEY_PREFIX.length));
      const gone = (await redis.eval(SWEEP, 1, key, now)) as string[];
      for (const member of gone) {
        const user = userOf(member);
        // Its typing indicator died with its process: ended too (a no-op for clients that saw none).
        await events.publish({ type: 'room.stop_typing', room_id: roomId, user });
        await events.publish({ type: 'room.user_left', room_id: roomId, user });
        announced++;
      }
    }
  } while (cursor !== '0');
  return announced;
}
