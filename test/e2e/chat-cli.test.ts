// The chat commands (SPEC §9) as a user scripts them: the real built CLI as a child process against a
// real service (real socket, SQLite, redis-server), with a real BullMQ worker making the notifications.
import { readFileSync, statSync } from 'node:fs';
import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisPublisher } from '../../service/events.js';
import { MENTION_QUEUE } from '../../service/queue/mentions.js';
import { mentionProcessor } from '../../worker/jobs/mentions.js';
import { prizmai, spawnPrizmai } from '../fixtures/cli.js';
import { createSqliteDatabase } from '../fixtures/databases.js';
import { eventually } from '../fixtures/eventually.js';
import { tempDir } from '../fixtures/tmp.js';
import { knexOf } from '../integration/support/harness.js';
import { useService } from '../integration/support/world.js';

const ctx = useService({ dialect: 'sqlite', create: createSqliteDatabase });
const home = tempDir('prizmai-chat-');
const credentials = join(home.path, 'config', 'credentials.json');
let worker: Worker;
let connection: Redis;
let publisher: Redis;

/** The CLI as `user` (their saved login in a file of their own), against the test service. */
function as(user: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  return prizmai([...args, '--url', ctx.service.url], {
    env: { PRIZMAI_CREDENTIALS: `${credentials}.${user}`, ...options.env },
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

const savedToken = (user: string): string =>
  JSON.parse(readFileSync(`${credentials}.${user}`, 'utf8'))[ctx.service.url].token;

beforeAll(async () => {
  connection = new Redis(ctx.redis.url, { maxRetriesPerRequest: null });
  publisher = new Redis(ctx.redis.url);
  const db = ctx.service.db;
  worker = new Worker(
    MENTION_QUEUE,
    mentionProcessor(async () => ({ db, events: redisPublisher(publisher) })),
    {
      connection,
    },
  );
  await worker.waitUntilReady();
});

afterAll(async () => {
  await worker?.close();
  publisher?.disconnect();
  connection?.disconnect();
  home.remove();
});

describe('prizmai chat commands', () => {
  it('register, whoami, logout and login: the token is saved in a file only its owner can read', async () => {
    const registered = await as('alice', ['register', 'alice', '--password-stdin'], {
      input: 'correct horse battery\n',
    });
    expect(registered.exitCode, registered.stderr).toBe(0);
    expect(registered.stderr).toContain('registered and logged in as alice');
    expect(statSync(`${credentials}.alice`).mode & 0o777).toBe(0o600);
    expect((await as('alice', ['whoami'])).stdout.trim()).toBe('alice');
    const json = JSON.parse((await as('alice', ['whoami', '--json'])).stdout);
    expect(json).toMatchObject({ url: ctx.service.url, user: { username: 'alice' } });

    expect((await as('alice', ['logout'])).exitCode).toBe(0);
    const after = await as('alice', ['whoami']);
    expect(after.exitCode).toBe(4);
    expect(after.stderr).toContain('not logged in');

    const wrong = await as('alice', ['login', 'alice', '--password-stdin'], { input: 'not the password' });
    expect(wrong.exitCode).toBe(4);
    const noPassword = await as('alice', ['login', 'alice']);
    expect(noPassword.exitCode).toBe(2);
    expect(noPassword.stderr).toContain('--password-stdin');
    expect(
      (await as('alice', ['login', 'alice', '--password-stdin'], { input: 'correct horse battery' })).exitCode,
    ).toBe(0);
    expect((await as('alice', ['whoami'])).stdout.trim()).toBe('alice');

    for (const user of ['bob', 'carol']) {
      const r = await as(user, ['register', user, '--password-stdin'], { input: 'correct horse battery' });
      expect(r.exitCode, r.stderr).toBe(0);
    }
  });

  it('boards and rooms by name or id; send (argument or stdin) and history, oldest first', async () => {
    const boardId = (await as('alice', ['boards', 'create', 'Acme'])).stdout.trim();
    expect(boardId).toMatch(/^\d+$/);
    expect((await as('alice', ['boards', 'add-member', 'Acme', 'bob'])).exitCode).toBe(0);
    expect((await as('alice', ['boards', 'add-member', 'Acme', 'carol'])).exitCode).toBe(0);
    const roomId = (await as('alice', ['rooms', 'create', 'Acme', 'general', '--members', 'bob'])).stdout.trim();
    expect((await as('bob', ['rooms', 'list'])).stdout).toContain(`${roomId}\tAcme/general`);
    expect((await as('bob', ['rooms', 'list', boardId])).stdout.trim()).toBe(`${roomId}\tAcme/general`);
    expect((await as('bob', ['boards', 'list'])).stdout).toMatch(/\tAcme\t\(owner alice\)/);
    // A room named as everywhere else: board/room.
    const named = await as('alice', ['rooms', 'create', 'Acme/random']);
    expect(named.exitCode, named.stderr).toBe(0);
    expect((await as('alice', ['rooms', 'list', 'Acme'])).stdout).toContain(`${named.stdout.trim()}\tAcme/random`);
    const malformed = await as('alice', ['rooms', 'create', 'no-slash']);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toContain('board-name/room-name');

    const first = await as('alice', ['send', 'Acme/general', 'hello @bob']);
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await as('bob', ['send', roomId, '-'], { input: 'from standard input\n' });
    expect(second.exitCode, second.stderr).toBe(0);
    const lines = (await as('bob', ['history', 'Acme/general'])).stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^#${first.stdout.trim()} \\S+ alice: hello @bob$`)),
      expect.stringMatching(new RegExp(`^#${second.stdout.trim()} \\S+ bob: from standard input$`)),
    ]);
    const newest = JSON.parse((await as('bob', ['history', roomId, '--limit', '1', '--json'])).stdout);
    expect(newest.messages.map((m: { id: number }) => m.id)).toEqual([Number(second.stdout.trim())]);
    const older = (await as('bob', ['history', roomId, '--before', second.stdout.trim()])).stdout;
    expect(older).toContain('hello @bob');
    expect(older).not.toContain('from standard input');

    // PRIZMAI_TOKEN wins over the saved login.
    const asCarol = await as('alice', ['whoami'], { env: { PRIZMAI_TOKEN: savedToken('carol') } });
    expect(asCarol.stdout.trim()).toBe('carol');
  });

  it('refused input: a clear message, the exit code of SPEC §4, and nothing changed', async () => {
    const before = await knexOf(ctx.service)('chat_messages').count({ n: '*' }).first();
    const unknownRoom = await as('alice', ['send', 'Acme/nope', 'x']);
    expect(unknownRoom.exitCode).toBe(5);
    expect(unknownRoom.stderr).toContain('no room "nope"');
    const badRef = await as('alice', ['send', 'no-slash', 'x']);
    expect(badRef.exitCode).toBe(2);
    const badLimit = await as('alice', ['history', 'Acme/general', '--limit', 'ten']);
    expect(badLimit.exitCode).toBe(2);
    expect(badLimit.stderr).toContain('--limit: expected a whole number');
    const tooLong = await as('alice', ['send', 'Acme/general', 'x'.repeat(20_000)]);
    expect(tooLong.exitCode).toBe(1);
    const outsider = await as('carol', ['history', 'Acme/general']);
    expect(outsider.exitCode).toBe(5);
    const badUrl = await prizmai(['whoami', '--url', 'ftp://example']);
    expect(badUrl.exitCode).toBe(2);
    const unreachable = await prizmai(['whoami', '--url', 'http://127.0.0.1:1'], { env: { PRIZMAI_TOKEN: 'x' } });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach http://127.0.0.1:1');
    const after = await knexOf(ctx.service)('chat_messages').count({ n: '*' }).first();
    expect(after).toEqual(before);
  });

  it('rooms join and leave; tasks, comments', async () => {
    expect((await as('carol', ['rooms', 'join', 'Acme/general'])).exitCode).toBe(0);
    expect((await as('carol', ['history', 'Acme/general'])).stdout).toContain('hello @bob');
    expect((await as('carol', ['rooms', 'leave', 'Acme/general'])).exitCode).toBe(0);
    expect((await as('carol', ['history', 'Acme/general'])).exitCode).toBe(5);

    const task = (await as('alice', ['tasks', 'create', 'Acme', 'Ship it', '--assignee', 'bob'])).stdout.trim();
    expect((await as('bob', ['tasks', 'list', 'Acme'])).stdout).toContain(`${task}\tShip it\t@bob`);
    const commented = await as('bob', ['comment', task, '-'], { input: 'on it' });
    expect(commented.exitCode, commented.stderr).toBe(0);
    expect((await as('alice', ['comments', task])).stdout).toMatch(/^#\d+ \S+ bob: on it$/m);
  });

  it('notifications, unread, and marking read', async () => {
    await as('alice', ['send', 'Acme/general', 'look @bob']);
    // Two mentions of bob so far ("hello @bob", "look @bob"), each a notification once the worker ran.
    const listed = await eventually(async () => {
      const lines = (await as('bob', ['notifications', '--unread'])).stdout.split('\n').filter(Boolean);
      return lines.length >= 2 ? lines : undefined;
    });
    expect(listed).toEqual([
      expect.stringMatching(/^\d+\t\* \S+ alice mentioned you in #general$/),
      expect.stringMatching(/^\d+\t\* \S+ alice mentioned you in #general$/),
    ]);
    const unread = (await as('bob', ['unread'])).stdout;
    expect(unread).toMatch(/\t2 unread\t\d+ mentions/);

    const id = (listed[0] as string).split('\t')[0] as string;
    expect((await as('bob', ['notifications', 'read', id])).exitCode).toBe(0);
    expect((await as('bob', ['notifications', 'read', '--all', '--json'])).stdout).toContain('"count"');
    expect((await as('bob', ['notifications', '--unread'])).stdout).toBe('');
    expect((await as('bob', ['notifications', 'read'])).exitCode).toBe(2);
    expect((await as('bob', ['notifications', 'read', '999999'])).exitCode).toBe(5);
  });

  it('tail follows new messages and carries on, losing none, after the connection drops', async () => {
    // A TCP proxy in front of the service (HTTP and WebSocket alike) that the test can take away,
    // dropping every connection, and bring back on the same port.
    const targetPort = Number(new URL(ctx.service.url).port);
    const open = new Set<Socket>();
    const proxy = (port = 0) =>
      new Promise<NetServer>((resolve) => {
        const server = createNetServer((client) => {
          const upstream = connect(targetPort, '127.0.0.1');
          const drop = () => {
            client.destroy();
            upstream.destroy();
          };
          for (const socket of [client, upstream]) {
            open.add(socket);
            socket.on('error', drop).on('close', drop);
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    const takeAway = (server: NetServer) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
        open.clear();
      });
    let server = await proxy();
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;
    const last = JSON.parse((await as('alice', ['history', 'Acme/general', '--limit', '1', '--json'])).stdout)
      .messages[0].id as number;
    // Logins are saved per URL: through the proxy, bob's token comes from PRIZMAI_TOKEN.
    const tail = spawnPrizmai(['tail', 'Acme/general', '--after', String(last), '--json', '--url', url], {
      env: { PRIZMAI_TOKEN: savedToken('bob') },
    });
    const output: string[] = [];
    tail.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const received = () =>
      output
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).message as string);
    const waitFor = (content: string) => eventually(() => (received().includes(content) ? true : undefined));
    try {
      await as('alice', ['send', 'Acme/general', 'one']);
      await waitFor('one');
      // The connection drops; messages arrive meanwhile; it comes back on the same port.
      await takeAway(server);
      await as('alice', ['send', 'Acme/general', 'two']);
      await as('alice', ['send', 'Acme/general', 'three']);
      await new Promise((r) => setTimeout(r, 700));
      server = await proxy(port);
      await waitFor('three');
      expect(received()).toEqual(['one', 'two', 'three']);
      tail.kill('SIGINT');
      const result = await tail;
      expect(result.exitCode).toBe(130);
      expect(result.stderr).toContain('lost; retrying');
      expect(result.stderr).toContain('reconnected');
      const printed = String(result.stdout).split('\n').filter(Boolean);
      expect(printed.map((line) => JSON.parse(line).message)).toEqual(['one', 'two', 'three']);
    } finally {
      tail.kill('SIGKILL');
      await takeAway(server);
    }
  });

  it('--json <fields> on the list commands: only those fields of each item, as gh does; an unknown one is exit 2', async () => {
    const rooms = await as('alice', ['rooms', 'list', 'Acme', '--json', 'name,board_name']);
    expect(rooms.exitCode, rooms.stderr).toBe(0);
    expect(JSON.parse(rooms.stdout)).toEqual(
      expect.arrayContaining([
        { name: 'general', board_name: 'Acme' },
        { name: 'random', board_name: 'Acme' },
      ]),
    );
    const history = JSON.parse((await as('bob', ['history', 'Acme/general', '--json', 'content'])).stdout);
    expect(history[0]).toEqual({ content: 'hello @bob' });
    expect(Object.keys(history.at(-1))).toEqual(['content']);
    const boards = JSON.parse((await as('alice', ['boards', 'list', '--json=id,name'])).stdout);
    expect(boards).toEqual([{ id: expect.any(Number), name: 'Acme' }]);
    const notifications = JSON.parse((await as('bob', ['notifications', '--json', 'type,is_read'])).stdout);
    expect(notifications.length).toBeGreaterThan(0);
    expect(notifications.every((n: object) => Object.keys(n).join() === 'type,is_read')).toBe(true);
    // A bare --json is the whole document, as before.
    expect(JSON.parse((await as('alice', ['boards', 'list', '--json'])).stdout).boards[0].owner.username).toBe('alice');

    const unknown = await as('alice', ['rooms', 'list', '--json', 'name,colour']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('--json: unknown field "colour"; the fields are: id, board_id, name');
    const elsewhere = await as('alice', ['whoami', '--json=username']);
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toContain('`whoami` takes no field list');
    // Without `=`, the word after --json is an argument of a command that prints no list, as before.
    expect((await as('alice', ['whoami', '--json', 'username'])).stderr).toContain("too many arguments for 'whoami'");
  });
});
