import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_ROTATION } from './log-writer.js';

export interface LogLine {
  name: string;
  /** ms since epoch; lines without a timestamp inherit the previous one. */
  time: number;
  text: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (.*)$/;

export function parseLines(name: string, text: string, after = 0): LogLine[] {
  const lines: LogLine[] = [];
  let time = after;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const match = STAMP.exec(raw);
    if (match) time = Date.parse(match[1] as string);
    lines.push({ name, time, text: match ? (match[2] as string) : raw });
  }
  return lines;
}

/** The names that have a log in `logsDir` (the supervisor's own log excluded). */
export function loggedNames(logsDir: string): string[] {
  if (!existsSync(logsDir)) return [];
  return readdirSync(logsDir)
    .filter((f) => f.endsWith('.log') && f !== 'supervisor.log')
    .map((f) => f.slice(0, -'.log'.length));
}

/** The last `n` lines of one log, from its rotated files too when the current one is short. */
export function tailLines(logsDir: string, name: string, n: number): LogLine[] {
  const files = [join(logsDir, `${name}.log`)];
  for (let i = 1; i <= LOG_ROTATION.rotate; i++) files.push(join(logsDir, `${name}.log.${i}`));
  let lines: LogLine[] = [];
  for (const file of files) {
    if (lines.length >= n) break;
    if (!existsSync(file)) continue;
    lines = [...parseLines(name, readTail(file, n - lines.length)), ...lines];
  }
  return lines.slice(-n);
}

/** Every line of one log newer than `since` (ms since epoch), rotated files first. */
export function linesSince(logsDir: string, name: string, since: number): LogLine[] {
  const lines: LogLine[] = [];
  for (let i: number = LOG_ROTATION.rotate; i >= 0; i--) {
    const file = join(logsDir, i === 0 ? `${name}.log` : `${name}.log.${i}`);
    if (!existsSync(file) || statSync(file).mtimeMs < since) continue;
    lines.push(...parseLines(name, readFileSync(file, 'utf8')).filter((l) => l.time >= since));
  }
  return lines;
}

/** Reads backwards from the end until `n` lines are in hand. */
function readTail(file: string, n: number): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let start = size;
    let text = '';
    while (start > 0 && text.split('\n').length <= n + 1) {
      const length = Math.min(64 * 1024, start);
      start -= length;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, start);
      text = buffer.toString('utf8') + text;
    }
    const lines = text.split('\n').filter(Boolean);
    return lines.slice(-n).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** Merges several logs' lines by time (stable within one log). */
export function mergeByTime(groups: LogLine[][]): LogLine[] {
  return groups.flat().sort((a, b) => a.time - b.time);
}

/** Reads what was appended to a log since `offset`; a shrunk file (rotated) is read from the start. */
export function readAppended(file: string, offset: number): { text: string; offset: number } {
  if (!existsSync(file)) return { text: '', offset: 0 };
  const size = statSync(file).size;
  const from = size < offset ? 0 : offset;
  if (size === from) return { text: '', offset: size };
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - from);
    readSync(fd, buffer, 0, buffer.length, from);
    const text = buffer.toString('utf8');
    // Keep a partial last line for the next read.
    const end = text.lastIndexOf('\n') + 1;
    return { text: text.slice(0, end), offset: from + Buffer.byteLength(text.slice(0, end)) };
  } finally {
    closeSync(fd);
  }
}
