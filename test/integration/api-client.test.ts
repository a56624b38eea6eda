import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, createClient, unwrap } from '../../service/client.js';
import { databaseFactories } from '../fixtures/databases.js';
import { useService } from './support/world.js';

describe('service/client.ts loads no server code', () => {
  it('imports only hono/client at run time (the API type is a type-only import)', () => {
    const source = readFileSync(new URL('../../service/client.ts', import.meta.url), 'utf8');
    const runtime = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(runtime).toEqual(['hono/client']);
  });
});

describe.each(databaseFactories())('typed client over a real socket on $dialect', (factory) => {
  const ctx = useService(factory);

  it('registers, creates a board and room, posts, pages history, and surfaces errors as ApiError', async () => {
    const anonymous = createClient(ctx.service.url);
    const { token, user } = await unwrap(
      anonymous.auth.register.$post({ json: { username: 'clio', password: 'client password' } }),
    );
    expect(user.username).toBe('clio');
    const client = createClient(`${ctx.service.url}/`, { token });
    const { board } = await unwrap(client.boards.$post({ json: { name: 'Client board' } }));
    const { room } = await unwrap(
      client.boards[':id'].rooms.$post({ param: { id: String(board.id) }, json: { name: 'general' } }),
    );
    const posted = await client.rooms[':id'].messages.$post({
      param: { id: String(room.id) },
      json: { content: 'typed hello', client_id: 'cli-1' },
    });
    expect(posted.status).toBe(201);
    const { message } = await unwrap(posted);
    expect(message.content).toBe('typed hello');
    const page = await unwrap(
      client.rooms[':id'].messages.$get({ param: { id: String(room.id) }, query: { limit: '10' } }),
    );
    expect(page.messages.map((m) => m.id)).toEqual([message.id]);
    expect(page.has_more).toBe(false);

    const missing = await unwrap(client.rooms[':id'].$get({ param: { id: '999999' } })).catch((e) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const invalid = await unwrap(
      client.rooms[':id'].messages.$post({ param: { id: String(room.id) }, json: { content: '   ' } }),
    ).catch((e) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_request', field: 'content' });
    const unauthenticated = await unwrap(createClient(ctx.service.url, { token: 'nope' }).me.$get()).catch((e) => e);
    expect(unauthenticated).toMatchObject({ status: 401, code: 'unauthenticated' });
    await unwrap(client.auth.logout.$post());
    expect(await unwrap(client.me.$get()).catch((e) => e.status)).toBe(401);
  });
});
