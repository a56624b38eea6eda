import { revokeToken, userOfToken } from '../db/tokens.js';
import { credentialsOf, userById } from '../db/users.js';
import type { Actor } from './actor.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { userView } from './presenters.js';
import { publishStored } from './publish.js';
import { hashToken } from './tokens.js';
import { createUser, issueToken } from './users.js';
import type { UserView } from './views.js';

export interface Session {
  user: UserView;
  token: string;
}

/** Self-service sign-up, when `auth.registration` is open. */
export async function register(
  deps: DomainDeps,
  input: { username: string; password: string; display_name?: string | undefined },
): Promise<Session> {
  if (deps.registration !== 'open') {
    throw new DomainError('forbidden', 'registration is closed: ask an administrator to run `prizmai users add`');
  }
  const user = await createUser(deps.db, {
    username: input.username,
    password: input.password,
    displayName: input.display_name,
  });
  const token = await issueToken(deps.db, user.id, 'register');
  return { user: userView(user), token };
}

// Unknown usernames still cost one scrypt, so response times do not reveal which names exist.
let dummyHash: Promise<string> | undefined;

/** Password login, throttled per username (`limits.loginFailures` per 15 minutes). */
export async function login(deps: DomainDeps, input: { username: string; password: string }): Promise<Session> {
  const usernameKey = input.username.toLowerCase();
  await deps.loginThrottle.attempt(usernameKey);
  const user = await credentialsOf(deps.db, usernameKey);
  dummyHash ??= hashPassword('not a password of anyone');
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash));
  if (!user?.password_hash || !ok) {
    throw new DomainError('unauthenticated', 'wrong username or password');
  }
  await deps.loginThrottle.succeeded(usernameKey);
  const token = await issueToken(deps.db, user.id, 'login');
  return { user: userView(user), token };
}

/** Revokes the token in use. */
export async function logout(deps: DomainDeps, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await revokeToken(deps.db, tokenHash);
  // Service processes that remember this token for WebSocket handshakes forget it now.
  await publishStored(deps, { type: 'token.revoked', token_hash: tokenHash });
}

/** A token the API could have issued: anything else is unknown without a lookup. */
export function plausibleToken(token: string): boolean {
  return token.length > 0 && token.length <= 200;
}

/** The user a bearer token belongs to, or null for an unknown or revoked token. */
export async function authenticate(deps: DomainDeps, token: string): Promise<Actor | null> {
  return plausibleToken(token) ? actorOfTokenHash(deps, hashToken(token)) : null;
}

/** The user of the token with this hash (callers that keep tokens by hash), or null. */
export async function actorOfTokenHash(deps: DomainDeps, tokenHash: string): Promise<Actor | null> {
  return (await userOfToken(deps.db, tokenHash)) ?? null;
}

/** The caller's profile. */
export async function me(deps: DomainDeps, actor: Actor): Promise<UserView> {
  const row = await userById(deps.db, actor.id);
  if (!row) throw new DomainError('unauthenticated', 'the user of this token no longer exists');
  return userView(row);
}
