import { mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/** Rotation: the current file plus this many older ones (`name.log.1` …), each up to `size`. */
export const LOG_ROTATION = { size: '10M', rotate: 3 } as const;

/** One process's log: every line timestamped, rotated by size so it cannot fill the disk. */
export class ProcessLog {
  private readonly stream: RotatingFileStream;
  private closed = false;

  constructor(
    dir: string,
    readonly name: string,
    private readonly onLine?: (name: string, line: string) => void,
    rotation: { size: `${number}${'B' | 'K' | 'M'}`; rotate: number } = LOG_ROTATION,
  ) {
    mkdirSync(dir, { recursive: true });
    this.stream = createStream(`${name}.log`, { path: dir, size: rotation.size, rotate: rotation.rotate });
    this.stream.on('error', () => {});
  }

  /** Copies a child's stdout or stderr, line by line. */
  attach(source: Readable | null): void {
    if (!source) return;
    let rest = '';
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) this.line(line.replace(/\r$/, ''));
    });
    source.on('end', () => {
      if (rest) this.line(rest);
      rest = '';
    });
  }

  /** A line of the supervisor's own about this process (exits, restarts, probe errors). */
  note(text: string): void {
    this.line(`[prizmai] ${text}`);
  }

  line(text: string): void {
    if (this.closed) return;
    this.stream.write(`${new Date().toISOString()} ${text}\n`);
    this.onLine?.(this.name, text);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
