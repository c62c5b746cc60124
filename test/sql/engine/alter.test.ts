/**
 * ALTER TABLE: every form, each atomic; rows rewritten only where the form needs it.
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

const rows = async (sql: string): Promise<unknown[][]> => db.prepare<unknown[]>(sql).raw().all([]);
const err = async (sql: string): Promise<{ code: string; message: string } | undefined> => {
  try {
    await db.exec(sql);
  } catch (e) {
    return e as { code: string; message: string };
  }
  return undefined;
};
const schemaSql = async (name: string): Promise<string> => ((await rows(`SELECT sql FROM sqlite_schema WHERE name = '${name}'`))[0]![0] as string);

describe('columns', () => {
  it('ADD / RENAME / DROP COLUMN and RENAME TO match SQLite', async () => {
    const pair = await Pair.create();
    try {
      for (const s of [
        'CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT)',
        `INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y')`,
        'ALTER TABLE t ADD COLUMN c REAL',
        'ALTER TABLE t ADD COLUMN d TEXT DEFAULT NULL',
        'ALTER TABLE t RENAME COLUMN a TO aa',
        'ALTER TABLE t DROP COLUMN b',
        `INSERT INTO t(aa, c) VALUES (30, 1.5)`,
        'ALTER TABLE t RENAME TO u',
        'CREATE TABLE k(x, y, z)',
        `INSERT INTO k VALUES (1, 2, 3), (1, 2, 3), (4, 5, 6)`,
        'ALTER TABLE k DROP COLUMN z',
      ]) await pair.exec(s);
      for (const q of ['SELECT * FROM u ORDER BY id', 'SELECT rowid, * FROM k', 'PRAGMA table_info(u)', 'SELECT name, type FROM sqlite_schema ORDER BY name']) {
        expect(canon(await pair.heliosRows(q), false), q).toEqual(canon(pair.sqliteRows(q), false));
      }
    } finally {
      await pair.close();
    }
  });

  it('DROP COLUMN refuses columns used by keys, indexes, CHECK and foreign keys', async () => {
    await db.exec(`CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT UNIQUE, n INT CHECK (n > 0), m INT, q INT);
      CREATE INDEX pm ON p(m);
      CREATE TABLE c(pid INT REFERENCES p(id), pcode TEXT REFERENCES p(code))`);
    for (const col of ['id', 'code', 'n', 'm']) expect((await err(`ALTER TABLE p DROP COLUMN ${col}`))?.code, col).toBe('CANNOT_DROP_COLUMN');
    expect((await err(`ALTER TABLE c DROP COLUMN pid`))?.code).toBe('CANNOT_DROP_COLUMN');
    expect(await err(`ALTER TABLE p DROP COLUMN q`)).toBeUndefined();
    expect((await err(`ALTER TABLE p DROP COLUMN nope`))?.code).toBe('NO_SUCH_COLUMN');
    expect(await err(`ALTER TABLE p DROP COLUMN IF EXISTS nope`)).toBeUndefined();
  });

  it('RENAME COLUMN updates CHECK text, foreign keys of other tables and triggers', async () => {
    await db.exec(`CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT UNIQUE, n INT CHECK (n > 0));
      CREATE TABLE c(pcode TEXT REFERENCES p(code));
      CREATE TABLE log(v);
      CREATE TRIGGER pt AFTER INSERT ON p BEGIN INSERT INTO log VALUES (NEW.n); END;
      INSERT INTO p VALUES (1, 'a', 5); INSERT INTO c VALUES ('a');`);
    await db.exec('ALTER TABLE p RENAME COLUMN n TO amount; ALTER TABLE p RENAME COLUMN code TO k');
    expect(await schemaSql('p')).toMatch(/CHECK \(amount > 0\)/);
    expect((await err(`INSERT INTO p VALUES (2, 'b', 0)`))?.code).toBe('CONSTRAINT_CHECK');
    await db.exec(`INSERT INTO p VALUES (3, 'c', 9)`);
    expect(await rows('SELECT v FROM log')).toEqual([[5], [9]]);
    expect((await err(`INSERT INTO c VALUES ('zz')`))?.code).toBe('CONSTRAINT_FOREIGN_KEY');
    await db.exec(`INSERT INTO c VALUES ('c')`);
    await db.exec('ALTER TABLE p RENAME TO parent');
    expect((await err(`INSERT INTO c VALUES ('zz')`))?.code).toBe('CONSTRAINT_FOREIGN_KEY');
    await db.exec(`INSERT INTO parent VALUES (4, 'd', 1)`);
    expect(await rows('SELECT v FROM log')).toEqual([[5], [9], [1]]);
  });
});

describe('ALTER COLUMN', () => {
  it('TYPE converts and validates existing rows; widening keeps the data', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, v VARCHAR(5), d DECIMAL(6,2)); INSERT INTO t VALUES (1, '12', 'abc', 1.5), (2, 'x', 'abcde', 10)`);
    await db.exec('ALTER TABLE t ALTER COLUMN a TYPE INTEGER');
    expect(await rows('SELECT a, typeof(a) FROM t ORDER BY id')).toEqual([[12, 'integer'], ['x', 'text']]);
    expect((await err('ALTER TABLE t ALTER COLUMN v TYPE VARCHAR(3)'))?.code).toBe('CONSTRAINT_TYPE');
    await db.exec('ALTER TABLE t ALTER COLUMN v TYPE VARCHAR(10)');
    expect((await err('ALTER TABLE t ALTER COLUMN d TYPE DECIMAL(3,2)'))?.code).toBe('NUMERIC_OUT_OF_RANGE');
    await db.exec('ALTER TABLE t ALTER COLUMN d TYPE DECIMAL(10,3)');
    expect(await rows('SELECT CAST(d AS TEXT) FROM t ORDER BY id')).toEqual([['1.500'], ['10.000']]);
    expect((await rows(`PRAGMA table_info(t)`)).map((r) => r[2])).toEqual(['INTEGER', 'INTEGER', 'VARCHAR(10)', 'DECIMAL(10,3)']);
  });

  it('SET / DROP NOT NULL and SET / DROP DEFAULT', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a INT); INSERT INTO t VALUES (1, NULL)`);
    expect((await err('ALTER TABLE t ALTER COLUMN a SET NOT NULL'))?.code).toBe('CONSTRAINT_NOT_NULL');
    await db.exec('UPDATE t SET a = 0; ALTER TABLE t ALTER COLUMN a SET NOT NULL');
    expect((await err('INSERT INTO t(id) VALUES (2)'))?.message).toBe('NOT NULL constraint failed: t.a');
    await db.exec('ALTER TABLE t ALTER COLUMN a SET DEFAULT 7; INSERT INTO t(id) VALUES (2)');
    await db.exec('ALTER TABLE t ALTER COLUMN a DROP DEFAULT; ALTER TABLE t ALTER COLUMN a DROP NOT NULL; INSERT INTO t(id) VALUES (3)');
    expect(await rows('SELECT id, a FROM t ORDER BY id')).toEqual([[1, 0], [2, 7], [3, null]]);
  });

  it('ADD COLUMN with a non-NULL default works on a non-empty table (constant defaults only, as SQLite)', async () => {
    await db.exec(`CREATE TABLE t(a); INSERT INTO t VALUES (1)`);
    await db.exec(`ALTER TABLE t ADD COLUMN b INT DEFAULT 5`);
    expect(await rows('SELECT a, b FROM t')).toEqual([[1, 5]]);
    expect((await err(`ALTER TABLE t ADD COLUMN c INT DEFAULT (strftime('%s','now'))`))?.message).toBe('Cannot add a column with non-constant default');
    await db.exec(`CREATE TABLE e(a); ALTER TABLE e ADD COLUMN b INT DEFAULT 5; INSERT INTO e(a) VALUES (1)`);
    expect(await rows('SELECT a, b FROM e')).toEqual([[1, 5]]);
  });
});

describe('constraints and the primary key', () => {
  it('ADD / DROP CONSTRAINT validates existing rows', async () => {
    await db.exec(`CREATE TABLE p(id INTEGER PRIMARY KEY); INSERT INTO p VALUES (1), (2);
      CREATE TABLE t(a INT, b INT); INSERT INTO t VALUES (1, 1), (2, 1), (3, NULL)`);
    expect((await err('ALTER TABLE t ADD CONSTRAINT ub UNIQUE (b)'))?.code).toBe('CONSTRAINT_UNIQUE');
    await db.exec('ALTER TABLE t ADD CONSTRAINT ua UNIQUE (a)');
    expect((await err('INSERT INTO t VALUES (1, 9)'))?.message).toBe('UNIQUE constraint failed: t.a');
    expect((await err('ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p(id)'))?.code).toBe('CONSTRAINT_FOREIGN_KEY');
    await db.exec('ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES p(id)');
    expect((await err('INSERT INTO t VALUES (4, 5)'))?.code).toBe('CONSTRAINT_FOREIGN_KEY');
    expect((await err('ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 1)'))?.code).toBe('CONSTRAINT_CHECK');
    await db.exec('ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0)');
    expect((await err('ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0)'))?.code).toBe('CONSTRAINT_EXISTS');
    await db.exec('ALTER TABLE t DROP CONSTRAINT ua; ALTER TABLE t DROP CONSTRAINT fk; ALTER TABLE t DROP CONSTRAINT pos');
    await db.exec('INSERT INTO t VALUES (1, 5), (-1, 6)');
    expect((await err('ALTER TABLE t DROP CONSTRAINT nope'))?.code).toBe('NO_SUCH_CONSTRAINT');
    expect(await rows('PRAGMA index_list(t)')).toEqual([]);
  });

  it('DROP PRIMARY KEY / ADD PRIMARY KEY re-key the rows and rebuild indexes atomically', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, code TEXT, n INT); CREATE INDEX tn ON t(n);
      INSERT INTO t VALUES (3, 'c', 30), (1, 'a', 10), (2, 'b', 10)`);
    await db.exec('ALTER TABLE t DROP PRIMARY KEY');
    expect(await rows('SELECT rowid, id, code FROM t')).toEqual([[1, 1, 'a'], [2, 2, 'b'], [3, 3, 'c']]);
    await db.exec(`INSERT INTO t VALUES (1, 'dup', 5)`);
    expect((await err('ALTER TABLE t ADD PRIMARY KEY (id)'))?.message).toBe('UNIQUE constraint failed: t.id');
    expect(await rows('SELECT count(*) FROM t')).toEqual([[4]]);
    await db.exec(`DELETE FROM t WHERE code = 'dup'`);
    await db.exec('ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (code)');
    expect(await rows('SELECT code, id FROM t')).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(await rows('SELECT code FROM t WHERE n = 10 ORDER BY code')).toEqual([['a'], ['b']]);
    expect((await err(`INSERT INTO t VALUES (9, 'a', 1)`))?.message).toBe('UNIQUE constraint failed: t.code');
    expect((await err('ALTER TABLE t ADD PRIMARY KEY (id)'))?.code).toBe('INVALID_PRIMARY_KEY');
    await db.exec('ALTER TABLE t DROP CONSTRAINT t_pk');
    expect(await rows('SELECT count(*) FROM t WHERE n = 10')).toEqual([[2]]);
  });
});
