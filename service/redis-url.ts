/**
 * How long a command on a request path waits for Redis before it fails: a hung or unreachable Redis
 * turns into a 503 `unavailable` within seconds, never a hang (SPEC §6).
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

/** Options of the connections that serve requests (not the subscriber, not BullMQ's blocking ones). */
export const requestRedisOptions = { maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS } as const;

/** An error that means Redis is down or not answering (ioredis's timeouts, closed or refused connections). */
export function isRedisFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
  return /Command timed out|Connection is closed|Stream isn't writeable|Reached the max retries/.test(error.message);
}
