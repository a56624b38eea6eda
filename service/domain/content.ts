import { DomainError } from './errors.js';

/** SPEC §10: message and comment content is 1–10,000 characters after trimming. */
export const CONTENT_MAX = 10_000;
export const CLIENT_ID_MAX = 100;

/** Why `content` is unacceptable, or null. Characters are code points, so emoji count once. */
export function contentProblem(content: string): string | null {
  const trimmed = content.trim();
  if (trimmed.length === 0) return 'content must not be empty';
  // Cheap bound first: code points never outnumber UTF-16 units.
  if (trimmed.length > CONTENT_MAX && [...trimmed].length > CONTENT_MAX) {
    return `content must be at most ${CONTENT_MAX} characters`;
  }
  return null;
}

/** The content as stored: trimmed, checked. */
export function normaliseContent(content: string): string {
  const problem = contentProblem(content);
  if (problem) throw new DomainError('invalid_request', problem, 'content');
  return content.trim();
}

export function clientIdProblem(clientId: string): string | null {
  if (clientId.length === 0 || clientId.length > CLIENT_ID_MAX)
    return `client_id must be 1–${CLIENT_ID_MAX} characters`;
  return null;
}

export function checkClientId(clientId: string | null | undefined): string | null {
  if (clientId === null || clientId === undefined) return null;
  const problem = clientIdProblem(clientId);
  if (problem) throw new DomainError('invalid_request', problem, 'client_id');
  return clientId;
}
