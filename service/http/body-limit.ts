import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';

/** SPEC §10: request bodies over 64 KiB are refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

function tooLarge(limit: number): DomainError {
  return new DomainError('payload_too_large', `request body exceeds ${limit} bytes`);
}

/**
 * An oversized body is still read to its end (and dropped) before the 413 goes out: closing a socket
 * with unread data resets it, and a client still sending would get the reset instead of the answer.
 * Past these bounds the reading stops and the connection goes (a client that never stops sending).
 */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 5000;

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  const deadline = Date.now() + DISCARD_MAX_MS;
  let discarded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    discarded += value.byteLength;
    if (discarded > DISCARD_MAX_BYTES || Date.now() > deadline) {
      await reader.cancel().catch(() => {});
      return;
    }
  }
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
      await discardRest(reader);
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
    if (declared !== undefined && Number(declared) > limit) {
      const body = c.req.raw.body;
      if (body) await discardRest(body.getReader());
      throw tooLarge(limit);
    }
    // Not `c.req.raw` on a GET: the node server builds the whole web Request only when it is asked for.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    let bytes: Uint8Array;
    if (declared !== undefined) {
      // Its length is known and within the limit (Node's parser never reads past it): read it whole,
      // which the node server does straight from the socket, without building a web Request and stream.
      bytes = new Uint8Array(await c.req.raw.arrayBuffer());
    } else {
      const body = c.req.raw.body;
      if (body === null) return next();
      bytes = await readCapped(body, limit);
    }
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
