import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';

/** SPEC §10: request bodies over 64 KiB are refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

function tooLarge(limit: number): DomainError {
  return new DomainError('payload_too_large', `request body exceeds ${limit} bytes`);
}

async function readCapped(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads the body once, refusing more than `limit` bytes (by Content-Length up front, or by counting
 * a chunked stream) and bodies that are not valid UTF-8; the decoded text is handed to the validators.
 */
export function bodyLimit(limit = BODY_LIMIT_BYTES): MiddlewareHandler {
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
    const body = c.req.raw.body;
    if (body === null || c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const bytes = await readCapped(body, limit);
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      throw new DomainError('invalid_request', 'body: the request body is not valid UTF-8', 'body');
    }
    // Hono caches body promises here (its type says values); its validators read the text back.
    const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
    cache.text = Promise.resolve(text);
    cache.arrayBuffer = Promise.resolve(bytes.buffer);
    return next();
  };
}
