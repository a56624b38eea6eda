// `prizmai stop` asks each Node.js child to stop over its IPC channel (issue #9): the service closes its
// WebSockets with 1001 (going away), and a worker in the middle of a job finishes it before it exits —
// a real stack, a real job held up by a real SQLite lock another process holds.
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManagedRedisPassword } from '../../config/managed-redis.js';
import { connectDatabase } from '../../service/db/database.js';
import { MENTION_QUEUE } from '../../service/queue/names.js';
import { alive, createStack, type TestStack } from '../fixtures/cli.js';
import { eventually } from '../fixtures/eventually.js';
import { holdSqliteWriteLock } from '../fixtures/sqlite-contender.js';
import { connectClient } from '../fixtures/ws-client.js';

let stack: TestStack;
let base: string;

// biome-ignore lint/suspicious/noExplicitAny: answers are probed field by field
async function api(method: string, path: string, token?: string, json?: unknown): Promise<any> {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const body = await response.json();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

beforeAll(async () => {
  stack = await createStack();
  const start = await stack.cli(['start']);
  expect(start.exitCode, start.stderr).toBe(0);
  base = `http://127.0.0.1:${stack.port}`;
});

afterAll(async () => {
  await stack?.cleanup();
});

describe('a graceful stop', () => {
  it('closes WebSockets with 1001 and lets the worker finish the job it holds', async () => {
    const password = 'correct horse battery';
    const alice = await api('POST', '/auth/register', undefined, { username: 'alice', password });
    const bob = await api('POST', '/auth/register', undefined, { username: 'bob', password });
    const board = (await api('POST', '/boards', alice.token, { name: 'Acme' })).board;
    await api('POST', `/boards/${board.id}/members`, alice.token, { username: 'bob' });
    const room = (await api('POST', `/boards/${board.id}/rooms`, alice.token, { name: 'general', members: ['bob'] }))
      .room;
    const socket = await connectClient(base, bob.token);

    const status = JSON.parse((await stack.cli(['status', '--json'])).stdout) as {
      processes: { name: string; pid: number }[];
    };
    const workerPid = status.processes.find((p) => p.name === 'worker')?.pid as number;
    const redis = new Redis(`redis://:${readManagedRedisPassword(stack.stateDir)}@127.0.0.1:${stack.redisPort}`, {
      maxRetriesPerRequest: null,
    });
    redis.on('error', () => {}); // refused once the stack's Redis stops
    const queue = new Queue(MENTION_QUEUE, { connection: redis });
    const dbPath = join(stack.stateDir, 'prizmai.db');
    let lock: { release(): Promise<void> } | undefined;
    try {
      // The worker paused, the post commits and its job waits; then the database is locked by another
      // process for 2 s, and the worker, let go, takes the job and waits on the lock.
      process.kill(workerPid, 'SIGSTOP');
      const posted = await api('POST', `/rooms/${room.id}/messages`, alice.token, { content: 'hi @bob' });
      await eventually(async () => ((await queue.getWaitingCount()) === 1 ? true : undefined));
      lock = await holdSqliteWriteLock(dbPath);
      const held = lock;
      setTimeout(() => void held.release(), 2000);
      process.kill(workerPid, 'SIGCONT');
      await eventually(async () => ((await queue.getActiveCount()) === 1 ? true : undefined));

      const stop = await stack.cli(['stop']);
      expect(stop.exitCode, stop.stderr).toBe(0);
      expect(await socket.closed).toEqual({ code: 1001 });
      expect(alive(workerPid)).toBe(false);

      const workerLog = await stack.cli(['logs', 'worker', '-n', '20']);
      expect(workerLog.stdout).toContain('stopping (shutdown request over IPC)');
      expect(workerLog.stdout).toContain('worker stopping (shutdown request)');
      expect(workerLog.stdout).toContain('stopped (exited with code 0)');
      const serviceLog = await stack.cli(['logs', 'service', '-n', '20']);
      expect(serviceLog.stdout).toContain('stopped (exited with code 0)');

      // The job it held was finished, not dropped: bob's notification is in the database.
      const db = await connectDatabase(`sqlite:${dbPath}`);
      try {
        expect(
          await db.all('select type, message_id from notifications where recipient_id = ?', [bob.user.id]),
        ).toEqual([{ type: 'MENTION', message_id: posted.message.id }]);
      } finally {
        await db.close();
      }
    } finally {
      if (alive(workerPid)) process.kill(workerPid, 'SIGCONT');
      await lock?.release();
      await queue.close().catch(() => {});
      redis.disconnect();
    }
  }, 60_000);
});
