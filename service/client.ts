import { hc } from 'hono/client';
import type { DomainErrorCode } from './domain/errors.js';
import type { ApiApp } from './routes/api.js';

// The typed client of the HTTP API (SPEC §6), for the CLI's chat commands and scripts. It imports
// only Hono's client at run time — the API's type comes from the server code as a type, so loading
// this module loads neither the ORM nor any server code.

export type { ApiApp };

export interface ClientOptions {
  /** The API token; sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** A fetch implementation (tests, proxies); default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * `createClient('http://127.0.0.1:8000')` → typed calls, e.g.
 * `await client.rooms[':id'].messages.$post({ param: { id: '3' }, json: { content: 'hi' } })`.
 */
export function createClient(baseUrl: string, options: ClientOptions = {}) {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1`;
  return hc<ApiApp>(url, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: (): Record<string, string> => (options.token ? { Authorization: `Bearer ${options.token}` } : {}),
  });
}

export type Client = ReturnType<typeof createClient>;

/** SPEC §6's error codes (the domain's), plus `internal` and `unknown` for what no handler answered. */
export type ApiErrorCode = DomainErrorCode | 'internal' | 'unknown';

/** A non-2xx answer, with the service's `{error: {code, message, field?}}` and `Retry-After`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Ok<T> = T extends { ok: true; json(): Promise<infer B> } ? B : never;

/**
 * The body of a successful answer, typed by route; throws ApiError for any error answer.
 * `const { message } = await unwrap(client.rooms[':id'].messages.$post(...))`
 */
export async function unwrap<R extends { ok: boolean; status: number; json(): Promise<unknown> }>(
  pending: Promise<R> | R,
): Promise<Ok<R>> {
  const response = (await pending) as R & { headers?: Headers };
  if (response.ok) {
    return (response.status === 204 ? undefined : await response.json()) as Ok<R>;
  }
  let body: { error?: { code?: string; message?: string; field?: string } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // not JSON: keep the status
  }
  const retry = response.headers?.get('retry-after');
  throw new ApiError(
    response.status,
    (body.error?.code as ApiErrorCode | undefined) ?? 'unknown',
    body.error?.message ?? `HTTP ${response.status}`,
    body.error?.field,
    retry ? Number(retry) : undefined,
  );
}
