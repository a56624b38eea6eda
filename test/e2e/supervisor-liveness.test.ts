// Liveness after ready (issue #9), against a real stack: a process that hangs (SIGSTOP) shows as
// `unhealthy` at once and, after `failures` unanswered probes, is killed and started again; a Redis that
// hangs shows as not all-ready while it lasts and everything is ready again afterwards; `liveness: false`
// leaves a hung process alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, createStack, type TestStack } from '../fixtures/cli.js';
import { eventually } from '../fixtures/eventually.js';

interface Row {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
  last_error: string | null;
}
interface StatusDoc {
  processes: Row[];
}

// Probed every 300 ms with 1.5 s to answer; 3 silent probes in a row: killed. beat is left alone.
const FAST = { everyMs: 300, timeoutMs: 1500, failures: 3 };
const CONFIG = `export default {
  service: { liveness: ${JSON.stringify(FAST)} },
  redis: { liveness: ${JSON.stringify(FAST)} },
  worker: { liveness: ${JSON.stringify(FAST)} },
  beat: { liveness: false },
};\n`;

let stack: TestStack;
const stopped = new Set<number>();

async function status(): Promise<{ code: number | undefined; doc: StatusDoc; text: string }> {
  const result = await stack.cli(['status', '--json']);
  const text = await stack.cli(['status']);
  return { code: result.exitCode, doc: JSON.parse(result.stdout) as StatusDoc, text: text.stdout };
}
const row = (doc: StatusDoc, name: string) => doc.processes.find((p) => p.name === name) as Row;
const freeze = (pid: number) => {
  process.kill(pid, 'SIGSTOP');
  stopped.add(pid);
};
const thaw = (pid: number) => {
  if (alive(pid)) process.kill(pid, 'SIGCONT');
  stopped.delete(pid);
};
/** Polls status until `check` holds, then answers that status. */
const until = (check: (doc: StatusDoc, code: number | undefined) => boolean, timeoutMs = 20_000) =>
  eventually(async () => {
    const now = await status();
    return check(now.doc, now.code) ? now : undefined;
  }, timeoutMs);
const allReady = (doc: StatusDoc) => doc.processes.every((p) => p.state === 'ready');

beforeAll(async () => {
  stack = await createStack();
  writeFileSync(join(stack.dir, 'prizmai.config.mjs'), CONFIG);
  const start = await stack.cli(['start']);
  expect(start.exitCode, start.stderr).toBe(0);
});

afterAll(async () => {
  for (const pid of stopped) thaw(pid);
  await stack?.cleanup();
});

describe('liveness after ready', () => {
  it('a hung service is unhealthy at once, then killed and restarted: new pid, restart count +1, ready', async () => {
    const before = row((await status()).doc, 'service');
    expect(before.state).toBe('ready');
    freeze(before.pid as number);

    const sick = await until((doc) => row(doc, 'service').state === 'unhealthy');
    expect(sick.code).toBe(1);
    expect(row(sick.doc, 'service').last_error).toMatch(/not answering \(\d of 3 probes\): GET \S*\/healthz/);
    expect(sick.text).toMatch(/service\s+unhealthy/);

    const healed = await until((doc, code) => code === 0 && row(doc, 'service').pid !== before.pid && allReady(doc));
    const after = row(healed.doc, 'service');
    expect(after.restarts).toBe(before.restarts + 1);
    expect(alive(before.pid as number)).toBe(false);
    expect((await fetch(`http://127.0.0.1:${stack.port}/healthz`)).status).toBe(200);
    const log = await stack.cli(['logs', 'service', '-n', '50']);
    expect(log.stdout).toContain('answered no liveness probe 3 times in a row');
  });

  it('liveness false leaves a hung process alone: beat stays as it is while the hung worker is restarted', async () => {
    const before = (await status()).doc;
    const beat = row(before, 'beat');
    const worker = row(before, 'worker');
    freeze(beat.pid as number);
    freeze(worker.pid as number);
    // The worker's restart needs the same silence beat has had: by then beat's would have come too.
    const later = await until((doc) => row(doc, 'worker').pid !== worker.pid && row(doc, 'worker').state === 'ready');
    expect(row(later.doc, 'worker').restarts).toBe(worker.restarts + 1);
    expect(row(later.doc, 'beat')).toMatchObject({ state: 'ready', pid: beat.pid, restarts: beat.restarts });
    expect(alive(beat.pid as number)).toBe(true);
    thaw(beat.pid as number);
  });

  it('a Redis that hangs briefly: status is not all-ready (exit 1) while it lasts, and all ready after SIGCONT', async () => {
    const redis = row((await status()).doc, 'redis');
    freeze(redis.pid as number);
    const sick = await until((doc) => row(doc, 'redis').state === 'unhealthy');
    expect(sick.code).toBe(1);
    expect(allReady(sick.doc)).toBe(false);
    expect(row(sick.doc, 'redis').last_error).toMatch(/PING to 127\.0\.0\.1:\d+ timed out/);
    thaw(redis.pid as number);
    const healed = await until((doc, code) => code === 0 && allReady(doc));
    // Back before its liveness ran out: the same redis-server, not restarted.
    expect(row(healed.doc, 'redis')).toMatchObject({ pid: redis.pid, restarts: redis.restarts });
  });

  it('a Redis that stays hung: killed and restarted, and the service, worker and beat reconnect — all ready', async () => {
    const before = (await status()).doc;
    const redis = row(before, 'redis');
    freeze(redis.pid as number);
    const degraded = await until((doc) => row(doc, 'redis').state === 'unhealthy');
    expect(degraded.code).toBe(1);
    const healed = await until(
      (doc, code) => code === 0 && allReady(doc) && row(doc, 'redis').pid !== redis.pid,
      30_000,
    );
    expect(row(healed.doc, 'redis').restarts).toBe(redis.restarts + 1);
    // The others were not restarted: they reconnected.
    for (const name of ['service', 'worker', 'beat']) {
      expect(row(healed.doc, name).pid, name).toBe(row(before, name).pid);
    }
    const health = await fetch(`http://127.0.0.1:${stack.port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
  }, 45_000);
});
