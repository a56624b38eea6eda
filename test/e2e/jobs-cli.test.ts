// `prizmai jobs` against a real redis-server: a failing job shows with its error and attempts, `retry`
// runs it again, `clean --failed` removes failures, and a Redis that is not there is a clear error.

import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENTION_QUEUE } from '../../service/queue/mentions.js';
import { prizmai } from '../fixtures/cli.js';
import { eventually } from '../fixtures/eventually.js';
import { startRedis, type TestRedis } from '../fixtures/redis.js';
import { tempDir } from '../fixtures/tmp.js';

describe('prizmai jobs', () => {
  const dir = tempDir('prizmai-jobs-');
  let redis: TestRedis;
  let connection: Redis;
  let queue: Queue;
  let worker: Worker;
  /** Jobs fail until this is true. */
  let healthy = false;
  const jobs = (args: string[]) =>
    prizmai(['jobs', ...args], { cwd: dir.path, env: { PRIZMAI_REDIS_URL: redis.url, PRIZMAI_STATE_DIR: dir.path } });

  beforeAll(async () => {
    redis = await startRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(MENTION_QUEUE, { connection });
    worker = new Worker(
      MENTION_QUEUE,
      async (job: Job) => {
        if (!healthy) throw new Error(`the database is on fire (job ${job.id})`);
        return { created: 1 };
      },
      { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) },
    );
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    connection?.disconnect();
    await redis?.stop();
    dir.remove();
  });

  it('lists counts and the last failure with its error and attempts; retry runs it again', async () => {
    await queue.add('mention', { kind: 'message' }, { jobId: 'message-1', attempts: 2, removeOnFail: false });
    await eventually(async () => ((await queue.getJobCounts('failed')).failed === 1 ? true : undefined));

    const listed = await jobs(['--json']);
    expect(listed.exitCode).toBe(0);
    const mentions = JSON.parse(listed.stdout).queues.find((q: { name: string }) => q.name === MENTION_QUEUE);
    expect(mentions.counts).toMatchObject({ failed: 1, waiting: 0, active: 0 });
    expect(mentions.failures).toEqual([
      expect.objectContaining({
        id: 'message-1',
        name: 'mention',
        attempts: 2,
        error: 'the database is on fire (job message-1)',
      }),
    ]);
    const text = await jobs([]);
    expect(text.stdout).toMatch(/prizmai-mentions .*failed 1/);
    expect(text.stdout).toContain('the database is on fire (job message-1)');

    healthy = true;
    const retried = await jobs(['retry', 'mentions', 'message-1', '--json']);
    expect(retried.exitCode).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ queue: MENTION_QUEUE, retried: 1 });
    await eventually(async () => ((await queue.getJob('message-1'))?.returnvalue ? true : undefined));
    const after = JSON.parse((await jobs(['--json'])).stdout).queues.find(
      (q: { name: string }) => q.name === MENTION_QUEUE,
    );
    expect(after.counts).toMatchObject({ failed: 0, completed: 1 });
  });

  it('retry --all, clean --failed, and clear refusals', async () => {
    healthy = false;
    for (const id of ['a', 'b']) await queue.add('mention', {}, { jobId: id, attempts: 1, removeOnFail: false });
    await eventually(async () => ((await queue.getJobCounts('failed')).failed === 2 ? true : undefined));
    const all = await jobs(['retry', 'mentions', '--all', '--json']);
    expect(JSON.parse(all.stdout)).toEqual({ queue: MENTION_QUEUE, retried: 2 });
    // Both ran again (and failed again: a second attempt each).
    await eventually(async () => {
      const failed = await queue.getFailed();
      return failed.length === 2 && failed.every((job) => job.attemptsMade === 2) ? true : undefined;
    });
    const cleaned = await jobs(['clean', 'prizmai-mentions', '--failed', '--json']);
    expect(JSON.parse(cleaned.stdout)).toEqual({ queue: MENTION_QUEUE, removed: 2 });

    const unknownQueue = await jobs(['retry', 'nope', '--all']);
    expect(unknownQueue.exitCode).toBe(2);
    expect(unknownQueue.stderr).toContain('no queue "nope"; the queues are: prizmai-mentions, prizmai-scheduled');
    const both = await jobs(['retry', 'mentions', 'x', '--all']);
    expect(both.exitCode).toBe(2);
    const missing = await jobs(['retry', 'mentions', 'no-such-job']);
    expect(missing.exitCode).toBe(5);
    expect(missing.stderr).toContain('no job "no-such-job" in prizmai-mentions');
    const notFailed = await jobs(['retry', 'mentions', 'message-1']);
    expect(notFailed.exitCode).toBe(1);
    expect(notFailed.stderr).toContain('is completed, not failed');
    expect((await jobs(['clean', 'mentions'])).exitCode).toBe(2);
  });

  it('Redis not there: a clear error naming it, within seconds', async () => {
    const started = Date.now();
    const down = await prizmai(['jobs'], {
      cwd: dir.path,
      env: { PRIZMAI_REDIS_URL: 'redis://127.0.0.1:1', PRIZMAI_STATE_DIR: dir.path },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain('Redis is not answering at redis://127.0.0.1:1');
  });
});
