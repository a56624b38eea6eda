import { beforeAll, describe, expect, it } from 'vitest';
import { databaseFactories } from '../fixtures/databases.js';
import { signUp } from './support/harness.js';
import { buildWorld, useService, type World } from './support/world.js';

describe.each(databaseFactories())('boards, tasks and rooms on $dialect', (factory) => {
  const ctx = useService(factory);
  let w: World;
  const api = (method: string, path: string, token: string, json?: unknown) =>
    ctx.service.call(method, `/api/v1${path}`, { token, json });

  beforeAll(async () => {
    w = await buildWorld(ctx.service);
  });

  it('creates a board: the creator is owner and member; lists only the caller’s boards', async () => {
    const created = await api('POST', '/boards', w.bob.token, { name: '  Bob board ' });
    expect(created.status).toBe(201);
    expect(created.body.board).toMatchObject({ name: 'Bob board', owner: { id: w.bob.id, username: 'bob' } });
    const mine = await api('GET', '/boards', w.bob.token);
    expect(mine.body.boards.map((b: { name: string }) => b.name)).toEqual(['Acme', 'Bob board']);
    const daves = await api('GET', '/boards', w.dave.token);
    expect(daves.body.boards.map((b: { name: string }) => b.name)).toEqual(['Other']);
    expect((await api('GET', `/boards/${w.boardId}`, w.carol.token)).body.board.name).toBe('Acme');
  });

  it('a board the caller is not on is a 404, never a 403', async () => {
    for (const path of [`/boards/${w.boardId}`, `/boards/${w.boardId}/tasks`, `/boards/${w.boardId}/rooms`]) {
      const answer = await api('GET', path, w.dave.token);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    expect((await api('GET', '/boards/999999', w.alice.token)).status).toBe(404);
  });

  it('board membership: owner only (403 otherwise), unknown user 400, idempotent add, owner stays', async () => {
    const notOwner = await api('POST', `/boards/${w.boardId}/members`, w.bob.token, { username: 'dave' });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.code).toBe('forbidden');
    const unknown = await api('POST', `/boards/${w.boardId}/members`, w.alice.token, { username: 'ghost' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('username');
    const again = await api('POST', `/boards/${w.boardId}/members`, w.alice.token, { username: 'BOB' });
    expect(again.status).toBe(200);
    expect(again.body.user.username).toBe('bob');
    const members = await api('GET', `/boards/${w.boardId}/members`, w.carol.token);
    expect(members.body.members.map((m: { username: string }) => m.username)).toEqual(['alice', 'bob', 'carol']);
    const owner = await api('DELETE', `/boards/${w.boardId}/members/alice`, w.alice.token);
    expect(owner.status).toBe(409);
    const outsider = await api('DELETE', `/boards/${w.boardId}/members/bob`, w.dave.token);
    expect(outsider.status).toBe(404);
    expect((await api('DELETE', `/boards/${w.boardId}/members/nobody`, w.alice.token)).status).toBe(404);
  });

  it('removing a board member also takes them out of the board’s rooms', async () => {
    const erin = await signUp(ctx.service, 'erin');
    const board = (await api('POST', '/boards', w.alice.token, { name: 'Temp' })).body.board;
    await api('POST', `/boards/${board.id}/members`, w.alice.token, { username: 'erin' });
    const room = (await api('POST', `/boards/${board.id}/rooms`, w.alice.token, { name: 'r', members: ['erin'] })).body
      .room;
    expect((await api('GET', `/rooms/${room.id}`, erin.token)).status).toBe(200);
    expect((await api('DELETE', `/boards/${board.id}/members/erin`, w.alice.token)).status).toBe(204);
    expect((await api('GET', `/rooms/${room.id}`, erin.token)).status).toBe(404);
    expect((await api('GET', `/boards/${board.id}`, erin.token)).status).toBe(404);
  });

  it('tasks: board members create and read them; an assignee must be on the board', async () => {
    const task = await api('POST', `/boards/${w.boardId}/tasks`, w.carol.token, {
      title: 'Write docs',
      assignee: 'Bob',
    });
    expect(task.status).toBe(201);
    expect(task.body.task).toMatchObject({
      board_id: w.boardId,
      title: 'Write docs',
      assignee: { id: w.bob.id, username: 'bob' },
      creator: { id: w.carol.id, username: 'carol' },
    });
    const outsiderAssignee = await api('POST', `/boards/${w.boardId}/tasks`, w.alice.token, {
      title: 'x',
      assignee: 'dave',
    });
    expect(outsiderAssignee.status).toBe(400);
    expect(outsiderAssignee.body.error.field).toBe('assignee');
    const list = await api('GET', `/boards/${w.boardId}/tasks`, w.bob.token);
    expect(list.body.tasks.map((t: { title: string }) => t.title)).toEqual(['Ship it', 'Write docs']);
    expect((await api('GET', `/tasks/${task.body.task.id}`, w.bob.token)).body.task.title).toBe('Write docs');
    expect((await api('GET', `/tasks/${task.body.task.id}`, w.dave.token)).status).toBe(404);
    expect((await api('POST', `/boards/${w.boardId}/tasks`, w.dave.token, { title: 'x' })).status).toBe(404);
  });

  it('rooms: creator always a member, members must be board members, duplicate name 409', async () => {
    const room = await api('POST', `/boards/${w.boardId}/rooms`, w.bob.token, {
      name: 'design',
      description: 'pixels',
      members: ['carol'],
    });
    expect(room.status).toBe(201);
    expect(room.body.room).toMatchObject({ name: 'design', description: 'pixels', created_by: { username: 'bob' } });
    const members = await api('GET', `/rooms/${room.body.room.id}/members`, w.carol.token);
    expect(members.body.members.map((m: { username: string }) => m.username)).toEqual(['bob', 'carol']);
    const dup = await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'design' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const outsider = await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'x', members: ['dave'] });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error.field).toBe('members');
    const list = await api('GET', `/boards/${w.boardId}/rooms`, w.carol.token);
    expect(list.body.rooms.map((r: { name: string }) => r.name)).toEqual(['general', 'design']);
  });

  it('a room is visible to its members only: others get 404 on the room and its members', async () => {
    expect((await api('GET', `/rooms/${w.roomId}`, w.bob.token)).status).toBe(200);
    for (const who of [w.carol, w.dave]) {
      expect((await api('GET', `/rooms/${w.roomId}`, who.token)).status).toBe(404);
      expect((await api('GET', `/rooms/${w.roomId}/members`, who.token)).status).toBe(404);
    }
  });

  it('PATCH and DELETE a room: creator or board owner (403 for other members, 404 for outsiders)', async () => {
    const room = (await api('POST', `/boards/${w.boardId}/rooms`, w.bob.token, { name: 'ops', members: ['carol'] }))
      .body.room;
    const byMember = await api('PATCH', `/rooms/${room.id}`, w.carol.token, { name: 'mine' });
    expect(byMember.status).toBe(403);
    expect((await api('PATCH', `/rooms/${room.id}`, w.dave.token, { name: 'x' })).status).toBe(404);
    const renamed = await api('PATCH', `/rooms/${room.id}`, w.bob.token, { name: 'operations', description: 'd' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.room).toMatchObject({ name: 'operations', description: 'd' });
    const clash = await api('PATCH', `/rooms/${room.id}`, w.bob.token, { name: 'general' });
    expect(clash.status).toBe(409);
    expect((await api('DELETE', `/rooms/${room.id}`, w.carol.token)).status).toBe(403);
    // The board owner may delete a room someone else created.
    expect((await api('DELETE', `/rooms/${room.id}`, w.alice.token)).status).toBe(404); // alice is not in it
    await api('POST', `/rooms/${room.id}/members`, w.alice.token, { username: 'alice' });
    expect((await api('DELETE', `/rooms/${room.id}`, w.alice.token)).status).toBe(204);
    expect((await api('GET', `/rooms/${room.id}`, w.bob.token)).status).toBe(404);
  });

  it('room membership: join yourself, add a board member, leave, remove; outsiders cannot', async () => {
    const room = (await api('POST', `/boards/${w.boardId}/rooms`, w.alice.token, { name: 'lobby' })).body.room;
    const joined = await api('POST', `/rooms/${room.id}/members`, w.carol.token, { username: 'carol' });
    expect(joined.status).toBe(201);
    expect((await api('POST', `/rooms/${room.id}/members`, w.carol.token, { username: 'carol' })).status).toBe(200);
    const added = await api('POST', `/rooms/${room.id}/members`, w.carol.token, { username: 'bob' });
    expect(added.status).toBe(201);
    const notOnBoard = await api('POST', `/rooms/${room.id}/members`, w.alice.token, { username: 'dave' });
    expect(notOnBoard.status).toBe(400);
    expect((await api('POST', `/rooms/${room.id}/members`, w.dave.token, { username: 'dave' })).status).toBe(404);
    const removeOther = await api('DELETE', `/rooms/${room.id}/members/carol`, w.bob.token);
    expect(removeOther.status).toBe(403);
    expect((await api('DELETE', `/rooms/${room.id}/members/bob`, w.bob.token)).status).toBe(204);
    expect((await api('DELETE', `/rooms/${room.id}/members/carol`, w.alice.token)).status).toBe(204);
    expect((await api('GET', `/rooms/${room.id}`, w.carol.token)).status).toBe(404);
    expect((await api('DELETE', `/rooms/${room.id}/members/carol`, w.alice.token)).status).toBe(404);
  });

  it('mention autocomplete lists only members of the caller’s boards, at most 10', async () => {
    const users = async (token: string, query: string) =>
      ((await ctx.service.call('GET', `/api/v1/users${query}`, { token })).body.users as { username: string }[]).map(
        (u) => u.username,
      );
    expect(await users(w.dave.token, '?q=')).toEqual(['dave']);
    expect(await users(w.dave.token, '?q=a')).toEqual([]);
    expect(await users(w.carol.token, '?q=b')).toEqual(['bob']);
    expect(await users(w.alice.token, `?room=${w.roomId}`)).toEqual(['alice', 'bob']);
    expect(await users(w.alice.token, `?board=${w.boardId}&q=c`)).toEqual(['carol']);
    expect(
      (await ctx.service.call('GET', `/api/v1/users?board=${w.otherBoardId}`, { token: w.alice.token })).status,
    ).toBe(404);
    expect(
      (await ctx.service.call('GET', `/api/v1/users?room=${w.otherRoomId}`, { token: w.alice.token })).status,
    ).toBe(404);
    // Display names match too, case-insensitively; a LIKE wildcard is taken literally.
    const zed = await ctx.service.call('POST', '/api/v1/auth/register', {
      json: { username: 'z1', password: 'long enough', display_name: 'Zelda Fitz' },
    });
    await api('POST', `/boards/${w.boardId}/members`, w.alice.token, { username: 'z1' });
    expect(await users(w.bob.token, '?q=zel')).toEqual(['z1']);
    expect(await users(w.bob.token, '?q=%25')).toEqual([]);
    expect(zed.status).toBe(201);
    for (let i = 0; i < 12; i++) {
      await signUp(ctx.service, `many${i}`);
      await api('POST', `/boards/${w.boardId}/members`, w.alice.token, { username: `many${i}` });
    }
    expect((await users(w.bob.token, '?q=many')).length).toBe(10);
    expect(await users(w.dave.token, '?q=many')).toEqual([]);
  });
});
