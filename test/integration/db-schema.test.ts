import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../service/db/database.js';
import {
  Board,
  BoardMember,
  ChatMessage,
  ChatRoom,
  Notification,
  ReadMarker,
  Task,
  TaskComment,
  User,
} from '../../service/db/entities.js';
import { openDatabase } from '../../service/db/orm.js';
import { createUser } from '../../service/domain/users.js';
import { databaseFactories, type TestDatabase } from '../fixtures/databases.js';
import { tempDir } from '../fixtures/tmp.js';

const MIGRATIONS = ['Migration20261124000000Initial', 'Migration20261202000000JobOutbox'];

const TABLES = [
  'api_tokens',
  'board_members',
  'boards',
  'chat_messages',
  'chat_rooms',
  'comment_mentions',
  'job_outbox',
  'message_mentions',
  'notifications',
  'read_markers',
  'room_members',
  'task_comments',
  'tasks',
  'users',
];

describe.each(databaseFactories())('data model on $dialect', ({ dialect, create }) => {
  const dir = tempDir('prizmai-db-');
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await create(dir.path);
    orm = await openDatabase(database.url);
  });
  afterAll(async () => {
    await orm?.close();
    await database?.drop();
    dir.remove();
  });

  async function tableNames(): Promise<string[]> {
    const sql =
      dialect === 'sqlite'
        ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        : "select table_name as name from information_schema.tables where table_schema = 'public'";
    const rows = await orm.em.getConnection().execute<{ name: string }[]>(sql);
    return rows.map((row: { name: string }) => row.name).sort();
  }

  it('migrates an empty database to every table, and reports the migration applied', async () => {
    const migrator = orm.getMigrator();
    expect((await migrator.getPendingMigrations()).map((m) => m.name)).toEqual(MIGRATIONS);
    await migrator.up();
    expect(await tableNames()).toEqual([...TABLES, 'prizmai_migrations'].sort());
    expect((await migrator.getExecutedMigrations()).map((m) => m.name)).toEqual(MIGRATIONS);
    expect(await migrator.getPendingMigrations()).toEqual([]);
  });

  it('has a schema that matches the entities exactly (the migration is not stale)', async () => {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  async function fixtures() {
    const em = orm.em.fork();
    const suffix = Math.random().toString(36).slice(2, 8);
    const user = (username: string) =>
      em.create(User, { username, usernameKey: username, displayName: username, createdAt: new Date() });
    const alice = user(`alice-${suffix}`);
    const bob = user(`bob-${suffix}`);
    const board = em.create(Board, { name: 'Roadmap', owner: alice, createdAt: new Date() });
    em.create(BoardMember, { board, user: alice, createdAt: new Date() });
    const room = em.create(ChatRoom, {
      board,
      name: 'general',
      createdBy: alice,
      description: '',
      createdAt: new Date(),
    });
    const task = em.create(Task, { board, title: 'Ship it', creator: alice, createdAt: new Date() });
    await em.flush();
    return { em, alice, bob, board, room, task };
  }

  it('refuses a second room of the same name on one board, not on another board', async () => {
    const { em, alice, board } = await fixtures();
    em.create(ChatRoom, { board, name: 'general', createdBy: alice, description: '', createdAt: new Date() });
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    const other = await fixtures();
    expect(other.room.id).toBeGreaterThan(0);
  });

  it('refuses a repeated client_id from one author, allows it from another and allows many nulls', async () => {
    const { alice, bob, room } = await fixtures();
    const em = orm.em.fork();
    const message = (author: User, clientId: string | null) =>
      em.create(ChatMessage, { room, author, content: 'hi', clientId, createdAt: new Date() });
    message(alice, 'c-1');
    message(bob, 'c-1');
    message(alice, null);
    message(alice, null);
    await em.flush();
    message(alice, 'c-1');
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('refuses a repeated client_id on task comments too', async () => {
    const { alice, task } = await fixtures();
    const em = orm.em.fork();
    em.create(TaskComment, { task, author: alice, content: 'a', clientId: 'k', createdAt: new Date() });
    await em.flush();
    em.create(TaskComment, { task, author: alice, content: 'b', clientId: 'k', createdAt: new Date() });
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('keeps at most one notification per recipient, source and type', async () => {
    const { alice, bob, room } = await fixtures();
    const em = orm.em.fork();
    const message = em.create(ChatMessage, { room, author: alice, content: '@bob', createdAt: new Date() });
    await em.flush();
    const notify = (type: 'MENTION' | 'CHAT_MESSAGE') =>
      em.create(Notification, {
        recipient: bob,
        sender: alice,
        type,
        text: 'alice mentioned you',
        source: `message:${message.id}`,
        room,
        message,
        isRead: false,
        createdAt: new Date(),
      });
    notify('MENTION');
    notify('CHAT_MESSAGE');
    await em.flush();
    notify('MENTION');
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('keeps usernames unique regardless of case', async () => {
    const { alice } = await fixtures();
    const db = await connectDatabase(database.url);
    try {
      await expect(createUser(db, { username: alice.username.toUpperCase() })).rejects.toMatchObject({
        code: 'conflict',
      });
    } finally {
      await db.close();
    }
    const em = orm.em.fork();
    em.create(User, {
      username: alice.username.toUpperCase(),
      usernameKey: alice.usernameKey,
      displayName: 'x',
      createdAt: new Date(),
    });
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('keeps one read marker per user and room', async () => {
    const { alice, room } = await fixtures();
    const em = orm.em.fork();
    em.create(ReadMarker, { user: alice, room, lastReadMessageId: 1, updatedAt: new Date() });
    await em.flush();
    em.create(ReadMarker, { user: alice, room, lastReadMessageId: 2, updatedAt: new Date() });
    await expect(em.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('gives ids that increase with insertion order', async () => {
    const { alice, room } = await fixtures();
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const em = orm.em.fork();
      const message = em.create(ChatMessage, { room, author: alice, content: `m${i}`, createdAt: new Date() });
      await em.flush();
      ids.push(message.id);
    }
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rolls back migration by migration to an empty database, and forward again', async () => {
    const migrator = orm.getMigrator();
    await migrator.down();
    expect(await tableNames()).toEqual(
      [...TABLES.filter((table) => table !== 'job_outbox'), 'prizmai_migrations'].sort(),
    );
    await migrator.down();
    expect(await tableNames()).toEqual(['prizmai_migrations']);
    await migrator.up();
    expect(await tableNames()).toEqual([...TABLES, 'prizmai_migrations'].sort());
  });
});
