// A post's notifications cannot be lost (SPEC §8, issue #10): the mention job is written to the outbox in
// the post's transaction, and the real worker process hands over whatever a crash or a Redis failure
// left there — with real Redis, real service and worker processes, on SQLite and PostgreSQL. And a
// worker killed in the middle of 500 queued jobs still ends with every notification created once.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxSize } from '../../service/db/job-outbox.js';
import { postMessage } from '../../service/domain/messages.js';
import { bullMentionQueue, MENTION_QUEUE } from '../../service/queue/mentions.js';
import { requestRedisOptions } from '../../service/redis-url.js';
import { domainDeps } from '../../service/wiring.js';
import { databaseFactories } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { startRedis, type TestRedis } from '../fixtures/redis.js';
import { startJobProcess, startServiceProcess } from '../fixtures/service-process.js';
import { tempDir } from '../fixtures/tmp.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('notification outbox on $dialect', (factory) => {
  const ctx = useService(factory);
  const dir = tempDir('prizmai-outbox-');
  const stops: (() => Promise<unknown>)[] = [];
  let w: World;
  let revived: TestRedis | undefined;

  const startWorker = (concurrency = 8) =>
    startJobProcess('worker', {
      dir: dir.path,
      databaseUrl: ctx.service.config.database.url,
      redisUrl: ctx.redis.url,
      adjust: (config) => {
        config.worker.outboxSweepSeconds = 1;
        config.worker.concurrency = concurrency;
      },
    }).then((worker) => {
      stops.push(worker.stop);
      return worker;
    });

  /** How many MENTION notifications bob has of each of these messages. */
  const bobsMentions = async (messageIds: number[]) => {
    const rows = await ctx.service.db.all<{ message_id: number; n: number }>(
      `select message_id, count(*) as n from notifications
       where recipient_id = ? and type = 'MENTION' and message_id in (${messageIds.map(() => '?').join(', ')})
       group by message_id`,
      [w.bob.id, ...messageIds],
    );
    return new Map(rows.map((row) => [row.message_id, Number(row.n)]));
  };
  const post = async (content: string) => {
    const answer = await ctx.service.call('POST', `/api/v1/rooms/${w.roomId}/messages`, {
      token: w.alice.token,
      json: { content },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.message.id as number;
  };

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
  });
  afterAll(async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
    await revived?.stop();
    dir.remove();
  });

  it('Redis fails between the commit and the hand-over: the job stays in the outbox, and after recovery the worker hands it over — one notification', async () => {
    const redis = new Redis(ctx.redis.url, requestRedisOptions);
    redis.on('error', () => {}); // refused while redis-server is down: the hand-over reports it
    const mentions = bullMentionQueue(redis);
    const deps = domainDeps({
      config: ctx.service.config,
      db: ctx.service.db,
      redis,
      mentions,
      logger: { info() {}, error() {} },
    });
    stops.push(async () => {
      await mentions.close().catch(() => {});
      redis.disconnect();
    });
    const alice = { id: w.alice.id, username: 'alice' };

    // The normal path: handed over at once, and its outbox row gone.
    const first = await postMessage(deps, alice, w.roomId, { content: 'hello @bob' });
    await first.announced;
    await deps.jobs.settled();
    expect(await outboxSize(ctx.service.db)).toBe(0);

    // redis-server dies right after the post's commit, before its hand-over.
    const write = deps.posts.write;
    deps.posts = {
      write: async (request) => {
        const outcome = await write(request);
        await ctx.redis.stop();
        return outcome;
      },
    };
    const lost = await postMessage(deps, alice, w.roomId, { content: '@bob did you get this?' });
    await lost.announced; // settles: the hand-over failed within its bounded wait
    const lostId = lost.message.id;
    expect(
      await ctx.service.db.all('select job_id from job_outbox order by id', []),
      'the job a commit promised is still in the outbox',
    ).toEqual([{ job_id: `message-${lostId}` }]);

    // Redis comes back (same port, empty: whatever it held is gone); the worker sweeps the outbox.
    revived = await startRedis({ port: ctx.redis.port });
    await startWorker();
    await eventually(async () => ((await bobsMentions([lostId])).get(lostId) === 1 ? true : undefined), 20_000);
    await eventually(async () => ((await outboxSize(ctx.service.db)) === 0 ? true : undefined));

    // A later mention, through the normal path, arrives — and the first still has exactly one.
    const later = await post('and @bob once more');
    await eventually(async () => ((await bobsMentions([later])).get(later) === 1 ? true : undefined), 20_000);
    expect(await bobsMentions([lostId, later])).toEqual(
      new Map([
        [lostId, 1],
        [later, 1],
      ]),
    );
  }, 60_000);

  it('the service is killed between the commit and the hand-over (Redis frozen): the worker hands the job over — one notification', async () => {
    const service = await startServiceProcess({
      dir: dir.path,
      databaseUrl: ctx.service.config.database.url,
      redisUrl: ctx.redis.url,
    });
    stops.push(service.stop);
    const redisProcess = (revived as TestRedis).process;
    redisProcess.kill('SIGSTOP');
    stops.push(async () => redisProcess.kill('SIGCONT'));
    let killedId: number;
    try {
      // The post commits, then waits on the frozen Redis to publish and hand over: killed there.
      void fetch(`${service.url}/api/v1/rooms/${w.roomId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.alice.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: '@bob before the crash' }),
      }).catch(() => {});
      const row = await eventually(
        () => ctx.service.db.get<{ job_id: string }>('select job_id from job_outbox order by id desc limit 1', []),
        10_000,
      );
      killedId = Number(row.job_id.replace('message-', ''));
      await service.stop(); // SIGKILL
    } finally {
      redisProcess.kill('SIGCONT');
    }
    expect(await ctx.service.db.get('select content from chat_messages where id = ?', [killedId])).toEqual({
      content: '@bob before the crash',
    });
    await eventually(async () => ((await bobsMentions([killedId])).get(killedId) === 1 ? true : undefined), 20_000);
    await eventually(async () => ((await outboxSize(ctx.service.db)) === 0 ? true : undefined));
    const later = await post('@bob after the crash');
    await eventually(async () => ((await bobsMentions([later])).get(later) === 1 ? true : undefined), 20_000);
    expect((await bobsMentions([killedId])).get(killedId)).toBe(1);
  }, 60_000);

  it('500 queued mention jobs, the worker killed in the middle of them: every notification once', async () => {
    await Promise.allSettled(stops.splice(0).map((stop) => stop())); // no worker runs while they queue
    const messageIds: number[] = [];
    for (let i = 0; i < 500; i += 50) {
      messageIds.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => post(`job ${i + j} for @bob`)))));
    }
    const connection = new Redis(ctx.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(MENTION_QUEUE, { connection });
    stops.push(async () => {
      await queue.close();
      connection.disconnect();
    });
    expect(await queue.getWaitingCount()).toBeGreaterThanOrEqual(500);

    // One job at a time, so the kill lands mid-batch.
    const first = await startWorker(1);
    const atKill = await eventually(async () => {
      const done = (await bobsMentions(messageIds)).size;
      return done >= 50 ? done : undefined;
    }, 20_000);
    await first.stop(); // SIGKILL, a job in hand
    expect(atKill).toBeLessThan(500);

    await startWorker();
    const counts = await eventually(async () => {
      const now = await bobsMentions(messageIds);
      return now.size === 500 ? now : undefined;
    }, 45_000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await eventually(async () =>
      (await queue.getJobCounts('waiting', 'active', 'delayed')).waiting === 0 ? true : undefined,
    );
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
  }, 90_000);
});
