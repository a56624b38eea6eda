import type * as MikroCore from '@mikro-orm/core';
import { requireCjs } from '../cjs.js';
import { User } from '../db/entities.js';
import type { Actor } from './actor.js';
import { iso } from './db.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { userView } from './presenters.js';
import { publishStored } from './publish.js';
import { hashToken } from './tokens.js';
import { createUser, issueToken } from './users.js';
import type { UserView } from './views.js';

const { UniqueConstraintViolationException } = requireCjs('@mikro-orm/core') as typeof MikroCore;

export interface Session {
  user: UserView;
  token: string;
}

function view(user: { id: number; username: string; displayName: string; createdAt: Date }): UserView {
  return { id: user.id, username: user.username, display_name: user.displayName, created_at: iso(user.createdAt) };
}

/** Self-service sign-up, when `auth.registration` is open. */
export async function register(
  deps: DomainDeps,
  input: { username: string; password: string; display_name?: string | undefined },
): Promise<Session> {
  if (deps.registration !== 'open') {
    throw new DomainError('forbidden', 'registration is closed: ask an administrator to run `prizmai users add`');
  }
  const em = deps.em.fork();
  try {
    const user = await createUser(em, {
      username: input.username,
      password: input.password,
      displayName: input.display_name,
    });
    const token = await issueToken(em, user, 'register');
    return { user: view(user), token };
  } catch (error) {
    // Two sign-ups racing for one name: the unique key decides.
    if (error instanceof UniqueConstraintViolationException) {
      throw new DomainError('conflict', `username "${input.username}" is taken`, 'username');
    }
    throw error;
  }
}

// Unknown usernames still cost one scrypt, so response times do not reveal which names exist.
let dummyHash: Promise<string> | undefined;

/** Password login, throttled per username (`limits.loginFailures` per 15 minutes). */
export async function login(deps: DomainDeps, input: { username: string; password: string }): Promise<Session> {
  const usernameKey = input.username.toLowerCase();
  await deps.loginThrottle.attempt(usernameKey);
  const em = deps.em.fork();
  const row = (await deps.db.knex('users').where('username_key', usernameKey).first()) as
    | { id: number; password_hash: string | null }
    | undefined;
  dummyHash ??= hashPassword('not a password of anyone');
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyHash));
  if (!row?.password_hash || !ok) {
    throw new DomainError('unauthenticated', 'wrong username or password');
  }
  await deps.loginThrottle.succeeded(usernameKey);
  const user = await em.findOneOrFail(User, row.id);
  const token = await issueToken(em, user, 'login');
  return { user: view(user), token };
}

/** Revokes the token in use. */
export async function logout(deps: DomainDeps, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await deps.db
    .knex('api_tokens')
    .where('token_hash', tokenHash)
    .whereNull('revoked_at')
    .update({ revoked_at: deps.db.dialect === 'sqlite' ? Date.now() : new Date() });
  // Service processes that remember this token for WebSocket handshakes forget it now.
  await publishStored(deps, { type: 'token.revoked', token_hash: tokenHash });
}

/** The user a bearer token belongs to, or null for an unknown or revoked token. */
export async function authenticate(deps: DomainDeps, token: string): Promise<Actor | null> {
  if (token.length === 0 || token.length > 200) return null;
  const row = (await deps.db
    .knex('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .first('u.id', 'u.username')) as Actor | undefined;
  return row ?? null;
}

/** The caller's profile. */
export async function me(deps: DomainDeps, actor: Actor): Promise<UserView> {
  const row = await deps.db.knex('users').where('id', actor.id).first('id', 'username', 'display_name', 'created_at');
  if (!row) throw new DomainError('unauthenticated', 'the user of this token no longer exists');
  return userView(row);
}
