import { createHash, randomBytes } from 'node:crypto';

/** A new API token: 256 random bits, prefixed so a leaked token is recognisable. */
export function generateToken(): string {
  return `pzm_${randomBytes(32).toString('base64url')}`;
}

/** Only this hash is stored: a database leak reveals no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
