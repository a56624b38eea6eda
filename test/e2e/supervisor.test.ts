// One real stack, taken through its life: start, status, logs, a worker crash, a child that always
// crashes, restart, stop — every step against real processes.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portFree } from '../../cli/supervisor/preflight.js';
import { alive, createStack, processesMentioning, type TestStack } from '../fixtures/cli.js';
import { eventually } from '../fixtures/eventually.js';

interface Row {
  name: string;
  state: string;
  pid: number | null;
  port: number | null;
  restarts: number;
  exit_code: number | null;
  uptime_s: number | null;
  rss_bytes: number | null;
  log_file: string;
}
interface StatusDoc {
  url: string;
  daemon: { pid: number; alive: boolean };
  processes: Row[];
}

let stack: TestStack;
let flag: string;
let removeCrashDir = () => {};

async function status(): Promise<{ code: number | undefined; doc: StatusDoc }> {
  const result = await stack.cli(['status', '--json']);
  return { code: result.exitCode, doc: JSON.parse(result.stdout) as StatusDoc };
}
const row = (doc: StatusDoc, name: string) => doc.processes.find((p) => p.name === name) as Row;

beforeAll(async () => {
  // A preload that makes beat crash at once, but only while the flag file exists: a real crash loop
  // injected from outside, with no hook in the product.
  const { tempDir } = await import('../fixtures/tmp.js');
  const dir = tempDir('prizmai-crash-');
  removeCrashDir = dir.remove;
  flag = join(dir.path, 'crash-beat');
  const preload = join(dir.path, 'crash.cjs');
  writeFileSync(
    preload,
    `if (process.argv.some((arg) => /[/\\\\]beat\\.c?js$/.test(arg)) && require('fs').existsSync(${JSON.stringify(flag)})) {
       process.stderr.write('injected crash\\n'); process.exit(3);
     }\n`,
  );
  stack = await createStack({ NODE_OPTIONS: `--require ${preload}` });
});

afterAll(async () => {
  await stack?.cleanup();
  removeCrashDir();
});

