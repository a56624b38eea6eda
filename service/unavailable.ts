import { isDatabaseUnavailable } from './db/errors.js';
import { DomainError } from './domain/errors.js';
import { isRedisFailure } from './redis-url.js';

/**
 * A failure of a dependency as the answer every front end gives it (503 `unavailable`, SPEC §6): Redis
 * down or hung, the database locked past its wait or unreachable. Undefined for any other error.
 */
export function dependencyUnavailable(error: unknown): DomainError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new DomainError('unavailable', 'the database is busy or not answering; try again shortly');
  }
  if (isRedisFailure(error)) return new DomainError('unavailable', 'Redis is not answering; try again shortly');
  return undefined;
}
