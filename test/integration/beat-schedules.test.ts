// beat keeps BullMQ's job schedulers in step with `beat.schedules` (SPEC §8), as real processes: a
// schedule disabled in the config is gone from Redis at the next beat start, and two beats running at
// once still make one job per interval.

import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../config/types.js';
import { SCHEDULED_QUEUE } from '../../service/queue/names.js';
import { startRedis, type TestRedis } from '../fixtures/redis.js';
import { startJobProcess } from '../fixtures/service-process.js';
import { tempDir } from '../fixtures/tmp.js';

type Schedules = ResolvedConfig['beat']['schedules'];

describe('beat schedules', () => {
  const dir = tempDir('prizmai-beat-');
  let redis: TestRedis;
  let connection: Redis;
  let queue: Queue;
  const running: { stop(): Promise<void> }[] = [];

  const beat = async (enable: Partial<Record<keyof Schedules, number>>) => {
    const started = await startJobProcess('beat', {
      dir: dir.path,
      databaseUrl: `sqlite:${dir.path}/unused.db`,
      redisUrl: redis.url,
      adjust: (config) => {
        for (const [name, schedule] of Object.entries(config.beat.schedules) as [
          keyof Schedules,
          { everyMs: number; enabled: boolean },
        ][]) {
          const everyMs = enable[name];
          schedule.enabled = everyMs !== undefined;
          if (everyMs !== undefined) schedule.everyMs = everyMs;
        }
      },
    });
    running.push(started);
    return started;
  };
  const schedulerIds = async () => (await queue.getJobSchedulers()).map((s) => s.id ?? s.key).sort();

  beforeAll(async () => {
    redis = await startRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(SCHEDULED_QUEUE, { connection });
  });
  afterAll(async () => {
    await Promise.allSettled(running.map((process) => process.stop()));
    await queue?.close();
    connection?.disconnect();
    await redis?.stop();
    dir.remove();
  });

  it('two beats at once: one scheduler per schedule and one job per interval', async () => {
    const [first, second] = await Promise.all([beat({ presenceCleanup: 400 }), beat({ presenceCleanup: 400 })]);
    expect(await schedulerIds()).toEqual(['presenceCleanup']);
    // A worker that only notes when each job was due.
    const due: number[] = [];
    const worker = new Worker(
      SCHEDULED_QUEUE,
      async (job) => {
        due.push(job.timestamp + (job.opts.delay ?? 0));
      },
      { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      await worker.close();
    }
    // One job per 400 ms in 3 s: 7 or 8 (two schedulers would make about twice that), the first at once,
    // the next at BullMQ's next 400 ms boundary.
    expect(due.length).toBeGreaterThanOrEqual(6);
    expect(due.length).toBeLessThanOrEqual(9);
    // The first gap runs from the upsert to the next boundary (anything up to 400 ms); the rest are whole
    // intervals — a second scheduler's jobs would fall between them.
    due.sort((a, b) => a - b);
    for (let i = 2; i < due.length; i++)
      expect((due[i] as number) - (due[i - 1] as number)).toBeGreaterThanOrEqual(350);
    await Promise.all([first.stop(), second.stop()]);
  });

  it('a schedule disabled in the config is gone from Redis at the next beat start; one enabled appears', async () => {
    const before = await beat({ presenceCleanup: 60_000, unreadDigest: 60_000 });
    expect(await schedulerIds()).toEqual(['presenceCleanup', 'unreadDigest']);
    await before.stop();
    const after = await beat({ notificationRetention: 60_000 });
    expect(await schedulerIds()).toEqual(['notificationRetention']);
    expect(after.output.join('')).toContain('beat ready: notificationRetention');
  });
});
