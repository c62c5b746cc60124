/**
 * The public library API: open/exec/query/get/run/prepare/transaction/close, parameter binding
 * of every form and type, result shapes (objects, raw, pluck, safe integers), columns().
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal, open, type Database } from '../../src/index.js';

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)');
});
afterEach(async () => {
  await db.close();
});

describe('exec / query / run / get', () => {
  it('runs scripts and returns rows as plain objects', async () => {
    await db.exec(`INSERT INTO t(name, score) VALUES ('ann', 1.5); INSERT INTO t(name, score) VALUES ('bob', 2)`);
    expect(await db.query('SELECT id, name, score FROM t ORDER BY id')).toEqual([
      { id: 1, name: 'ann', score: 1.5 },
      { id: 2, name: 'bob', score: 2 },
    ]);
    expect(await db.get('SELECT name FROM t WHERE id = ?', [2])).toEqual({ name: 'bob' });
    expect(await db.get('SELECT name FROM t WHERE id = ?', [99])).toBeUndefined();
  });

  it('run reports changes and lastInsertRowid', async () => {
    expect(await db.run(`INSERT INTO t(name) VALUES ('a'), ('b')`)).toEqual({ changes: 2, lastInsertRowid: 2 });
    expect(await db.run(`UPDATE t SET name = upper(name)`)).toEqual({ changes: 2, lastInsertRowid: 2 });
    expect(await db.run(`CREATE TABLE u(x)`)).toMatchObject({ changes: 0 });
  });
});

describe('parameters', () => {
  it('binds positional, numbered and named parameters', async () => {
    await db.run('INSERT INTO t(id, name) VALUES (?, ?)', [1, 'one']);
    await db.run('INSERT INTO t(id, name) VALUES (?2, ?1)', ['two', 2]);
    await db.run('INSERT INTO t(id, name) VALUES (:id, @name)', { id: 3, name: 'three' });
    await db.run('INSERT INTO t(id, name) VALUES ($id, $name)', { $id: 4, $name: 'four' });
    const st = db.prepare('SELECT name FROM t WHERE id = ? OR id = ?').pluck();
    expect((await st.all(1, 4)).sort()).toEqual(['four', 'one']);
    expect((await st.all([2, 3])).sort()).toEqual(['three', 'two']);
  });

  it('converts JS values: integers, reals, bigint, boolean, null, Date, Buffer, Decimal', async () => {
    const st = db.prepare('SELECT ? AS v, typeof(?) AS t').raw();
    const cases: [unknown, unknown, string][] = [
      [7, 7, 'integer'],
      [7.5, 7.5, 'real'],
      [2 ** 60, 2 ** 60, 'real'],
      [9007199254740993n, 9007199254740993n, 'integer'],
      [true, 1, 'integer'],
      [null, null, 'null'],
      [undefined, null, 'null'],
      ['txt', 'txt', 'text'],
      [new Date('2024-01-02T03:04:05.000Z'), '2024-01-02T03:04:05.000Z', 'text'],
      [Buffer.from([1, 2]), Buffer.from([1, 2]), 'blob'],
      [new Decimal(12345n, 2), '123.45', 'decimal'],
    ];
    for (const [input, out, type] of cases) {
      expect(await st.get(input, input)).toEqual([out, type]);
    }
  });

  it('rejects unbindable values and wrong counts', async () => {
    const st = db.prepare('SELECT ?');
    await expect(st.get({ a: 1 } as never)).rejects.toThrow(RangeError);
    await expect(st.get([Symbol('x')] as never)).rejects.toThrow(TypeError);
    await expect(st.get([{}] as never)).rejects.toThrow(TypeError);
    await expect(st.get([1, 2])).rejects.toThrow(/Too many/);
    await expect(st.get([])).rejects.toThrow(/Too few/);
    await expect(db.prepare('SELECT :a').get({ b: 1 })).rejects.toThrow(/Missing named parameter "a"/);
    await expect(st.get([2n ** 64n])).rejects.toThrow(RangeError);
  });
});

describe('statements', () => {
  beforeEach(async () => {
    await db.run('INSERT INTO t VALUES (1, ?, 0.5, ?)', ['x', Buffer.from('hi')]);
    await db.run('INSERT INTO t VALUES (9007199254740993, ?, NULL, NULL)', ['big']);
  });

  it('raw(), pluck(), safeIntegers()', async () => {
    const st = db.prepare('SELECT id, name FROM t ORDER BY id');
    expect(await st.raw().all()).toEqual([
      [1, 'x'],
      [9007199254740993n, 'big'],
    ]);
    expect(await st.safeIntegers().pluck().all()).toEqual([1n, 9007199254740993n]);
    expect(await db.prepare('SELECT data FROM t WHERE id = 1').pluck().get()).toEqual(Buffer.from('hi'));
  });

  it('columns() describes the result', async () => {
    expect(db.prepare('SELECT id, name AS n, score * 2 FROM t').columns()).toEqual([
      { name: 'id', column: 'id', table: 't', database: 'main', type: 'INTEGER' },
      { name: 'n', column: 'name', table: 't', database: 'main', type: 'TEXT' },
      { name: 'score * 2', column: null, table: null, database: null, type: null },
    ]);
    expect(db.prepare('SELECT 1').reader).toBe(true);
    expect(db.prepare('DELETE FROM t').reader).toBe(false);
  });

  it('iterate() yields rows lazily', async () => {
    const seen: unknown[] = [];
    for await (const r of db.prepare('SELECT name FROM t ORDER BY id').iterate()) seen.push(r);
    expect(seen).toEqual([{ name: 'x' }, { name: 'big' }]);
  });

  it('prepare() reports syntax and name errors with positions', () => {
    expect(() => db.prepare('SELEC 1')).toThrow(expect.objectContaining({ code: 'SQL_SYNTAX' }));
    expect(() => db.prepare('SELECT nope FROM t')).toThrow(/no such column: nope/);
    expect(() => db.prepare('SELECT * FROM nope')).toThrow(/no such table: nope/);
  });

  it('a prepared statement is recompiled after a schema change', async () => {
    const st = db.prepare('SELECT * FROM t WHERE id = 1').raw();
    expect(await st.get()).toEqual([1, 'x', 0.5, Buffer.from('hi')]);
    await db.exec('ALTER TABLE t ADD COLUMN extra INT DEFAULT NULL');
    expect(await st.get()).toEqual([1, 'x', 0.5, Buffer.from('hi'), null]);
  });
});

describe('transaction()', () => {
  it('commits on success and rolls back on throw', async () => {
    const add = db.transaction(async (names: string[]) => {
      for (const n of names) await db.run('INSERT INTO t(name) VALUES (?)', [n]);
      return names.length;
    });
    expect(await add(['a', 'b'])).toBe(2);
    const bad = db.transaction(async () => {
      await db.run(`INSERT INTO t(name) VALUES ('c')`);
      throw new Error('nope');
    });
    await expect(bad()).rejects.toThrow('nope');
    expect(await db.prepare('SELECT name FROM t ORDER BY id').pluck().all()).toEqual(['a', 'b']);
    expect(db.inTransaction).toBe(false);
  });

  it('nests with savepoints', async () => {
    const inner = db.transaction(async () => {
      await db.run(`INSERT INTO t(name) VALUES ('inner')`);
      throw new Error('inner fails');
    });
    const outer = db.transaction(async () => {
      await db.run(`INSERT INTO t(name) VALUES ('outer')`);
      await expect(inner()).rejects.toThrow('inner fails');
    });
    await outer();
    expect(await db.prepare('SELECT name FROM t').pluck().all()).toEqual(['outer']);
  });

  it('calls from outside the transaction function wait for it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async () => {
      await db.run(`INSERT INTO t(name) VALUES ('in-tx')`);
      await gate;
    });
    const running = tx();
    await new Promise((r) => setTimeout(r, 10));
    const outside = db.query('SELECT name FROM t');
    release();
    await running;
    expect(await outside).toEqual([{ name: 'in-tx' }]);
  });
});

describe('close', () => {
  it('refuses use after close and closes twice harmlessly', async () => {
    const d = await open();
    await d.close();
    await d.close();
    expect(d.open).toBe(false);
    await expect(d.query('SELECT 1')).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
  });
});
