import type { Executor } from './database.js';

/** Stores a token's hash (the token itself never is). */
export async function insertToken(q: Executor, userId: number, tokenHash: string, name: string | null): Promise<void> {
  await q.run('insert into api_tokens (user_id, token_hash, name, created_at) values (?, ?, ?, ?)', [
    userId,
    tokenHash,
    name,
    new Date(),
  ]);
}

/** The user of a live (not revoked) token. */
export function userOfToken(q: Executor, tokenHash: string) {
  return q.get<{ id: number; username: string }>(
    'select u.id, u.username from api_tokens t join users u on u.id = t.user_id where t.token_hash = ? and t.revoked_at is null',
    [tokenHash],
  );
}

export function revokeToken(q: Executor, tokenHash: string): Promise<number> {
  return q.run('update api_tokens set revoked_at = ? where token_hash = ? and revoked_at is null', [
    new Date(),
    tokenHash,
  ]);
}
