// The supervisor when things go wrong: a dead daemon, a busy port, a stack that cannot start, Ctrl-C.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portFree } from '../../cli/supervisor/preflight.js';
import { alive, createStack, processesMentioning, spawnPrizmai, type TestStack } from '../fixtures/cli.js';
import { eventually } from '../fixtures/eventually.js';

const stacks: TestStack[] = [];
const servers: Server[] = [];
async function newStack(env: Record<string, string> = {}) {
  const stack = await createStack(env);
  stacks.push(stack);
  return stack;
}
afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  await Promise.all(stacks.splice(0).map((s) => s.cleanup()));
});

interface StatusDoc {
  daemon: { pid: number | null; alive: boolean };
  processes: { name: string; state: string; pid: number | null }[];
}

describe('an unreadable state file', () => {
  it('`{}` with the daemon up: status and stop go through the control channel, no TypeError', async () => {
    const stack = await newStack();
    expect((await stack.cli(['start'])).exitCode).toBe(0);
    const stateFile = join(stack.stateDir, 'supervisor.json');
    writeFileSync(stateFile, '{}');
    const status = await stack.cli(['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stderr).not.toContain('TypeError');
    const stop = await stack.cli(['stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
  });

  it('truncated with the daemon dead: never "not running" while its processes run; stop stops them', async () => {
    const stack = await newStack();
    expect((await stack.cli(['start'])).exitCode).toBe(0);
    const before = JSON.parse((await stack.cli(['status', '--json'])).stdout) as StatusDoc;
    const children = before.processes.map((p) => p.pid).filter((p): p is number => p !== null);
    process.kill(before.daemon.pid as number, 'SIGKILL');
    await eventually(() => (alive(before.daemon.pid as number) ? undefined : true));
    const stateFile = join(stack.stateDir, 'supervisor.json');
    const text = readFileSync(stateFile, 'utf8');
    writeFileSync(stateFile, text.slice(0, Math.floor(text.length * 0.8)));

    const status = await stack.cli(['status']);
    expect(status.exitCode).toBe(1);
    expect(status.stderr).toContain(stateFile);
    expect(status.stderr).toContain('cannot be read');
    expect(status.stderr).toContain('redis (pid');
    expect(status.stderr).not.toContain('not running');
    const start = await stack.cli(['start']);
    expect(start.exitCode).toBe(1);
    expect(start.stderr).toContain('cannot be read');
    for (const pid of children) expect(alive(pid), `pid ${pid}`).toBe(true);

    // stop stops what the file still names with a matching pid and start time, and removes it.
    const stop = await stack.cli(['stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stderr).toContain('stopped');
    expect(existsSync(stateFile)).toBe(false);
    expect((await stack.cli(['status'])).exitCode).toBe(3);
  });
});

describe('supervisor daemon killed', () => {
  it('status reports the daemon gone; stop still removes every child', async () => {
    const stack = await newStack();
    expect((await stack.cli(['start'])).exitCode).toBe(0);
    const before = JSON.parse((await stack.cli(['status', '--json'])).stdout) as StatusDoc;
    const children = before.processes.map((p) => p.pid).filter((p): p is number => p !== null);
    expect(children).toHaveLength(4);

    process.kill(before.daemon.pid as number, 'SIGKILL');
    await eventually(() => (alive(before.daemon.pid as number) ? undefined : true));

    const status = await stack.cli(['status', '--json']);
    expect(status.exitCode).toBe(1);
    const doc = JSON.parse(status.stdout) as StatusDoc & { stale?: boolean };
    expect(doc.daemon).toEqual({ pid: before.daemon.pid, alive: false });
    expect(doc.stale).toBe(true);
    const text = await stack.cli(['status']);
    expect(text.stderr).toContain('daemon');
    expect(text.stderr).toContain('gone');
    for (const pid of children) expect(alive(pid)).toBe(true);

    // start refuses to launch a second stack over the orphaned one.
    const start = await stack.cli(['start']);
    expect(start.exitCode).toBe(1);
    expect(start.stderr).toContain('prizmai stop');

    const stop = await stack.cli(['stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    for (const pid of children) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
    expect(await portFree(stack.port, '127.0.0.1')).toBe(true);
    expect((await stack.cli(['status'])).exitCode).toBe(3);
  });

  it('a recorded pid whose start time does not match is never signalled', async () => {
    const stack = await newStack();
    // A state file of a dead supervisor naming this very test process with a wrong start time.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(stack.stateDir, { recursive: true });
    writeFileSync(
      join(stack.stateDir, 'supervisor.json'),
      JSON.stringify({
        version: '0.0.0',
        daemon: { pid: 999_999_999, start_time: 1, foreground: false },
        control: join(stack.stateDir, 'supervisor.sock'),
        url: null,
        redis_url: '',
        database_url: '',
        stop_timeout_ms: 100,
        processes: [{ name: 'service', state: 'ready', pid: process.pid, start_time: 12345, log_file: '' }],
        updated_at: new Date().toISOString(),
      }),
    );
    const stop = await stack.cli(['stop']);
    expect(stop.exitCode).toBe(0);
    expect(alive(process.pid)).toBe(true);
    expect(existsSync(join(stack.stateDir, 'supervisor.json'))).toBe(false);
  });
});

describe('version exchange', () => {
  it('a daemon of another version is reported with what to do, never a hang', async () => {
    const stack = await newStack();
    const { mkdirSync } = await import('node:fs');
    const { controlPath } = await import('../../cli/platform.js');
    mkdirSync(stack.stateDir, { recursive: true });
    // A stand-in daemon on the control channel that answers as prizmai 9.9.9.
    const fake = createServer((socket) => {
      socket.on('data', () => {
        socket.end(`${JSON.stringify({ type: 'result', version: '9.9.9', value: { pid: 1, version: '9.9.9' } })}\n`);
      });
    });
    servers.push(fake);
    await new Promise<void>((resolve) => fake.listen(controlPath(stack.stateDir), resolve));
    const start = await stack.cli(['start'], { timeout: 10_000 });
    expect(start.exitCode).toBe(1);
    expect(start.stderr).toContain('prizmai 9.9.9');
    expect(start.stderr).toContain('run `prizmai stop` and then `prizmai start`');
  });
});

describe('pre-flight', () => {
  it('a port held by another process: start exits non-zero naming the port and spawns nothing', async () => {
    const stack = await newStack();
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(stack.port, '127.0.0.1', resolve));
    const start = await stack.cli(['start']);
    expect(start.exitCode).toBe(1);
    expect(start.stderr).toContain(`port ${stack.port} (service.port) is already in use`);
    expect(start.stderr).toContain('--port');
    expect(start.stderr).toContain(`by pid ${process.pid}`);
    expect(existsSync(join(stack.stateDir, 'supervisor.json'))).toBe(false);
    expect(existsSync(join(stack.stateDir, 'logs', 'redis.log'))).toBe(false);
    expect(await portFree(stack.redisPort, '127.0.0.1')).toBe(true);
    expect(processesMentioning(stack.stateDir)).toEqual([]);

    const redisHeld = await newStack();
    const other = createServer();
    servers.push(other);
    await new Promise<void>((resolve) => other.listen(redisHeld.redisPort, '127.0.0.1', resolve));
    const again = await redisHeld.cli(['start', '--json']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`port ${redisHeld.redisPort} (redis.port)`);
    expect(again.stderr).toContain('--redis-port');
    expect(JSON.parse(again.stdout).error.message).toContain(String(redisHeld.redisPort));
  });
});

describe('prizmai run', () => {
  it('runs the command with the stack’s addresses, exits with its code and leaves nothing running', async () => {
    const stack = await newStack();
    const script = `
      const ok = process.env.PRIZMAI_URL && process.env.PRIZMAI_REDIS_URL && process.env.PRIZMAI_DATABASE_URL;
      fetch(process.env.PRIZMAI_URL + '/healthz').then((r) => process.exit(ok && r.status === 200 ? 7 : 1));`;
    const run = await stack.cli(['run', '--', 'node', '-e', script]);
    expect(run.exitCode, run.stderr).toBe(7);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
    expect(await portFree(stack.port, '127.0.0.1')).toBe(true);
    expect(existsSync(join(stack.stateDir, 'supervisor.json'))).toBe(false);

    const plain = await stack.cli(['run', '--', 'node', '-e', 'process.exit(7)']);
    expect(plain.exitCode).toBe(7);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
  });

  it('a stack that cannot start: exits non-zero, prints the failing process’s last log lines, never runs the command', async () => {
    const stack = await newStack({ GITHUB_ACTIONS: 'true' });
    const badRedis = join(stack.dir, 'bad-redis');
    writeFileSync(badRedis, '#!/bin/sh\necho "bad redis: cannot bind anything"\nexit 1\n', { mode: 0o755 });
    const marker = join(stack.dir, 'ran');
    const run = await stack.cli(
      ['run', '--', 'node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      {
        env: { PRIZMAI_REDIS_BIN: badRedis },
      },
    );
    expect(run.exitCode).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(run.stderr).toContain('bad redis: cannot bind anything');
    expect(run.stderr).toMatch(/redis is failed \(exit code 1\)/);
    expect(run.stderr).toContain('::error title=prizmai: redis failed::');
    expect(run.stderr).toContain('::group::redis: last');
    expect(run.stderr).toContain('::endgroup::');
    expect(run.stderr).toContain('Check the set-up with `prizmai doctor`');
    expect(processesMentioning(stack.stateDir)).toEqual([]);
    expect(existsSync(join(stack.stateDir, 'supervisor.json'))).toBe(false);

    const missing = await stack.cli(
      ['run', '--', 'node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      {
        env: { PRIZMAI_REDIS_BIN: join(stack.dir, 'no-such-redis') },
      },
    );
    expect(missing.exitCode).toBe(1);
    expect(existsSync(marker)).toBe(false);
    // Refused before anything is spawned, with the fix.
    expect(missing.stderr).toContain(`${join(stack.dir, 'no-such-redis')} not found on PATH (redis.bin); install it`);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  it('SIGINT to `prizmai run` stops the command and the stack it started, and exits 130', async () => {
    const stack = await newStack();
    const marker = join(stack.dir, 'running');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, ''); setTimeout(() => {}, 60000);`;
    const child = spawnPrizmai(['run', ...stack.flags, '--', 'node', '-e', script], { cwd: stack.dir });
    await eventually(() => (existsSync(marker) ? true : undefined), 30_000);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
    expect(existsSync(join(stack.stateDir, 'supervisor.json'))).toBe(false);
  });
});

describe('start --foreground', () => {
  it('SIGINT stops every child and exits 130', async () => {
    const stack = await newStack();
    const child = spawnPrizmai(['start', '--foreground', ...stack.flags], { cwd: stack.dir });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await eventually(() => (stderr.includes('ready at') ? true : undefined), 30_000);
    const state = JSON.parse(readFileSync(join(stack.stateDir, 'supervisor.json'), 'utf8')) as StatusDoc;
    const pids = state.processes.map((p) => p.pid).filter((p): p is number => p !== null);
    expect(pids).toHaveLength(4);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.stdout)).toMatch(/^worker\s+\| worker ready/m);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(processesMentioning(stack.stateDir)).toEqual([]);
  });
});
