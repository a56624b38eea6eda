import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sinceOf } from '../../cli/commands/logs.js';
import { controlPath, isSameProcess, processStartTime } from '../../cli/platform.js';
import { Backoff } from '../../cli/supervisor/backoff.js';
import { mergeByTime, parseLines, tailLines } from '../../cli/supervisor/log-reader.js';
import { ProcessLog } from '../../cli/supervisor/log-writer.js';
import { probeHosts } from '../../cli/supervisor/probes.js';
import { formatFailureReport } from '../../cli/supervisor/report.js';
import { tempDir } from '../fixtures/tmp.js';

describe('Backoff', () => {
  it('retries fast at first, grows exponentially to a cap, and gives up after too many crashes in the window', () => {
    const backoff = new Backoff({ initialDelayMs: 10, factor: 4, maxDelayMs: 500, maxCrashes: 5, windowMs: 30_000 });
    const delays = [0, 1, 2, 3, 4].map((i) => backoff.next(1000 + i));
    expect(delays).toEqual([10, 40, 160, 500, 500]);
    expect(backoff.next(1005)).toBeUndefined();
  });

  it('forgets crashes older than the window', () => {
    const backoff = new Backoff({ initialDelayMs: 10, factor: 2, maxDelayMs: 1000, maxCrashes: 2, windowMs: 1000 });
    expect(backoff.next(0)).toBe(10);
    expect(backoff.next(10)).toBe(20);
    expect(backoff.next(5000)).toBe(10);
  });
});

describe('platform', () => {
  it('knows this process’s start time and rejects a wrong one (a recycled pid)', () => {
    const start = processStartTime(process.pid);
    expect(start).toBeGreaterThan(Date.now() - 24 * 3600_000 * 365);
    expect(start).toBeLessThanOrEqual(Date.now());
    expect(isSameProcess(process.pid, start)).toBe(true);
    expect(isSameProcess(process.pid, (start as number) - 60_000)).toBe(false);
    expect(processStartTime(2 ** 30)).toBeUndefined();
    expect(isSameProcess(null, start)).toBe(false);
  });

  it('derives the control channel from the state dir’s absolute path, within socket path limits', () => {
    const a = controlPath('/tmp/project-a/.prizmai');
    expect(a).toBe('/tmp/project-a/.prizmai/supervisor.sock');
    expect(controlPath('/tmp/project-b/.prizmai')).not.toBe(a);
    const long = controlPath(`/tmp/${'x'.repeat(150)}/.prizmai`);
    expect(Buffer.byteLength(long)).toBeLessThan(100);
    expect(long).toMatch(/prizmai-[0-9a-f]{16}\.sock$/);
    expect(controlPath(`/tmp/${'y'.repeat(150)}/.prizmai`)).not.toBe(long);
  });
});

describe('logs', () => {
  it('parses timestamped lines, merges processes by time and tails across rotated files', () => {
    const dir = tempDir();
    try {
      mkdirSync(dir.path, { recursive: true });
      writeFileSync(
        join(dir.path, 'worker.log.1'),
        '2026-01-01T00:00:00.000Z old one\n2026-01-01T00:00:01.000Z old two\n',
      );
      writeFileSync(join(dir.path, 'worker.log'), '2026-01-01T00:00:03.000Z new\n');
      writeFileSync(join(dir.path, 'beat.log'), '2026-01-01T00:00:02.000Z beat line\ncontinuation\n');
      expect(tailLines(dir.path, 'worker', 2).map((l) => l.text)).toEqual(['old two', 'new']);
      const merged = mergeByTime([tailLines(dir.path, 'worker', 10), tailLines(dir.path, 'beat', 10)]);
      expect(merged.map((l) => `${l.name}:${l.text}`)).toEqual([
        'worker:old one',
        'worker:old two',
        'beat:beat line',
        'beat:continuation',
        'worker:new',
      ]);
    } finally {
      dir.remove();
    }
    expect(parseLines('x', 'no stamp\n', 5)).toEqual([{ name: 'x', time: 5, text: 'no stamp' }]);
  });

  it('rotates a process log by size and keeps a bounded number of old files', async () => {
    const dir = tempDir();
    try {
      const log = new ProcessLog(dir.path, 'worker', undefined, { size: '1K', rotate: 2 });
      for (let i = 0; i < 200; i++) {
        log.line(`line ${i} ${'x'.repeat(40)}`);
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await log.close();
      const files = readdirSync(dir.path).sort();
      expect(files).toEqual(['worker.log', 'worker.log.1', 'worker.log.2']);
      expect(statSync(join(dir.path, 'worker.log.1')).size).toBeLessThan(4096);
      expect(existsSync(join(dir.path, 'worker.log.3'))).toBe(false);
      expect(tailLines(dir.path, 'worker', 1)[0]?.text).toMatch(/^line 199 /);
    } finally {
      dir.remove();
    }
  });

  it('reads --since as a duration or a date', () => {
    expect(sinceOf('10m', 1_000_000)).toBe(1_000_000 - 600_000);
    expect(sinceOf('30s', 100_000)).toBe(70_000);
    expect(sinceOf('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(() => sinceOf('soon')).toThrow(/--since/);
  });
});

describe('failure report', () => {
  const entry = {
    name: 'redis',
    state: 'failed',
    exit_code: 1,
    signal: null,
    last_error: 'PING to 127.0.0.1:1: connect ECONNREFUSED',
    log_file: '/s/logs/redis.log',
    last_lines: ['bad redis'],
  };
  it('names the process, its state, exit code, last probe error, log file and last lines', () => {
    const text = formatFailureReport([entry], { github: false });
    expect(text).toContain('redis is failed (exit code 1): PING to 127.0.0.1:1: connect ECONNREFUSED');
    expect(text).toContain('/s/logs/redis.log');
    expect(text).toContain('    bad redis');
  });
  it('adds GitHub annotations under GitHub Actions', () => {
    const text = formatFailureReport([{ ...entry, signal: 'SIGKILL' }], { github: true });
    expect(text).toMatch(/^::error title=prizmai: redis failed::redis is failed \(killed by SIGKILL\)/m);
    expect(text).toMatch(/^::group::redis: last 1 log lines$/m);
    expect(text).toMatch(/^::endgroup::$/m);
  });
});

describe('probes', () => {
  it('tries both loopbacks for localhost', () => {
    expect(probeHosts('localhost')).toEqual(['127.0.0.1', '::1']);
    expect(probeHosts('0.0.0.0')).toEqual(['127.0.0.1']);
    expect(probeHosts('[::1]')).toEqual(['::1']);
  });
});
