/**
 * Schema statements: stable error codes, sqlite_schema and the PRAGMAs against SQLite,
 * partial and expression indexes, views, DROP INDEX / VIEW / TABLE (with foreign keys).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pair, canon } from './helpers.js';

let pair: Pair;
beforeEach(async () => {
  pair = await Pair.create();
  pair.sqlite.exec('PRAGMA foreign_keys = ON');
});
afterEach(async () => {
  await pair.close();
});

async function both(sql: string): Promise<string | undefined> {
  let s: string | undefined;
  let h: string | undefined;
  try {
    pair.sqlite.exec(sql);
  } catch (e) {
    s = (e as Error).message;
  }
  try {
    await pair.helios.exec(sql);
  } catch (e) {
    h = (e as Error).message;
  }
  expect(h, sql).toBe(s);
  return h;
}

async function same(sql: string, sorted = false): Promise<void> {
  expect(canon(await pair.heliosRows(sql), sorted), sql).toEqual(canon(pair.sqliteRows(sql), sorted));
}

async function code(sql: string): Promise<string | undefined> {
  try {
    await pair.helios.exec(sql);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return undefined;
}

describe('error codes', () => {
  it('are specific and stable', async () => {
    await pair.helios.exec(`CREATE TABLE t(a INT, b INT); CREATE INDEX ta ON t(a); CREATE VIEW v AS SELECT a FROM t`);
    const cases: [string, string][] = [
      ['CREATE TABLE t(x)', 'TABLE_EXISTS'],
      ['CREATE TABLE v(x)', 'VIEW_EXISTS'],
      ['CREATE TABLE ta(x)', 'INDEX_EXISTS'],
      ['CREATE INDEX ta ON t(b)', 'INDEX_EXISTS'],
      ['CREATE INDEX tb ON nope(b)', 'NO_SUCH_TABLE'],
      ['CREATE INDEX tb ON t(nope)', 'NO_SUCH_COLUMN'],
      ['CREATE INDEX vb ON v(a)', 'VIEW_NOT_INDEXABLE'],
      ['DROP TABLE nope', 'NO_SUCH_TABLE'],
      ['DROP TABLE v', 'WRONG_OBJECT_TYPE'],
      ['DROP VIEW t', 'WRONG_OBJECT_TYPE'],
      ['DROP INDEX nope', 'NO_SUCH_INDEX'],
      ['DROP VIEW nope', 'NO_SUCH_VIEW'],
      ['DROP TRIGGER nope', 'NO_SUCH_TRIGGER'],
      ['CREATE TABLE d(x, x)', 'DUPLICATE_COLUMN'],
      ['CREATE TABLE p2(a, b, PRIMARY KEY(a), PRIMARY KEY(b))', 'INVALID_PRIMARY_KEY'],
      ['CREATE TABLE ai(a TEXT PRIMARY KEY AUTOINCREMENT)', 'INVALID_AUTOINCREMENT'],
      ['CREATE TABLE sqlite_x(a)', 'RESERVED_NAME'],
      ['CREATE TABLE c(a COLLATE nope)', 'NO_SUCH_COLLATION'],
      ['ALTER TABLE t DROP COLUMN a', 'CANNOT_DROP_COLUMN'],
      ['ALTER TABLE t ADD COLUMN b', 'DUPLICATE_COLUMN'],
      ['ALTER TABLE nope ADD COLUMN z', 'NO_SUCH_TABLE'],
      ['ALTER TABLE t RENAME TO v', 'NAME_EXISTS'],
      ['CREATE TRIGGER tr BEFORE INSERT ON v BEGIN SELECT 1; END', 'INVALID_TRIGGER'],
    ];
    for (const [sql, c] of cases) expect(await code(sql), sql).toBe(c);
  });
});

describe('introspection', () => {
  it('sqlite_schema and PRAGMA table_info / index_list / index_info / foreign_key_list match SQLite', async () => {
    await both(`CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, n REAL DEFAULT 1.5);
      CREATE TABLE c(id INT NOT NULL, pid INT REFERENCES p(id) ON DELETE CASCADE, k TEXT NOT NULL, PRIMARY KEY (id, k), FOREIGN KEY (k) REFERENCES p(code) ON UPDATE SET NULL);
      CREATE INDEX c_pid ON c(pid DESC, k);
      CREATE UNIQUE INDEX p_lower ON p(lower(code));
      CREATE INDEX p_part ON p(n) WHERE n > 2;
      CREATE VIEW pv AS SELECT id, code FROM p;
      CREATE TRIGGER pt AFTER INSERT ON p BEGIN SELECT 1; END;`);
    // (Key columns are declared NOT NULL: HeliosDB makes every key column NOT NULL, SQLite
    // reports notnull = 0 for undeclared ones. SQLite also lists an automatic index for a composite PRIMARY KEY of a rowid table; here
    // the key IS the rows tree's key, so there is none: compared without it.)
    await same(`SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name <> 'sqlite_autoindex_c_1'`, true);
    for (const t of ['p', 'c']) {
      await same(`PRAGMA table_info(${t})`);
      await same(`PRAGMA foreign_key_list(${t})`);
    }
    await same(`PRAGMA index_list(p)`, true);
    for (const i of ['c_pid', 'p_lower', 'p_part', 'sqlite_autoindex_p_1']) await same(`PRAGMA index_info(${i})`);
    await both('DROP INDEX p_part; DROP VIEW pv; DROP TRIGGER pt');
    await same(`SELECT type, name FROM sqlite_schema WHERE name <> 'sqlite_autoindex_c_1'`, true);
  });
});

describe('partial and expression indexes', () => {
  it('are maintained on every write and enforce UNIQUE among the rows they hold', async () => {
    await both(`CREATE TABLE u(id INTEGER PRIMARY KEY, email TEXT, active INT);
      INSERT INTO u VALUES (1, 'A@x', 1), (2, 'a@x', 0), (3, 'b@x', 1);`);
    expect(await both(`CREATE UNIQUE INDEX u_all ON u(lower(email))`)).toMatch(/UNIQUE constraint failed/);
    await both(`CREATE UNIQUE INDEX u_act ON u(lower(email)) WHERE active = 1`);
    expect(await both(`INSERT INTO u VALUES (4, 'B@X', 1)`)).toMatch(/UNIQUE constraint failed/);
    await both(`INSERT INTO u VALUES (4, 'B@X', 0)`);
    expect(await both(`UPDATE u SET active = 1 WHERE id = 4`)).toMatch(/UNIQUE constraint failed/);
    await both(`UPDATE u SET email = 'c@x' WHERE id = 4`);
    await both(`UPDATE u SET active = 1 WHERE id = 4`);
    expect(await both(`UPDATE u SET active = 1 WHERE id = 2`)).toMatch(/UNIQUE constraint failed/);
    await both(`DELETE FROM u WHERE id = 1`);
    await both(`UPDATE u SET active = 1 WHERE id = 2`);
    await same('SELECT * FROM u ORDER BY id');
    await same(`SELECT id FROM u WHERE lower(email) = 'c@x'`);
  });

  it('keyless tables too', async () => {
    await both(`CREATE TABLE k(a TEXT, b INT); CREATE UNIQUE INDEX k_a ON k(upper(a)) WHERE b > 0;
      INSERT INTO k VALUES ('x', 1), ('x', 0), ('x', 0), ('y', 1);`);
    expect(await both(`INSERT INTO k VALUES ('X', 5)`)).toMatch(/UNIQUE constraint failed/);
    await both(`DELETE FROM k WHERE b = 1 AND a = 'x'`);
    await both(`INSERT INTO k VALUES ('X', 5)`);
    await same('SELECT rowid, * FROM k');
  });
});

describe('DROP TABLE with foreign keys', () => {
  it('acts as an implicit DELETE of every row first', async () => {
    await both(`CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid INT REFERENCES p(id) ON DELETE CASCADE);
      CREATE TABLE r(pid INT REFERENCES p(id)); INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1), (2); INSERT INTO r VALUES (2);`);
    expect(await both('DROP TABLE p')).toBe('FOREIGN KEY constraint failed');
    await same('SELECT count(*) FROM c');
    await both('DELETE FROM r; DROP TABLE p');
    await same('SELECT count(*) FROM c');
  });
});
