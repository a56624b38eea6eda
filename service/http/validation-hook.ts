import type { ZodError } from 'zod';
import { DomainError } from '../domain/errors.js';

/** The name of the input a zod issue is about: `content`, `members.2`, or the unknown key. */
function fieldOf(error: ZodError, target: string): string {
  const issue = error.issues[0];
  if (!issue) return target;
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    return [...issue.path.map(String), issue.keys[0]].join('.');
  }
  return issue.path.length > 0 ? issue.path.map(String).join('.') : target === 'json' ? 'body' : target;
}

function messageOf(error: ZodError, field: string): string {
  const issue = error.issues[0];
  if (!issue) return `${field} is invalid`;
  if (issue.code === 'unrecognized_keys') return `${field}: unknown field`;
  return `${field}: ${issue.message}`;
}

/** Every validator's failure becomes one invalid_request naming the offending field (SPEC §6). */
export function validationHook(result: { success: boolean; error?: ZodError; target: string }): void {
  if (result.success || !result.error) return;
  const field = fieldOf(result.error, result.target);
  throw new DomainError('invalid_request', messageOf(result.error, field), field);
}
