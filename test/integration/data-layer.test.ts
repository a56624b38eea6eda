// The data layer's own guarantees (service/db/database.ts), on each dialect: the same values back from
// both drivers, transactions that isolate what runs beside them, savepoints that undo only their part.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../service/db/database.js';
import { databaseFactories, type TestDatabase } from '../fixtures/databases.js';
import { tempDir } from '../fixtures/tmp.js';

describe.each(databaseFactories())('the data layer on $dialect', ({ create }) => {
  const dir = tempDir('prizmai-data-');
  let database: TestDatabase;
  let db: Database;
  const values = async () => (await db.all<{ v: number }>('select v from t order by v')).map((row) => row.v);

  beforeAll(async () => {
    database = await create(dir.path);
    db = await connectDatabase(database.url);
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    dir.remove();
  });

  it('answers timestamps as epoch ms, booleans as bound, counts as numbers', async () => {
    const type = db.dialect === 'postgresql' ? 'timestamptz' : 'datetime';
    await db.run(`create table stamps (at ${type} not null, flag boolean not null)`);
    const at = new Date('2026-12-02T03:04:05.678Z');
    await db.run('insert into stamps (at, flag) values (?, ?), (?, ?)', [at, true, at, false]);
    const rows = await db.all<{ at: unknown; flag: unknown }>('select at, flag from stamps order by flag');
    expect(rows.map((row) => row.at)).toEqual([at.getTime(), at.getTime()]);
    expect(rows.map((row) => Boolean(row.flag))).toEqual([false, true]);
    expect(await db.get('select count(*) as n from stamps where flag = ?', [true])).toEqual({ n: 1 });
  });

  it('a statement or transaction queued behind an open transaction never runs inside it', async () => {
    await db.run('create table t (v integer not null)');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = db.transaction(async (tx) => {
      await tx.run('insert into t (v) values (1)');
      await gate;
      throw new Error('first rolls back');
    });
    // Queued while the first is open, a transaction first: were it to begin before the plain insert
    // runs, that insert would run inside it and go with its rollback.
    const rolledBack = db.transaction(async (tx) => {
      await tx.run('insert into t (v) values (3)');
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('this one rolls back too');
    });
    const plain = db.run('insert into t (v) values (2)');
    const kept = db.transaction(async (tx) => {
      await tx.run('insert into t (v) values (4)');
    });
    open();
    await expect(first).rejects.toThrow('first rolls back');
    await expect(rolledBack).rejects.toThrow('this one rolls back too');
    await plain;
    await kept;
    expect(await values()).toEqual([2, 4]);
  });

  it('a failed savepoint undoes its own writes only, and savepoints can follow one another', async () => {
    await db.run('delete from t');
    await db.transaction(async (tx) => {
      await tx.run('insert into t (v) values (10)');
      for (let i = 0; i < 3; i++) {
        await tx
          .transaction(async (inner) => {
            await inner.run('insert into t (v) values (?)', [20 + i]);
            if (i === 1) throw new Error('undo 21');
          })
          .catch((error: Error) => expect(error.message).toBe('undo 21'));
      }
    });
    expect(await values()).toEqual([10, 20, 22]);
  });
});
