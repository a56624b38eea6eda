import type { Executor } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { insertToken } from '../db/tokens.js';
import { insertUser, type UserRow, userByKey } from '../db/users.js';
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

function taken(username: string): DomainError {
  return new DomainError('conflict', `username "${username}" is taken`, 'username');
}

/** Creates a user; usernames are unique regardless of case (two sign-ups racing: the unique key decides). */
export async function createUser(q: Executor, input: NewUser): Promise<UserRow> {
  checkUsername(input.username);
  if (input.password !== undefined) checkPassword(input.password);
  const usernameKey = input.username.toLowerCase();
  if (await userByKey(q, usernameKey)) throw taken(input.username);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  try {
    return await insertUser(q, {
      username: input.username,
      usernameKey,
      displayName: input.displayName?.trim() || input.username,
      passwordHash,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(input.username);
    throw error;
  }
}

/** Issues a token for the user and returns it in clear: the only time it is ever visible. */
export async function issueToken(q: Executor, userId: number, name?: string): Promise<string> {
  const token = generateToken();
  await insertToken(q, userId, hashToken(token), name ?? null);
  return token;
}
