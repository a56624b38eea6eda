import type { Executor } from './database.js';
import { likeEscape } from './dialect.js';
import { placeholders } from './statements.js';

/** A user as the views read it. */
export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  created_at: number;
}

const USER = 'select u.id, u.username, u.display_name, u.created_at from users u';

/** (username key) → the user. */
export function userByKey(q: Executor, usernameKey: string) {
  return q.get<UserRow>(`${USER} where u.username_key = ?`, [usernameKey]);
}

export function userById(q: Executor, id: number) {
  return q.get<UserRow>(`${USER} where u.id = ?`, [id]);
}

/** What a password login checks. */
export function credentialsOf(q: Executor, usernameKey: string) {
  return q.get<UserRow & { password_hash: string | null }>(
    'select u.id, u.username, u.display_name, u.created_at, u.password_hash from users u where u.username_key = ?',
    [usernameKey],
  );
}

export interface NewUserRow {
  username: string;
  usernameKey: string;
  displayName: string;
  passwordHash: string | null;
}

/** Inserts a user (the unique username key refuses a taken name); answers the stored row. */
export async function insertUser(q: Executor, user: NewUserRow): Promise<UserRow> {
  const createdAt = new Date();
  const row = await q.get<{ id: number }>(
    'insert into users (username, username_key, display_name, password_hash, created_at) values (?, ?, ?, ?, ?) returning id',
    [user.username, user.usernameKey, user.displayName, user.passwordHash, createdAt],
  );
  return {
    id: row?.id as number,
    username: user.username,
    display_name: user.displayName,
    created_at: createdAt.getTime(),
  };
}

/** The board's members, by username. */
export function boardMembers(q: Executor, boardId: number) {
  return q.all<UserRow>(
    `${USER} join board_members bm on bm.user_id = u.id where bm.board_id = ? order by u.username_key`,
    [boardId],
  );
}

/** The room's members, by username. */
export function roomMembers(q: Executor, roomId: number) {
  return q.all<UserRow>(
    `${USER} join room_members rm on rm.user_id = u.id where rm.room_id = ? order by u.username_key`,
    [roomId],
  );
}

/** A mention's audience: the members of a room (messages) or of a board (comments). */
export interface Audience {
  kind: 'room' | 'board';
  id: number;
}

/** (audience id, …username keys) → those members; every member when `keys` is null. */
export function audienceMembersSql(kind: Audience['kind'], keys: number | null): string {
  const members =
    kind === 'room'
      ? 'room_members a on a.user_id = u.id and a.room_id = ?'
      : 'board_members a on a.user_id = u.id and a.board_id = ?';
  const named = keys === null ? '' : ` where u.username_key in (${placeholders(keys)})`;
  return `select u.id, u.username, u.username_key from users u join ${members}${named}`;
}

/** Users among the audience, by username key, for mentions; all of them when `keys` is null. */
export async function audienceMembers(q: Executor, audience: Audience, keys: string[] | null) {
  if (keys?.length === 0) return [];
  return q.all<{ id: number; username: string; username_key: string }>(
    audienceMembersSql(audience.kind, keys === null ? null : keys.length),
    [audience.id, ...(keys ?? [])],
  );
}

/**
 * Mention autocomplete: users whose username or display name starts with `prefix` (lower-cased), among
 * members of the caller's boards — and of the given board or room — by username, at most `limit`.
 */
export function autocompleteUsers(
  q: Executor,
  query: { userId: number; prefix: string; board?: number | undefined; room?: number | undefined; limit: number },
) {
  const where = [
    'u.id in (select others.user_id from board_members others join board_members mine on mine.board_id = others.board_id where mine.user_id = ?)',
  ];
  const params: unknown[] = [query.userId];
  if (query.room !== undefined) {
    where.push('u.id in (select user_id from room_members where room_id = ?)');
    params.push(query.room);
  }
  if (query.board !== undefined) {
    where.push('u.id in (select user_id from board_members where board_id = ?)');
    params.push(query.board);
  }
  if (query.prefix.length > 0) {
    const pattern = `${likeEscape(query.prefix)}%`;
    where.push(`(u.username_key like ? escape '\\' or lower(u.display_name) like ? escape '\\')`);
    params.push(pattern, pattern);
  }
  params.push(query.limit);
  return q.all<UserRow>(`${USER} where ${where.join(' and ')} order by u.username_key limit ?`, params);
}
