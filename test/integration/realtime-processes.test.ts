// Two real service processes (two ports) on one Redis and one PostgreSQL database, as several machines
// would run them (SPEC §7): subscribers on both and publishers posting concurrently through both; every
// subscriber receives every message once, in id order, and a resume with `after` on either replays
// exactly what follows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../service/db/orm.js';
import { createPgDatabase, type TestDatabase } from '../fixtures/databases.js';
import { startRedis, type TestRedis } from '../fixtures/redis.js';
import { type ServiceProcess, startServiceProcess } from '../fixtures/service-process.js';
import { tempDir } from '../fixtures/tmp.js';
import { type Client, connectClient } from '../fixtures/ws-client.js';
import { buildWorld, remoteService, type World } from './support/world.js';

const pgUrl = process.env.PRIZMAI_TEST_PG_URL;

describe.skipIf(!pgUrl)('two service processes on one PostgreSQL database and one Redis', () => {
  const dir = tempDir();
  let redis: TestRedis | undefined;
  let database: TestDatabase | undefined;
  const services: ServiceProcess[] = [];
  const clients: Client[] = [];
  let w: World;

  beforeAll(async () => {
    redis = await startRedis();
    database = await createPgDatabase(pgUrl as string);
    const orm = await openDatabase(database.url);
    await orm.getMigrator().up();
    await orm.close(true);
    for (let i = 0; i < 2; i++) {
      services.push(await startServiceProcess({ dir: dir.path, databaseUrl: database.url, redisUrl: redis.url }));
    }
    w = await buildWorld(remoteService((services[0] as ServiceProcess).url));
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.allSettled(services.map((service) => service.stop()));
    await redis?.stop();
    await database?.drop();
    dir.remove();
  });

  const connect = async (service: ServiceProcess, token: string) => {
    const client = await connectClient(service.url, token);
    clients.push(client);
    return client;
  };
  const subscribe = async (client: Client, after?: number) => {
    client.send({ type: 'subscribe', stream: `room:${w.roomId}`, ...(after === undefined ? {} : { after }) });
    expect((await client.next((f) => f.type === 'subscribed' || f.type === 'error')).type).toBe('subscribed');
  };
  const received = (client: Client) =>
    client.frames.filter((f) => f.type === 'chat_message').map((f) => f.message_id as number);

  it('every subscriber on either process receives every message once, in id order; `after` resumes exactly', async () => {
    const [a, b] = services as [ServiceProcess, ServiceProcess];
    const subscribers: Client[] = [];
    for (const service of [a, b]) {
      for (const person of [w.alice, w.bob, w.alice]) {
        const client = await connect(service, person.token);
        await subscribe(client);
        subscribers.push(client);
      }
    }
    const publishers = [
      await connect(a, w.alice.token),
      await connect(b, w.bob.token),
      await connect(a, w.bob.token),
      await connect(b, w.alice.token),
    ];
    const PER = 100;
    publishers.forEach((client, p) => {
      for (let i = 0; i < PER; i++) {
        client.send({ type: 'chat_message', room_id: w.roomId, message: `from ${p}: ${i}`, client_id: `p${p}-${i}` });
      }
    });
    const acked: number[] = [];
    for (const client of publishers) {
      const acks = await client.collect((f) => f.type === 'ack', PER, 30_000);
      const ids = acks.map((f) => f.message_id as number);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      acked.push(...ids);
    }
    const all = [...acked].sort((x, y) => x - y);
    expect(new Set(all).size).toBe(PER * publishers.length);
    for (const client of subscribers) {
      await client.collect((f) => f.type === 'chat_message', all.length, 30_000);
      expect(received(client)).toEqual(all);
    }

    // A resume on either process: exactly what follows `after`, then live.
    const middle = all[Math.floor(all.length / 2)] as number;
    for (const service of [a, b]) {
      const resumed = await connect(service, w.bob.token);
      await subscribe(resumed, middle);
      await resumed.collect((f) => f.type === 'chat_message', all.length - all.indexOf(middle) - 1, 10_000);
      const live = (await (
        await fetch(`${service.url}/api/v1/rooms/${w.roomId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${w.alice.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'live after the resume' }),
        })
      ).json()) as { message: { id: number } };
      await resumed.next((f) => f.type === 'chat_message' && f.message_id === live.message.id);
      const expected = all.filter((id) => id > middle);
      const got = received(resumed);
      expect(got.slice(0, expected.length)).toEqual(expected);
      expect(got.at(-1)).toBe(live.message.id);
      all.push(live.message.id);
    }
  }, 90_000);
});
