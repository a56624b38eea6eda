import { z } from '@hono/zod-openapi';
import { CLIENT_ID_MAX, CONTENT_MAX, contentProblem } from '../domain/content.js';

// The input fields HTTP bodies and WebSocket frames share, so both refuse exactly the same values.

/** PostgreSQL `int`: the largest id there can be. */
export const MAX_ID = 2_147_483_647;

// NUL cannot be stored in PostgreSQL text, and lone surrogates are not Unicode: refused everywhere.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isCleanText = (value: string) => !value.includes('\u0000') && !LONE_SURROGATE.test(value);

/** A string free of NUL and unpaired surrogates. */
export function text() {
  return z.string().refine(isCleanText, 'must not contain NUL or invalid Unicode');
}

/** A trimmed name of 1–max characters. */
export function name(max: number) {
  return text()
    .transform((value) => value.trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));
}

const USERNAME = /^[A-Za-z0-9_.-]{1,150}$/;
export const Username = z.string().regex(USERNAME, 'must be 1–150 letters, digits, "_", "." or "-"');

export const Content = text()
  .refine((value) => contentProblem(value) === null, `must be 1–${CONTENT_MAX} characters after trimming`)
  .openapi({ minLength: 1, maxLength: CONTENT_MAX });

export const ClientId = text().min(1).max(CLIENT_ID_MAX).optional();

/** An id in a JSON body. */
export const IdNumber = z.number().int().min(1).max(MAX_ID);
