import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../service/app.js';
import { databaseFactories } from '../fixtures/databases.js';
import { knexOf, signUp, startService, testConfig } from './support/harness.js';
import { useService } from './support/world.js';

describe.each(databaseFactories())('auth, /me and /healthz on $dialect', (factory) => {
  const ctx = useService(factory, { limits: { loginFailures: 3 } });

  it('registers: 201 {user, token}; the token is stored only as its hash', async () => {
    const answer = await ctx.service.call('POST', '/api/v1/auth/register', {
      json: { username: 'John.Doe', password: 'correct horse', display_name: '  John Doe ' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.user).toMatchObject({ username: 'John.Doe', display_name: 'John Doe' });
    expect(answer.body.user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(answer.body.token).toMatch(/^pzm_/);
    const knex = knexOf(ctx.service);
    const tokens = await knex('api_tokens').select('token_hash');
    expect(JSON.stringify(tokens)).not.toContain(answer.body.token);
    const users = await knex('users').where('username_key', 'john.doe').first('password_hash');
    expect(users.password_hash).toMatch(/^scrypt\$/);
  });

  it('refuses a taken username regardless of case (409), bad usernames and short passwords (400)', async () => {
    await signUp(ctx.service, 'taken');
    const dup = await ctx.service.call('POST', '/api/v1/auth/register', {
      json: { username: 'TAKEN', password: 'long enough' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const bad = await ctx.service.call('POST', '/api/v1/auth/register', {
      json: { username: 'no spaces', password: 'long enough' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'username' });
    const short = await ctx.service.call('POST', '/api/v1/auth/register', {
      json: { username: 'shorty', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('password');
  });

  it('logs in (200 {user, token}), refuses a wrong password (401), /me answers the caller', async () => {
    await signUp(ctx.service, 'lena', 'lena password');
    const wrong = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'lena', password: 'not it at all' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthenticated');
    const unknown = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'nobody', password: 'whatever1' },
    });
    expect(unknown.status).toBe(401);
    const ok = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'LENA', password: 'lena password' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user.username).toBe('lena');
    const me = await ctx.service.call('GET', '/api/v1/me', { token: ok.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: 'lena', display_name: 'lena' });
  });

  it('throttles failed logins per username: 429 with Retry-After after limits.loginFailures', async () => {
    await signUp(ctx.service, 'mallory', 'the real password');
    for (let i = 0; i < 3; i++) {
      const answer = await ctx.service.call('POST', '/api/v1/auth/login', {
        json: { username: 'mallory', password: `guess number ${i}` },
      });
      expect(answer.status).toBe(401);
    }
    const blocked = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'mallory', password: 'the real password' },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // Another username is not affected.
    await signUp(ctx.service, 'trent', 'trent password');
    const other = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'trent', password: 'trent password' },
    });
    expect(other.status).toBe(200);
  });

  it('the throttle cannot be raced: of 40 concurrent wrong logins, only limits.loginFailures are evaluated', async () => {
    await signUp(ctx.service, 'racer', 'the real password');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ctx.service.call('POST', '/api/v1/auth/login', { json: { username: 'racer', password: `wrong ${i}` } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(ctx.service.config.limits.loginFailures);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - ctx.service.config.limits.loginFailures);
    // The right password is refused too while the window lasts.
    const blocked = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'racer', password: 'the real password' },
    });
    expect(blocked.status).toBe(429);
  });

  it('logout revokes only the token in use (204, then 401)', async () => {
    const user = await signUp(ctx.service, 'oscar', 'oscar password');
    const second = await ctx.service.call('POST', '/api/v1/auth/login', {
      json: { username: 'oscar', password: 'oscar password' },
    });
    const out = await ctx.service.call('POST', '/api/v1/auth/logout', { token: user.token });
    expect(out.status).toBe(204);
    const after = await ctx.service.call('GET', '/api/v1/me', { token: user.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    expect((await ctx.service.call('GET', '/api/v1/me', { token: second.body.token })).status).toBe(200);
  });

  it('401 without, with a malformed or with an unknown bearer token', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Basic abc' },
      { authorization: 'Bearer pzm_unknown' },
    ];
    for (const headers of variants) {
      const answer = await ctx.service.call('GET', '/api/v1/me', { headers });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
  });

  it('request logs are JSON lines with method, route, status, duration and user id, never secrets', async () => {
    const user = await signUp(ctx.service, 'logged', 'a secret passphrase');
    await ctx.service.call('GET', '/api/v1/me', { token: user.token });
    const withQuery = await ctx.service.call('GET', `/api/v1/me?token=${user.token}`, { token: user.token });
    expect(withQuery.status).toBe(400);
    const lines = ctx.service.logs.map((line) => JSON.parse(line));
    const me = lines.filter((line) => line.route === '/api/v1/me' && line.status === 200).at(-1);
    expect(me).toMatchObject({ msg: 'request', method: 'GET', status: 200, user_id: user.id });
    expect(typeof me.duration_ms).toBe('number');
    const all = ctx.service.logs.join('\n');
    expect(all).not.toContain(user.token);
    expect(all).not.toContain('a secret passphrase');
  });

  it('GET /healthz reports db and Redis; 503 naming Redis when it is down', async () => {
    const up = await ctx.service.call('GET', '/healthz');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
    const deadRedis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const app = createApp({
      config: ctx.service.config,
      db: ctx.service.db,
      redis: deadRedis,
      mentions: ctx.service.mentions,
      logger: { info() {}, error() {} },
    });
    const down = await app.request('/healthz');
    expect(down.status).toBe(503);
    const body = (await down.json()) as { db: string; redis: string };
    expect(body.db).toBe('ok');
    expect(body.redis).toMatch(/^down/);
    deadRedis.disconnect();
  });

  it('GET /openapi.json describes every route, generated from the request schemas', async () => {
    const doc = await ctx.service.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    const expected: [string, string][] = [
      ['post', '/api/v1/auth/register'],
      ['post', '/api/v1/auth/login'],
      ['post', '/api/v1/auth/logout'],
      ['get', '/api/v1/me'],
      ['get', '/api/v1/users'],
      ['post', '/api/v1/boards'],
      ['get', '/api/v1/boards'],
      ['get', '/api/v1/boards/{id}'],
      ['post', '/api/v1/boards/{id}/members'],
      ['delete', '/api/v1/boards/{id}/members/{username}'],
      ['post', '/api/v1/boards/{id}/tasks'],
      ['get', '/api/v1/boards/{id}/tasks'],
      ['get', '/api/v1/tasks/{id}'],
      ['get', '/api/v1/boards/{id}/rooms'],
      ['post', '/api/v1/boards/{id}/rooms'],
      ['get', '/api/v1/rooms/{id}'],
      ['patch', '/api/v1/rooms/{id}'],
      ['delete', '/api/v1/rooms/{id}'],
      ['post', '/api/v1/rooms/{id}/members'],
      ['delete', '/api/v1/rooms/{id}/members/{username}'],
      ['post', '/api/v1/rooms/{id}/messages'],
      ['get', '/api/v1/rooms/{id}/messages'],
      ['get', '/api/v1/rooms/{id}/messages/search'],
      ['patch', '/api/v1/messages/{id}'],
      ['delete', '/api/v1/messages/{id}'],
      ['post', '/api/v1/rooms/{id}/read'],
      ['get', '/api/v1/unread'],
      ['post', '/api/v1/tasks/{id}/comments'],
      ['get', '/api/v1/tasks/{id}/comments'],
      ['get', '/api/v1/notifications'],
      ['get', '/api/v1/notifications/count'],
      ['post', '/api/v1/notifications/{id}/read'],
      ['post', '/api/v1/notifications/read-all'],
      ['delete', '/api/v1/notifications/{id}'],
      ['delete', '/api/v1/notifications'],
      ['get', '/healthz'],
    ];
    for (const [method, path] of expected) expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const post = paths['/api/v1/rooms/{id}/messages'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.properties.content).toMatchObject({ type: 'string', maxLength: 10000 });
    expect(schema.additionalProperties).toBe(false);
    expect(post.responses['429']).toBeDefined();
    expect(doc.body.components.schemas.Message.properties.mentions.type).toBe('array');
  });
});

describe.each(databaseFactories())('closed registration on $dialect', (factory) => {
  const ctx = useService(factory, { auth: { registration: 'closed' } }, 'inproc');

  it('refuses self-service sign-up with 403 forbidden', async () => {
    const answer = await ctx.service.call('POST', '/api/v1/auth/register', {
      json: { username: 'eve', password: 'long enough' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
  });
});

// keep imports used when a dialect list is empty
void startService;
void testConfig;
