// `service.instances: 2` (issue #9): two service processes behind one port, both serving HTTP and
// WebSocket; one killed is restarted on its own while the other keeps serving — a real stack.
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, createStack, type TestStack } from '../fixtures/cli.js';
import { eventually } from '../fixtures/eventually.js';
import { type Client, connectClient } from '../fixtures/ws-client.js';

interface Row {
  name: string;
  state: string;
  pid: number | null;
  port: number | null;
  restarts: number;
}

let stack: TestStack;
let base: string;
const sockets: Client[] = [];

const status = async () =>
  (JSON.parse((await stack.cli(['status', '--json'])).stdout) as { processes: Row[] }).processes;
const row = (rows: Row[], name: string) => rows.find((p) => p.name === name) as Row;
/** One GET on a fresh connection (no keep-alive), so each can land on either instance. */
const healthz = () =>
  new Promise<number>((resolve, reject) => {
    get(`${base}/healthz`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });

beforeAll(async () => {
  stack = await createStack();
  writeFileSync(join(stack.dir, 'prizmai.config.mjs'), 'export default { service: { instances: 2 } };\n');
  const start = await stack.cli(['start']);
  expect(start.exitCode, start.stderr).toBe(0);
  base = `http://127.0.0.1:${stack.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await stack?.cleanup();
});

describe('service.instances: 2', () => {
  it('two service processes share the port; HTTP and WebSocket land on both; one killed comes back alone', async () => {
    const before = await status();
    const one = row(before, 'service.1');
    const two = row(before, 'service.2');
    expect(before.map((p) => p.name)).toEqual(['redis', 'migrate', 'service.1', 'service.2', 'worker', 'beat']);
    expect([one.state, two.state]).toEqual(['ready', 'ready']);
    expect(one.pid).not.toBe(two.pid);
    expect([one.port, two.port]).toEqual([stack.port, stack.port]);

    // HTTP: requests on fresh connections are answered by both (each instance logs its requests).
    for (let i = 0; i < 20; i++) expect(await healthz()).toBe(200);
    const logs = await stack.cli(['logs', 'service.1', 'service.2', '-n', '200']);
    expect(logs.stdout).toMatch(/^service\.1 \| .*"route":"\/healthz"/m);
    expect(logs.stdout).toMatch(/^service\.2 \| .*"route":"\/healthz"/m);
    expect((await stack.cli(['logs', 'service', '-n', '5'])).exitCode).toBe(0);

    // WebSocket: 8 connections; killing service.1 closes exactly the ones it held.
    const register = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
    });
    const { token } = (await register.json()) as { token: string };
    for (let i = 0; i < 8; i++) sockets.push(await connectClient(base, token));
    const closed: number[] = [];
    sockets.forEach((socket, i) => void socket.closed.then(() => closed.push(i)));
    process.kill(one.pid as number, 'SIGKILL');

    // service.2 goes on serving meanwhile, and service.1 is restarted on its own.
    const after = await eventually(async () => {
      const rows = await status();
      return row(rows, 'service.1').state === 'ready' && row(rows, 'service.1').pid !== one.pid ? rows : undefined;
    }, 15_000);
    expect(row(after, 'service.1').restarts).toBe(one.restarts + 1);
    expect(row(after, 'service.2')).toMatchObject({ state: 'ready', pid: two.pid, restarts: two.restarts });
    expect(alive(one.pid as number)).toBe(false);
    for (let i = 0; i < 10; i++) expect(await healthz()).toBe(200);
    // Connections had landed on both: some closed with service.1, the rest stay open on service.2.
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.length).toBeLessThan(8);
    const open = sockets.filter((_, i) => !closed.includes(i));
    for (const socket of open) expect(socket.ws.readyState).toBe(socket.ws.OPEN);

    // `restart service` means both instances.
    const restart = await stack.cli(['restart', 'service']);
    expect(restart.exitCode, restart.stderr).toBe(0);
    const restarted = await status();
    expect(row(restarted, 'service.2').pid).not.toBe(two.pid);
    expect(row(restarted, 'service.1').pid).not.toBe(row(after, 'service.1').pid);
  }, 60_000);
});
