/**
 * ALTER TABLE … ADD COLUMN … DEFAULT on a table that already has rows: the rows are not
 * rewritten (the schema records the default's value as the column's missing value), they read
 * the default, later writes keep NULL and the default apart, and indexes, triggers, AS OF,
 * heliosdb_diff and the other ALTER forms agree. Compared with SQLite where SQLite defines it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CID } from '../../../src/hash/index.js';
import { decodeTableObject } from '../../../src/objects/index.js';
import { rootObject } from '../../../src/sql/index.js';
import { open, type Database } from '../../../src/index.js';
import { Pair, canon } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await open();
});
afterEach(async () => {
  await db.close();
});

const rows = async (sql: string, d: Database = db): Promise<unknown[][]> => d.prepare<unknown[]>(sql).raw().all([]);
const err = async (sql: string, d: Database = db): Promise<{ code: string; message: string } | undefined> => {
  try {
    await d.exec(sql);
  } catch (e) {
    return e as { code: string; message: string };
  }
  return undefined;
};

/** The rows tree CID of table `t` on branch head `ref`. */
async function rowsRoot(d: Database, table: string, ref = 'main'): Promise<CID> {
  const vc = d.vc;
  const root = vc.rootOf((await vc.refs.resolve(ref)).commit);
  const tcid = rootObject(vc.ns, root).tables[table]!;
  return decodeTableObject(vc.ns.getBytes(tcid)).rows;
}

describe('ADD COLUMN … DEFAULT on a table with rows, compared with SQLite', () => {
  const DEFAULTS = [
    'INTEGER DEFAULT 5',
    'INTEGER DEFAULT -5',
    'INTEGER DEFAULT (-5)',
    'INTEGER DEFAULT +5',
    "INTEGER DEFAULT '7'",
    "INTEGER DEFAULT 'abc'",
    'TEXT DEFAULT 7',
    "TEXT DEFAULT ('x')",
    'REAL DEFAULT 1',
    'REAL DEFAULT 2.5',
    "BLOB DEFAULT x'0102'",
    'INTEGER DEFAULT TRUE',
    "INTEGER DEFAULT (CAST('5' AS INTEGER))",
    'INTEGER NOT NULL DEFAULT 3',
    "NUMERIC DEFAULT '1.50'",
    'DEFAULT 42',
    "TEXT DEFAULT 'x' COLLATE NOCASE",
    'INTEGER DEFAULT 9223372036854775807',
    'INTEGER DEFAULT NULL',
  ];
  for (const def of DEFAULTS) {
    it(def, async () => {
      const pair = await Pair.create();
      try {
        for (const s of [
          'CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT)',
          `INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')`,
          `ALTER TABLE t ADD COLUMN c ${def}`,
          `INSERT INTO t(id, a) VALUES (4, 'new')`,
          `UPDATE t SET a = 'upd' WHERE id = 2`,
          ...(def.includes('NOT NULL') ? [] : [`INSERT INTO t VALUES (5, 'null', NULL)`, `UPDATE t SET c = NULL WHERE id = 3`]),
          'CREATE TABLE k(a, b)',
          `INSERT INTO k VALUES (1, 2), (1, 2), (3, 4)`,
          `ALTER TABLE k ADD COLUMN c ${def}`,
          `INSERT INTO k(a, b) VALUES (1, 2)`,
        ]) await pair.exec(s);
        const qs = [
          'SELECT id, a, c, typeof(c) FROM t ORDER BY id',
          'SELECT id FROM t WHERE c IS NULL ORDER BY id',
          'SELECT id FROM t WHERE c = (SELECT c FROM t WHERE id = 1) ORDER BY id',
          'SELECT count(*), count(c) FROM t',
          'SELECT rowid, a, b, c, typeof(c) FROM k ORDER BY rowid',
          'SELECT a, b, c, count(*) FROM k GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
        ];
        for (const q of qs) expect(canon(await pair.heliosRows(q), false), q).toEqual(canon(pair.sqliteRows(q), false));
        await pair.exec('CREATE INDEX tc ON t(c)');
        for (const q of ['SELECT id FROM t WHERE c = (SELECT c FROM t WHERE id = 1) ORDER BY id', 'SELECT c, id FROM t ORDER BY c, id']) {
          expect(canon(await pair.heliosRows(q), false), q).toEqual(canon(pair.sqliteRows(q), false));
        }
      } finally {
        await pair.close();
      }
    });
  }

  it('refuses what SQLite refuses on a table with rows, and allows it on an empty table', async () => {
    const pair = await Pair.create();
    try {
      await pair.exec(`CREATE TABLE p(id INTEGER PRIMARY KEY); INSERT INTO p VALUES (3);
        CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES (1, 'x'); CREATE TABLE e(a INTEGER PRIMARY KEY, b)`);
      pair.sqlite.exec('PRAGMA foreign_keys = ON');
      for (const def of [
        'INTEGER DEFAULT (1+2)',
        'TEXT DEFAULT CURRENT_TIMESTAMP',
        "INTEGER DEFAULT (strftime('%s','now'))",
        "INTEGER DEFAULT ('a' || 'b')",
        'INTEGER DEFAULT (abs(-3))',
        'INTEGER DEFAULT 3 REFERENCES p(id)',
        'INTEGER NOT NULL DEFAULT NULL',
        'INTEGER NOT NULL',
        'INTEGER DEFAULT 3 CHECK (c > 5)',
      ]) {
        let want: string | undefined;
        try {
          pair.sqlite.exec(`ALTER TABLE t ADD COLUMN c ${def}`);
        } catch (e) {
          want = (e as Error).message;
        }
        expect(want, def).toBeDefined();
        const got = await err(`ALTER TABLE t ADD COLUMN c ${def}`, pair.helios);
        expect(got?.message.replace(/: .*$/, ''), def).toBe(want!.replace(/: .*$/, ''));
        expect(got?.code, def).toMatch(/^(CANNOT_ADD_COLUMN|CONSTRAINT_CHECK)$/);
      }
      expect(await rows('PRAGMA table_info(t)', pair.helios)).toHaveLength(2);
      // on an empty table a non-constant default is fine: it is evaluated per insert
      await pair.exec(`ALTER TABLE e ADD COLUMN c INTEGER DEFAULT (1+2); ALTER TABLE e ADD COLUMN d TEXT DEFAULT ('a' || 'b'); INSERT INTO e(a, b) VALUES (1, 'x')`);
      const q = 'SELECT * FROM e';
      expect(canon(await pair.heliosRows(q), false)).toEqual(canon(pair.sqliteRows(q), false));
    } finally {
      await pair.close();
    }
  });
});

