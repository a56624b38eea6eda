import { afterAll, beforeAll } from 'vitest';
import type { ResolvedConfig } from '../../../config/types.js';
import type { DatabaseFactory } from '../../fixtures/databases.js';
import { startRedis, type TestRedis } from '../../fixtures/redis.js';
import { tempDir } from '../../fixtures/tmp.js';
import { type DeepPartial, type Service, signUp, startService } from './harness.js';

export interface Person {
  token: string;
  id: number;
  username: string;
}

/**
 * A board "Acme" owned by alice with bob and carol; room "general" (alice, bob) and a task; dave is
 * on another board "Other" with a room of his own and sees none of Acme.
 */
export interface World {
  alice: Person;
  bob: Person;
  carol: Person;
  dave: Person;
  boardId: number;
  roomId: number;
  taskId: number;
  otherBoardId: number;
  otherRoomId: number;
}

export async function buildWorld(service: Service): Promise<World> {
  const [alice, bob, carol, dave] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((name) => signUp(service, name)),
  );
  if (!alice || !bob || !carol || !dave) throw new Error('sign-up failed');
  const ok = async (method: string, path: string, token: string, json?: unknown) => {
    const answer = await service.call(method, path, { token, json });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const boardId = (await ok('POST', '/api/v1/boards', alice.token, { name: 'Acme' })).board.id;
  await ok('POST', `/api/v1/boards/${boardId}/members`, alice.token, { username: 'bob' });
  await ok('POST', `/api/v1/boards/${boardId}/members`, alice.token, { username: 'carol' });
  const roomId = (
    await ok('POST', `/api/v1/boards/${boardId}/rooms`, alice.token, { name: 'general', members: ['bob'] })
  ).room.id;
  const taskId = (await ok('POST', `/api/v1/boards/${boardId}/tasks`, alice.token, { title: 'Ship it' })).task.id;
  const otherBoardId = (await ok('POST', '/api/v1/boards', dave.token, { name: 'Other' })).board.id;
  const otherRoomId = (await ok('POST', `/api/v1/boards/${otherBoardId}/rooms`, dave.token, { name: 'secret' })).room
    .id;
  return { alice, bob, carol, dave, boardId, roomId, taskId, otherBoardId, otherRoomId };
}

/** Per test file: one real redis-server; per dialect: a fresh database and a service on a free port. */
export function useService(
  factory: DatabaseFactory,
  overrides: DeepPartial<ResolvedConfig> = {},
  transport: 'socket' | 'inproc' = 'socket',
): { readonly service: Service; readonly redis: TestRedis } {
  const dir = tempDir();
  const state: { service?: Service; redis?: TestRedis } = {};
  beforeAll(async () => {
    state.redis = await startRedis();
    state.service = await startService(factory, dir.path, state.redis.url, overrides, transport);
  });
  afterAll(async () => {
    await state.service?.close().catch(() => {});
    await state.redis?.stop().catch(() => {});
    dir.remove();
  });
  return {
    get service() {
      if (!state.service) throw new Error('service not started');
      return state.service;
    },
    get redis() {
      if (!state.redis) throw new Error('redis not started');
      return state.redis;
    },
  };
}

/** The part of Service that buildWorld uses, over a service process's HTTP API at `base`. */
export function remoteService(base: string): Service {
  return {
    call: async (method: string, path: string, options: { token?: string; json?: unknown } = {}) => {
      const response = await fetch(base + path, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    },
  } as unknown as Service;
}
