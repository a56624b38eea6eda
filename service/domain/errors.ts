export type DomainErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  /** A dependency (Redis, the database) is down or not answering. */
  | 'unavailable';

/** A refused use case: the HTTP, WebSocket and CLI front ends each turn it into their own answer. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The offending input field, for invalid_request. */
    readonly field?: string,
    /** Seconds until a rate-limited caller may retry. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