describe('ADD COLUMN … DEFAULT: the dialect’s own types', () => {
  it('DECIMAL, BOOLEAN, JSONB, DATE, TIMESTAMP defaults read back exactly; bad ones are refused at ALTER time', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2)`);
    await db.exec(`ALTER TABLE t ADD COLUMN d DECIMAL(10,2) DEFAULT 1.5;
      ALTER TABLE t ADD COLUMN b BOOLEAN DEFAULT 'yes';
      ALTER TABLE t ADD COLUMN j JSONB DEFAULT '{}';
      ALTER TABLE t ADD COLUMN day DATE DEFAULT '2024-01-31';
      ALTER TABLE t ADD COLUMN ts TIMESTAMP NOT NULL DEFAULT '2024-01-31 10:00:00';
      ALTER TABLE t ADD COLUMN v VARCHAR(3) DEFAULT 'abc'`);
    await db.exec(`INSERT INTO t(id) VALUES (3)`);
    const want = ['1.50', 1, '{}', '2024-01-31', '2024-01-31 10:00:00', 'abc'];
    expect(await rows('SELECT id, CAST(d AS TEXT), b, j, day, ts, v FROM t ORDER BY id')).toEqual([1, 2, 3].map((id) => [id, ...want]));
    expect(await rows(`SELECT id FROM t WHERE j ->> 'x' IS NULL AND d = 1.5 AND b ORDER BY id`)).toEqual([[1], [2], [3]]);
    expect((await err(`ALTER TABLE t ADD COLUMN bad JSONB DEFAULT '{'`))?.code).toBe('CONSTRAINT_TYPE');
    expect((await err(`ALTER TABLE t ADD COLUMN bad VARCHAR(2) DEFAULT 'abc'`))?.code).toBe('CONSTRAINT_TYPE');
    expect((await err(`ALTER TABLE t ADD COLUMN bad DATE DEFAULT 'soon'`))?.code).toBe('CONSTRAINT_TYPE');
    expect((await err(`ALTER TABLE t ADD COLUMN bad DECIMAL(3,2) DEFAULT 12.5`))?.code).toBe('NUMERIC_OUT_OF_RANGE');
    expect((await rows('PRAGMA table_info(t)')).map((r) => r[1])).toEqual(['id', 'd', 'b', 'j', 'day', 'ts', 'v']);
  });
});

describe('ADD COLUMN … DEFAULT: stored rows', () => {
  it('rewrites no row: the rows tree is the same chunk before and after the ALTER', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT)`);
    await db.exec(`WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 3000) INSERT INTO t SELECT v, 'row ' || v FROM s`);
    const before = await rowsRoot(db, 't');
    const loaded = (await db.resolve('main')).id;
    await db.exec(`ALTER TABLE t ADD COLUMN prefs JSONB DEFAULT '{}'`);
    await db.exec(`ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0`);
    expect((await rowsRoot(db, 't')).equals(before)).toBe(true);
    // setting the default explicitly stores the same bytes: the tree does not change either
    await db.exec(`UPDATE t SET prefs = '{}', n = 0 WHERE id <= 100`);
    expect((await rowsRoot(db, 't')).equals(before)).toBe(true);
    expect(await rows(`SELECT count(*) FROM heliosdb_diff('t', '${loaded}', 'main')`)).toEqual([[0]]);
    // an explicit NULL is a real change, and setting the default back undoes it byte for byte
    await db.exec(`UPDATE t SET prefs = NULL WHERE id = 7`);
    expect((await rowsRoot(db, 't')).equals(before)).toBe(false);
    expect(await rows(`SELECT id, prefs FROM t WHERE prefs IS NULL`)).toEqual([[7, null]]);
    await db.exec(`UPDATE t SET prefs = '{}' WHERE id = 7`);
    expect((await rowsRoot(db, 't')).equals(before)).toBe(true);
  });

  it('explicit NULL stays NULL; UPDATE of other columns keeps the value; triggers see it', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a INT); INSERT INTO t VALUES (1, 1), (2, 2), (3, 3);
      CREATE TABLE log(old_c, new_c);
      ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'dflt';
      CREATE TRIGGER tu AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (OLD.c, NEW.c); END`);
    await db.exec(`UPDATE t SET c = NULL WHERE id = 2; UPDATE t SET a = a + 10; UPDATE t SET c = 'set' WHERE id = 3`);
    expect(await rows('SELECT id, a, c FROM t ORDER BY id')).toEqual([
      [1, 11, 'dflt'],
      [2, 12, null],
      [3, 13, 'set'],
    ]);
    expect(await rows('SELECT old_c, new_c FROM log')).toEqual([
      ['dflt', null],
      ['dflt', 'dflt'],
      [null, null],
      ['dflt', 'dflt'],
      ['dflt', 'set'],
    ]);
    await db.exec(`INSERT INTO t(id, a) VALUES (4, 4) ON CONFLICT DO NOTHING; INSERT OR REPLACE INTO t(id, a) VALUES (2, 22)`);
    expect(await rows('SELECT id, c FROM t WHERE id IN (2, 4) ORDER BY id')).toEqual([[2, 'dflt'], [4, 'dflt']]);
    expect(await rows(`SELECT id, c FROM t WHERE c = 'dflt' ORDER BY id`)).toEqual([[1], [2], [4]].map(([id]) => [id, 'dflt']));
  });

  it('AS OF a version before the ALTER shows the table without the column; heliosdb_history reads the default', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, 'x')`);
    await db.exec(`ALTER TABLE t ADD COLUMN c INT DEFAULT 9`);
    await db.exec(`UPDATE t SET a = 'y'`);
    expect(await rows(`SELECT * FROM t AS OF 'main~2'`)).toEqual([[1, 'x']]);
    expect((await err(`SELECT c FROM t AS OF 'main~2'`))?.message).toMatch(/no such column/);
    expect(await rows(`SELECT * FROM t AS OF 'main~1'`)).toEqual([[1, 'x', 9]]);
    expect(await rows(`SELECT * FROM t`)).toEqual([[1, 'y', 9]]);
    const h = await db.query<{ a: string; c: number | null }>(`SELECT a, c FROM heliosdb_history('t')`);
    expect(h.map((r) => [r.a, r.c])).toContainEqual(['y', 9]);
    const d = await rows(`SELECT diff_type, from_a, to_a, from_c, to_c FROM heliosdb_diff('t', 'main~1', 'main')`);
    expect(d).toEqual([['modified', 'x', 'y', 9, 9]]);
  });

  it('RENAME COLUMN, ALTER COLUMN TYPE, DROP COLUMN and primary-key changes keep reading it', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y');
      ALTER TABLE t ADD COLUMN c INT DEFAULT 5; UPDATE t SET c = NULL WHERE id = 2`);
    await db.exec(`ALTER TABLE t RENAME COLUMN c TO cc; ALTER TABLE t ALTER COLUMN cc SET DEFAULT 6; INSERT INTO t(id, a) VALUES (3, 'z')`);
    expect(await rows('SELECT id, cc FROM t ORDER BY id')).toEqual([[1, 5], [2, null], [3, 6]]);
    // widening: the missing value converts to itself, rows are kept
    const mid = await rowsRoot(db, 't');
    await db.exec(`ALTER TABLE t ALTER COLUMN cc TYPE BIGINT`);
    expect((await rowsRoot(db, 't')).equals(mid)).toBe(true);
    // INT → TEXT changes the value ('5'): rows are rewritten and read the converted default
    await db.exec(`ALTER TABLE t ALTER COLUMN cc TYPE TEXT`);
    expect(await rows('SELECT id, cc, typeof(cc) FROM t ORDER BY id')).toEqual([[1, '5', 'text'], [2, null, 'null'], [3, '6', 'text']]);
    await db.exec(`UPDATE t SET a = 'w' WHERE id = 1`);
    expect(await rows('SELECT id, cc FROM t ORDER BY id')).toEqual([[1, '5'], [2, null], [3, '6']]);
    // primary-key changes re-key every row
    await db.exec(`ALTER TABLE t DROP PRIMARY KEY`);
    expect(await rows('SELECT id, cc FROM t ORDER BY id')).toEqual([[1, '5'], [2, null], [3, '6']]);
    // DROP and re-ADD under the same name: a new column with its own default
    await db.exec(`ALTER TABLE t DROP COLUMN cc; ALTER TABLE t ADD COLUMN cc INT DEFAULT 1`);
    expect(await rows('SELECT id, cc FROM t ORDER BY id')).toEqual([[1, 1], [2, 1], [3, 1]]);
  });

  it('on an empty table a constant default is recorded too: a row holding it stores no cell', async () => {
    await db.exec(`CREATE TABLE a(id INTEGER PRIMARY KEY, b TEXT); INSERT INTO a VALUES (1, 'x'), (2, 'y');
      CREATE TABLE e(id INTEGER PRIMARY KEY, b TEXT); ALTER TABLE e ADD COLUMN c INT DEFAULT 5; ALTER TABLE e ADD COLUMN d INT DEFAULT (2 + 3);
      INSERT INTO e(id, b, d) VALUES (1, 'x', NULL), (2, 'y', NULL)`);
    expect(await rows('SELECT * FROM e ORDER BY id')).toEqual([[1, 'x', 5, null], [2, 'y', 5, null]]);
    expect((await rowsRoot(db, 'e')).equals(await rowsRoot(db, 'a'))).toBe(true);
    await db.exec(`INSERT INTO e(id, b, c) VALUES (3, 'z', NULL)`);
    expect(await rows('SELECT id, c, d FROM e WHERE id = 3')).toEqual([[3, null, 5]]);
  });

  it('a keyless table: an old row and an equal new row are one entry', async () => {
    await db.exec(`CREATE TABLE k(a, b); INSERT INTO k VALUES (1, 'x'); ALTER TABLE k ADD COLUMN c DEFAULT 0`);
    await db.exec(`INSERT INTO k VALUES (1, 'x', 0), (1, 'x', NULL)`);
    expect(await rows('SELECT rowid, a, b, c FROM k ORDER BY rowid')).toEqual([[1, 1, 'x', 0], [2, 1, 'x', 0], [3, 1, 'x', null]]);
    await db.exec(`DELETE FROM k WHERE c = 0`);
    expect(await rows('SELECT a, b, c FROM k')).toEqual([[1, 'x', null]]);
  });

  it('is atomic: a failed statement or a rollback leaves the table as it was', async () => {
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)`);
    await db.exec(`BEGIN; ALTER TABLE t ADD COLUMN c INT DEFAULT 1; ROLLBACK`);
    expect(await rows('SELECT * FROM t')).toEqual([[1]]);
    expect((await err(`ALTER TABLE t ADD COLUMN c INT DEFAULT 1 CHECK (c > 1)`))?.code).toBe('CONSTRAINT_CHECK');
    expect(await rows('SELECT * FROM t')).toEqual([[1]]);
  });

  it('survives reopening a database on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-add-default-'));
    try {
      let d = await open(dir);
      await d.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2);
        ALTER TABLE t ADD COLUMN r REAL DEFAULT -2.5; ALTER TABLE t ADD COLUMN x BLOB DEFAULT x'ff00'; ALTER TABLE t ADD COLUMN n INT DEFAULT 7;
        UPDATE t SET n = NULL WHERE id = 2`);
      await d.close();
      d = await open(dir);
      expect(await rows('SELECT id, r, hex(x), n FROM t ORDER BY id', d)).toEqual([[1, -2.5, 'FF00', 7], [2, -2.5, 'FF00', null]]);
      await d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the schema migration of the use cases', () => {
  it(`a branch adds users.preferences JSONB DEFAULT '{}' while main keeps writing`, async () => {
    await db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
      WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 500) INSERT INTO users (email) SELECT 'user' || v || '@x.io' FROM s`);
    await db.exec(`CREATE BRANCH migrate_prefs`);
    const migration = await db.session({ branch: 'migrate_prefs' });
    try {
      const serving = (async () => {
        for (let i = 0; i < 20; i++) await db.run('INSERT INTO users (email) VALUES (?)', [`new${i}@x.io`]);
        await db.run(`UPDATE users SET email = 'renamed@x.io' WHERE id = 1`);
      })();
      const forkRows = await rowsRoot(db, 'users', 'migrate_prefs');
      await migration.exec(`ALTER TABLE users ADD COLUMN preferences JSONB DEFAULT '{}'`);
      expect((await rowsRoot(db, 'users', 'migrate_prefs')).equals(forkRows)).toBe(true);
      await migration.run(`UPDATE users SET preferences = '{"theme":"dark"}' WHERE id = 1`);
      await migration.run(`UPDATE users SET preferences = NULL WHERE id = 2`);
      await serving;
      expect(await migration.query(`SELECT id, preferences FROM users WHERE id <= 4 ORDER BY id`)).toEqual([
        { id: 1, preferences: '{"theme":"dark"}' },
        { id: 2, preferences: null },
        { id: 3, preferences: '{}' },
        { id: 4, preferences: '{}' },
      ]);
      expect(await migration.get(`SELECT count(*) AS n FROM users WHERE preferences = '{}'`)).toEqual({ n: 498 });
      await expect(migration.run(`UPDATE users SET preferences = '{not json' WHERE id = 3`)).rejects.toThrow();
      await expect(db.query('SELECT preferences FROM users')).rejects.toThrow(/no such column: preferences/);
      expect(await db.get('SELECT count(*) AS n FROM users')).toEqual({ n: 520 });
      expect(await db.get('SELECT email FROM users WHERE id = 1')).toEqual({ email: 'renamed@x.io' });
      const diff = await db.query(`SELECT diff_type, count(*) AS n FROM heliosdb_diff('users', 'main', 'migrate_prefs') GROUP BY diff_type ORDER BY diff_type`);
      // only main's 21 writes and the branch's 2 updates differ (row 1 changed on both sides)
      expect(diff).toEqual([
        { diff_type: 'modified', n: 2 },
        { diff_type: 'removed', n: 20 },
      ]);
    } finally {
      await migration.close();
    }
  });
});
