import { writeSync } from 'node:fs';

/** Structured logs: one JSON object per line. Callers never pass tokens or passwords. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Standard output, written once per turn of the event loop with every line of that turn (one system
 * call per burst of requests, not one per request line); what is left is written out as the process exits.
 */
function batchedStdout(): (line: string) => void {
  let pending = '';
  const flush = () => {
    const out = pending;
    pending = '';
    if (out) process.stdout.write(out);
  };
  process.once('exit', () => {
    try {
      if (pending) writeSync(1, pending);
    } catch {
      // Nowhere left to report it.
    }
  });
  return (line) => {
    if (!pending) setImmediate(flush);
    pending += line;
  };
}

let stdout: ((line: string) => void) | undefined;

/** The process's one batched standard output, however many loggers write to it. */
function sharedStdout(): (line: string) => void {
  stdout ??= batchedStdout();
  return stdout;
}

/** JSON lines, by default to standard output. */
export function jsonLogger(write: (line: string) => void = sharedStdout()): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return {
    info: (message, fields) => emit('info', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info: () => {}, error: () => {} };

const SQL_START = /^\s*(select|insert|update|delete|with|begin|commit|rollback|pragma|create|alter|drop)\b/i;
const MAX_ERROR_MESSAGE = 300;

/**
 * An error as a log line may carry it: its code and a short message — never the SQL statement with its
 * bound values that database drivers put in front of their message (a failed post would log its text).
 */
export function errorFields(error: unknown): { error: string; code?: string } {
  if (!(error instanceof Error)) return { error: String(error).slice(0, MAX_ERROR_MESSAGE) };
  let message = error.message;
  if (SQL_START.test(message)) {
    const cut = message.lastIndexOf(' - ');
    message = cut >= 0 ? message.slice(cut + 3) : 'a database statement failed';
  }
  const code = (error as { code?: unknown }).code;
  return {
    error: `${error.name}: ${message}`.slice(0, MAX_ERROR_MESSAGE),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
