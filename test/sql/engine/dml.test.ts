/**
 * INSERT / UPDATE / DELETE semantics: defaults, affinity, rowid assignment, constraints and
 * conflict actions, RETURNING, keyless tables with duplicate rows, index maintenance.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import { Pair, canon } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await open();
});
afterEach(async () => {
  await db.close();
});

const rows = async (sql: string, params?: unknown): Promise<unknown[][]> => db.prepare<unknown[]>(sql).raw().all(params === undefined ? [] : params);

describe('INSERT', () => {
  it('fills defaults, applies affinity and assigns rowids', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, n INT DEFAULT 7, s TEXT DEFAULT ('x' || 'y'), r REAL, b)`);
    await db.exec(`INSERT INTO t(r, b) VALUES ('1.5', '12'), (3, 4.0)`);
    await db.exec(`INSERT INTO t(id, n, s) VALUES (10, '42', 5)`);
    const r = await db.run(`INSERT INTO t DEFAULT VALUES`);
    expect(r).toEqual({ changes: 1, lastInsertRowid: 11 });
    expect(await rows('SELECT id, n, typeof(n), s, typeof(s), r, typeof(r), b, typeof(b) FROM t ORDER BY id')).toEqual([
      [1, 7, 'integer', 'xy', 'text', 1.5, 'real', '12', 'text'],
      [2, 7, 'integer', 'xy', 'text', 3, 'real', 4, 'real'],
      [10, 42, 'integer', '5', 'text', null, 'null', null, 'null'],
      [11, 7, 'integer', 'xy', 'text', null, 'null', null, 'null'],
    ]);
  });

  it('AUTOINCREMENT never reuses a rowid; plain INTEGER PRIMARY KEY takes max+1', async () => {
    await db.exec(`CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v); CREATE TABLE p(id INTEGER PRIMARY KEY, v)`);
    for (const t of ['a', 'p']) {
      await db.exec(`INSERT INTO ${t}(v) VALUES (1), (2), (3); DELETE FROM ${t} WHERE id = 3`);
      await db.exec(`INSERT INTO ${t}(v) VALUES (4)`);
    }
    expect(await rows('SELECT id FROM a ORDER BY id')).toEqual([[1], [2], [4]]);
    expect(await rows('SELECT id FROM p ORDER BY id')).toEqual([[1], [2], [3]]);
  });

  it('rejects a non-integer INTEGER PRIMARY KEY', async () => {
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY)');
    await expect(db.run(`INSERT INTO t VALUES ('abc')`)).rejects.toThrow(/datatype mismatch/);
    await db.run(`INSERT INTO t VALUES ('5')`);
    expect(await rows('SELECT id, typeof(id) FROM t')).toEqual([[5, 'integer']]);
  });

  it('INSERT … SELECT reads the table as it was before the statement', async () => {
    await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2); INSERT INTO t SELECT x + 10 FROM t');
    expect(await rows('SELECT x FROM t ORDER BY x')).toEqual([[1], [2], [11], [12]]);
  });

  it('reports column-count mistakes', async () => {
    await db.exec('CREATE TABLE t(a, b)');
    await expect(db.run('INSERT INTO t VALUES (1)')).rejects.toThrow(/table t has 2 columns but 1 values were supplied/);
    await expect(db.run('INSERT INTO t(a) VALUES (1, 2)')).rejects.toThrow(/2 values for 1 columns/);
    await expect(db.run('INSERT INTO t(zz) VALUES (1)')).rejects.toThrow(/has no column named zz/);
  });

  it('RETURNING gives the written rows', async () => {
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    expect(await db.query(`INSERT INTO t(v) VALUES ('a'), ('b') RETURNING id, upper(v) AS u`)).toEqual([
      { id: 1, u: 'A' },
      { id: 2, u: 'B' },
    ]);
    expect(await db.query(`UPDATE t SET v = v || '!' WHERE id = 2 RETURNING *`)).toEqual([{ id: 2, v: 'b!' }]);
    expect(await db.query(`DELETE FROM t WHERE id = 1 RETURNING v`)).toEqual([{ v: 'a' }]);
  });
});

describe('constraints and conflict actions', () => {
  beforeEach(async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, age INT CHECK (age >= 0), note)`);
    await db.exec(`INSERT INTO t VALUES (1, 'a@x', 30, 'one'), (2, 'b@x', 40, 'two')`);
  });

  it('PRIMARY KEY and UNIQUE violations fail with typed errors', async () => {
    await expect(db.run(`INSERT INTO t VALUES (1, 'c@x', 1, NULL)`)).rejects.toMatchObject({ code: 'CONSTRAINT_PRIMARY_KEY', message: expect.stringContaining('UNIQUE constraint failed: t.id') });
    await expect(db.run(`INSERT INTO t VALUES (3, 'a@x', 1, NULL)`)).rejects.toMatchObject({ code: 'CONSTRAINT_UNIQUE', message: expect.stringContaining('t.email') });
    await expect(db.run(`UPDATE t SET email = 'a@x' WHERE id = 2`)).rejects.toMatchObject({ code: 'CONSTRAINT_UNIQUE' });
    await expect(db.run(`INSERT INTO t VALUES (3, NULL, 1, NULL)`)).rejects.toMatchObject({ code: 'CONSTRAINT_NOT_NULL' });
    await expect(db.run(`INSERT INTO t VALUES (3, 'c@x', -1, NULL)`)).rejects.toMatchObject({ code: 'CONSTRAINT_CHECK' });
    expect(await rows('SELECT count(*) FROM t')).toEqual([[2]]);
  });

  it('OR IGNORE skips, OR REPLACE replaces every conflicting row', async () => {
    expect(await db.run(`INSERT OR IGNORE INTO t VALUES (1, 'z@x', 1, 'dup')`)).toMatchObject({ changes: 0 });
    expect(await db.run(`INSERT OR IGNORE INTO t VALUES (3, 'c@x', -5, 'bad check')`)).toMatchObject({ changes: 0 });
    // Conflicts with row 1 on the key and with row 2 on email: both go.
    await db.run(`REPLACE INTO t VALUES (1, 'b@x', 50, 'new')`);
    expect(await rows('SELECT * FROM t ORDER BY id')).toEqual([[1, 'b@x', 50, 'new']]);
    expect(await rows(`SELECT id FROM t WHERE email = 'b@x'`)).toEqual([[1]]);
    expect(await rows(`SELECT id FROM t WHERE email = 'a@x'`)).toEqual([]);
  });

  it('UPDATE OR IGNORE leaves conflicting rows unchanged', async () => {
    const r = await db.run(`UPDATE OR IGNORE t SET email = 'a@x'`);
    expect(r.changes).toBe(1);
    expect(await rows('SELECT id, email FROM t ORDER BY id')).toEqual([
      [1, 'a@x'],
      [2, 'b@x'],
    ]);
  });

  it('changing the primary key moves the row and its index entries', async () => {
    await db.run('UPDATE t SET id = id + 10');
    expect(await rows(`SELECT id FROM t WHERE email = 'b@x'`)).toEqual([[12]]);
    expect(await rows('SELECT id FROM t WHERE id < 10')).toEqual([]);
  });
});

describe('keyless tables', () => {
  it('keep duplicates, update and delete them one by one', async () => {
    await db.exec('CREATE TABLE k(a, b); CREATE INDEX kb ON k(b)');
    await db.exec(`INSERT INTO k VALUES (1, 'x'), (1, 'x'), (1, 'x'), (2, 'y')`);
    expect(await rows('SELECT count(*), count(DISTINCT a) FROM k')).toEqual([[4, 2]]);
    expect(await rows(`SELECT a FROM k WHERE b = 'x'`)).toEqual([[1], [1], [1]]);
    expect((await db.run(`UPDATE k SET b = 'z' WHERE a = 1`)).changes).toBe(3);
    expect(await rows(`SELECT count(*) FROM k WHERE b = 'z'`)).toEqual([[3]]);
    expect(await rows(`SELECT count(*) FROM k WHERE b = 'x'`)).toEqual([[0]]);
    expect((await db.run(`DELETE FROM k WHERE b = 'z'`)).changes).toBe(3);
    expect(await rows('SELECT a, b FROM k')).toEqual([[2, 'y']]);
  });
});

describe('DELETE', () => {
  it('without WHERE empties the table and its indexes', async () => {
    await db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE INDEX tb ON t(b)');
    await db.exec('INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)');
    expect((await db.run('DELETE FROM t')).changes).toBe(3);
    expect(await rows('SELECT count(*) FROM t')).toEqual([[0]]);
    expect(await rows('SELECT * FROM t WHERE b = 2')).toEqual([]);
    await db.exec('INSERT INTO t VALUES (2, 2)');
    expect(await rows('SELECT a FROM t WHERE b = 2')).toEqual([[2]]);
  });
});

describe('DDL', () => {
  it('CREATE INDEX on existing rows, UNIQUE checked; DROP INDEX', async () => {
    await db.exec('CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 1), (2, 1)');
    await expect(db.exec('CREATE UNIQUE INDEX ub ON t(b)')).rejects.toThrow(/UNIQUE constraint failed: t.b/);
    await db.exec('CREATE UNIQUE INDEX ua ON t(a)');
    await expect(db.run('INSERT INTO t VALUES (1, 5)')).rejects.toThrow(/UNIQUE/);
    await db.exec('DROP INDEX ua');
    await db.run('INSERT INTO t VALUES (1, 5)');
    await expect(db.exec('DROP INDEX ua')).rejects.toThrow(/no such index/);
    await db.exec('DROP INDEX IF EXISTS ua');
  });

  it('sqlite_schema lists tables, indexes and views', async () => {
    await db.exec('CREATE TABLE t(a UNIQUE); CREATE INDEX ta ON t(a); CREATE VIEW v AS SELECT a FROM t');
    expect(await rows('SELECT type, name, tbl_name, sql IS NOT NULL FROM sqlite_master ORDER BY type, name')).toEqual([
      ['index', 'sqlite_autoindex_t_1', 't', 0],
      ['index', 'ta', 't', 1],
      ['table', 't', 't', 1],
      ['view', 'v', 'v', 1],
    ]);
  });

  it('ALTER TABLE ADD / RENAME COLUMN and RENAME TO keep the rows', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a); INSERT INTO t VALUES (1, 'x')`);
    await db.exec('ALTER TABLE t ADD COLUMN b INT');
    await db.exec('ALTER TABLE t RENAME COLUMN a TO aa');
    await db.exec('ALTER TABLE t RENAME TO u');
    await db.exec(`INSERT INTO u VALUES (2, 'y', 5)`);
    expect(await rows('SELECT id, aa, b FROM u ORDER BY id')).toEqual([
      [1, 'x', null],
      [2, 'y', 5],
    ]);
    await expect(db.query('SELECT * FROM t')).rejects.toThrow(/no such table: t/);
  });

  it('PRAGMA table_info', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'n', x)`);
    expect(await rows('PRAGMA table_info(t)')).toEqual([
      [0, 'id', 'INTEGER', 0, null, 1],
      [1, 'name', 'TEXT', 1, "'n'", 0],
      [2, 'x', '', 0, null, 0],
    ]);
  });
});

describe('differential DML', () => {
  it('random writes leave the same table as SQLite', async () => {
    const pair = await Pair.create();
    try {
      await pair.exec('CREATE TABLE w(id INTEGER PRIMARY KEY, a INT, b TEXT); CREATE INDEX wa ON w(a); CREATE TABLE k(a, b)');
      let seed = 7;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let i = 0; i < 300; i++) {
        const op = rnd(6);
        const a = rnd(20);
        let sql: string;
        if (op === 0) sql = `INSERT OR REPLACE INTO w VALUES (${rnd(40)}, ${a}, 't${rnd(5)}')`;
        else if (op === 1) sql = `INSERT INTO w(a, b) VALUES (${a}, NULL)`;
        else if (op === 2) sql = `UPDATE w SET a = a + ${rnd(3)}, b = b || 'u' WHERE a BETWEEN ${a} AND ${a + 3}`;
        else if (op === 3) sql = `DELETE FROM w WHERE a = ${a} OR id = ${rnd(40)}`;
        else if (op === 4) sql = `INSERT INTO k VALUES (${rnd(4)}, ${rnd(3)})`;
        else sql = `UPDATE k SET b = b + 1 WHERE a = ${rnd(4)}`;
        await pair.exec(sql);
      }
      for (const q of ['SELECT * FROM w', 'SELECT a, count(*) FROM w GROUP BY a', 'SELECT * FROM k', 'SELECT id FROM w WHERE a > 5']) {
        expect(canon(await pair.heliosRows(q), true), q).toEqual(canon(pair.sqliteRows(q), true));
      }
    } finally {
      await pair.close();
    }
  });
});
