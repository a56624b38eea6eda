import type { EntityManager } from '@mikro-orm/core';
import { ApiToken, User } from '../db/entities.js';
import { DomainError } from './errors.js';
import { hashPassword } from './passwords.js';
import { generateToken, hashToken } from './tokens.js';

/** Usernames are what a mention can name (SPEC §6): letters, digits, `_ . -`, not ending in `.` or `-`. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{0,149}[A-Za-z0-9_]$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

export function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new DomainError(
      'invalid_request',
      'username must be 1–150 letters, digits, "_", "." or "-", not ending in "." or "-"',
      'username',
    );
  }
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new DomainError('invalid_request', `password must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters`, 'password');
  }
}

export interface NewUser {
  username: string;
  password?: string | undefined;
  displayName?: string | undefined;
}

/** Creates a user; usernames are unique regardless of case. */
export async function createUser(em: EntityManager, input: NewUser): Promise<User> {
  checkUsername(input.username);
  if (input.password !== undefined) checkPassword(input.password);
  const usernameKey = input.username.toLowerCase();
  if (await em.findOne(User, { usernameKey })) {
    throw new DomainError('conflict', `username "${input.username}" is taken`, 'username');
  }
  const user = em.create(User, {
    username: input.username,
    usernameKey,
    displayName: input.displayName?.trim() || input.username,
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    createdAt: new Date(),
  });
  await em.persistAndFlush(user);
  return user;
}

/** Issues a token for `user` and returns it in clear: the only time it is ever visible. */
export async function issueToken(em: EntityManager, user: User, name?: string): Promise<string> {
  const token = generateToken();
  em.create(ApiToken, { user, tokenHash: hashToken(token), name: name ?? null, createdAt: new Date() });
  await em.flush();
  return token;
}