describe('prizmai start / status / logs / crash / stop on one stack', () => {
  let pids: number[] = [];

  it('start exits 0 once redis, service, worker and beat are ready, and prints the URL', async () => {
    const start = await stack.cli(['start']);
    expect(start.exitCode, start.stderr).toBe(0);
    const url = `http://127.0.0.1:${stack.port}`;
    expect(start.stdout.trim()).toBe(url);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    const { code, doc } = await status();
    expect(code).toBe(0);
    expect(doc.url).toBe(url);
    expect(doc.daemon.alive).toBe(true);
    for (const name of ['redis', 'service', 'worker', 'beat']) {
      const p = row(doc, name);
      expect(p.state, name).toBe('ready');
      expect(p.pid, name).toBeGreaterThan(0);
      expect(alive(p.pid as number), name).toBe(true);
      expect(p.rss_bytes, name).toBeGreaterThan(0);
    }
    expect(row(doc, 'service').port).toBe(stack.port);
    expect(row(doc, 'redis').port).toBe(stack.redisPort);
    expect(row(doc, 'migrate')).toMatchObject({ state: 'ready', exit_code: 0 });
    pids = [doc.daemon.pid, ...doc.processes.map((p) => p.pid).filter((p): p is number => p !== null)];
    // Managed Redis keeps append-only data in <stateDir>/redis.
    expect(existsSync(join(stack.stateDir, 'redis', 'appendonlydir'))).toBe(true);
  });

  it('start again says it already runs and exits 0', async () => {
    const again = await stack.cli(['start']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('already running');
  });

  it('status prints a table with every process', async () => {
    const table = await stack.cli(['status']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+STATE\s+PID\s+PORT\s+UPTIME\s+RESTARTS\s+RSS\s+EXIT/);
    for (const name of ['redis', 'migrate', 'service', 'worker', 'beat']) expect(table.stdout).toContain(name);
  });

  it('status --json name,state: only those fields of each process, in that order; an unknown field is exit 2', async () => {
    const selected = await stack.cli(['status', '--json', 'name,state']);
    expect(selected.exitCode).toBe(0);
    expect(JSON.parse(selected.stdout)).toEqual(
      ['redis', 'migrate', 'service', 'worker', 'beat'].map((name) => ({ name, state: 'ready' })),
    );
    const unknown = await stack.cli(['status', '--json', 'name,colour']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('--json: unknown field "colour"; the fields are: name, state, pid');
    expect(unknown.stdout).toBe(
      JSON.stringify({ error: { message: unknown.stderr.trim().replace(/^prizmai: /, ''), exit_code: 2 } }),
    );
  });

  it('a mention becomes a notification through the worker process, pushed over the WebSocket', async () => {
    const url = `http://127.0.0.1:${stack.port}/api/v1`;
    const call = async (method: string, path: string, token?: string, json?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the answer is probed field by field
      return { status: response.status, body: (await response.json()) as any };
    };
    const register = async (username: string) =>
      (await call('POST', '/auth/register', undefined, { username, password: 'correct horse battery' })).body.token;
    const [alice, bob] = [await register('alice'), await register('bob')];
    const board = (await call('POST', '/boards', alice, { name: 'Acme' })).body.board.id;
    await call('POST', `/boards/${board}/members`, alice, { username: 'bob' });
    const room = (await call('POST', `/boards/${board}/rooms`, alice, { name: 'general', members: ['bob'] })).body.room
      .id;
    // bob follows his notifications over the service's WebSocket.
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`ws://127.0.0.1:${stack.port}/ws?token=${bob}`);
    const frames: { type: string; [key: string]: unknown }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'subscribe', stream: 'notifications' }));
    await eventually(() => frames.find((f) => f.type === 'subscribed'));
    const posted = await call('POST', `/rooms/${room}/messages`, alice, { content: 'ping @bob' });
    expect(posted.status).toBe(201);
    // From the worker process, through Redis, to the service process and bob's socket.
    const pushed = await eventually(() => frames.find((f) => f.type === 'notification'), 10_000);
    socket.close();
    expect(pushed).toMatchObject({
      notification: { type: 'MENTION', message_id: posted.body.message.id },
      unread_count: 1,
    });
    const notifications = await eventually(async () => {
      const list = (await call('GET', '/notifications', bob)).body.notifications;
      return list.length > 0 ? list : undefined;
    }, 10_000);
    expect(notifications).toEqual([
      expect.objectContaining({
        type: 'MENTION',
        message_id: posted.body.message.id,
        text: 'alice mentioned you in #general',
      }),
    ]);
  });

  it('logs merges the processes’ logs, each line prefixed with its name', async () => {
    const logs = await stack.cli(['logs', '-n', '500']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/^worker\s+\| worker ready/m);
    expect(logs.stdout).toMatch(/^redis\s+\| .*Ready to accept connections/m);
    const one = await stack.cli(['logs', 'beat', '-n', '2']);
    expect(one.stdout.trim().split('\n')).toHaveLength(2);
    expect(one.stdout).not.toMatch(/^worker/m);
    const recent = await stack.cli(['logs', 'worker', '--since', '10m']);
    expect(recent.stdout).toContain('worker ready');
    const none = await stack.cli(['logs', 'worker', '--since', '2099-01-01T00:00:00Z']);
    expect(none.stdout).toBe('');
  });

  it('kill -9 of the worker: back ready with restart count 1 within 3 s', async () => {
    const before = row((await status()).doc, 'worker');
    process.kill(before.pid as number, 'SIGKILL');
    const killedAt = Date.now();
    const after = await eventually(async () => {
      const worker = row((await status()).doc, 'worker');
      return worker.state === 'ready' && worker.pid !== before.pid ? worker : undefined;
    }, 3000);
    expect(Date.now() - killedAt).toBeLessThan(3000);
    expect(after.restarts).toBe(1);
    pids.push(after.pid as number);
  });

  it('a child that always crashes ends failed while the others stay ready; status exits 1', async () => {
    writeFileSync(flag, '');
    const beat = row((await status()).doc, 'beat');
    process.kill(beat.pid as number, 'SIGKILL');
    const failed = await eventually(async () => {
      const { code, doc } = await status();
      return row(doc, 'beat').state === 'failed' ? { code, doc } : undefined;
    }, 15_000);
    expect(failed.code).toBe(1);
    expect(row(failed.doc, 'beat')).toMatchObject({ exit_code: 3, pid: null });
    expect(row(failed.doc, 'beat').restarts).toBeGreaterThanOrEqual(4);
    for (const name of ['redis', 'service', 'worker']) expect(row(failed.doc, name).state, name).toBe('ready');
    const table = await stack.cli(['status']);
    expect(table.exitCode).toBe(1);
    expect(table.stdout).toMatch(/beat\s+failed/);
    expect(table.stdout).toContain(join(stack.stateDir, 'logs', 'beat.log'));
    const logs = await stack.cli(['logs', 'beat', '-n', '20']);
    expect(logs.stdout).toContain('injected crash');
    expect(logs.stdout).toContain('giving up');
  });

  it('restart beat brings the failed process back once the cause is gone', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(flag);
    const restart = await stack.cli(['restart', 'beat']);
    expect(restart.exitCode, restart.stderr).toBe(0);
    const { code, doc } = await status();
    expect(code).toBe(0);
    expect(row(doc, 'beat').state).toBe('ready');
    pids.push(row(doc, 'beat').pid as number);
  });

  it('stop exits 0; afterwards no process of the stack is alive and both ports are free', async () => {
    const { doc } = await status();
    pids.push(...doc.processes.map((p) => p.pid).filter((p): p is number => p !== null));
    expect(processesMentioning(stack.stateDir).length).toBeGreaterThan(0);
    const stop = await stack.cli(['stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    // Children and grandchildren: nothing left that carries the state dir.
    expect(processesMentioning(stack.stateDir)).toEqual([]);
    expect(await portFree(stack.port, '127.0.0.1')).toBe(true);
    expect(await portFree(stack.redisPort, '127.0.0.1')).toBe(true);
    expect(existsSync(join(stack.stateDir, 'supervisor.json'))).toBe(false);
    const after = await stack.cli(['status', '--json']);
    expect(after.exitCode).toBe(3);
    const again = await stack.cli(['stop']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('not running');
  });
});
