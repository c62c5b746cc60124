/**
 * Upserts, conflict actions, INSERT … SELECT / DEFAULT VALUES and RETURNING, compared with
 * SQLite (better-sqlite3) statement by statement: each script runs on both, every statement's
 * outcome (rows, or the error message) and the final table contents must agree.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pair, canon, type Raw } from './helpers.js';

let pair: Pair;

beforeEach(async () => {
  pair = await Pair.create();
});
afterEach(async () => {
  await pair.close();
});

/** Run `sql` on both engines; rows (RETURNING) or the error message must agree. */
async function both(sql: string, params: unknown[] = []): Promise<Raw[] | string> {
  let s: Raw[] | string;
  let h: Raw[] | string;
  try {
    const st = pair.sqlite.prepare(sql);
    s = st.reader ? (st.raw(true).all(params) as Raw[]) : (st.run(params), []);
  } catch (e) {
    s = `error: ${(e as Error).message}`;
  }
  try {
    h = await pair.heliosRows(sql, params);
  } catch (e) {
    h = `error: ${(e as Error).message.replace(/ \(at line \d+, column \d+\)$/, '')}`;
  }
  expect(typeof h === 'string' ? h : canon(h, true), sql).toEqual(typeof s === 'string' ? s : canon(s, true));
  return h;
}

async function sameTable(q: string): Promise<void> {
  expect(canon(await pair.heliosRows(q), true), q).toEqual(canon(pair.sqliteRows(q), true));
}

describe('upsert', () => {
  it('DO NOTHING and DO UPDATE with excluded, targets and WHERE', async () => {
    await pair.exec('CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER, n INTEGER DEFAULT 0, u TEXT UNIQUE)');
    await both(`INSERT INTO kv(k, v, u) VALUES ('a', 1, 'x'), ('b', 2, 'y')`);
    await both(`INSERT INTO kv(k, v) VALUES ('a', 10) ON CONFLICT DO NOTHING`);
    await both(`INSERT INTO kv(k, v) VALUES ('a', 10) ON CONFLICT(k) DO NOTHING`);
    await both(`INSERT INTO kv(k, v) VALUES ('a', 10), ('c', 3) ON CONFLICT(k) DO UPDATE SET v = excluded.v + v, n = n + 1 RETURNING *`);
    await both(`INSERT INTO kv(k, v) VALUES ('a', 100) ON CONFLICT(k) DO UPDATE SET v = excluded.v WHERE excluded.v > v RETURNING k, v`);
    await both(`INSERT INTO kv(k, v) VALUES ('a', 5) ON CONFLICT(k) DO UPDATE SET v = excluded.v WHERE excluded.v > v RETURNING k, v`);
    await both(`INSERT INTO kv AS t(k, v) VALUES ('b', 7) ON CONFLICT(k) DO UPDATE SET v = t.v * excluded.v`);
    await both(`INSERT INTO kv(k, v) VALUES ('b', 7) ON CONFLICT(v) DO NOTHING`);
    await sameTable('SELECT * FROM kv');
  });

  it('several ON CONFLICT clauses pick the one matching the failed constraint', async () => {
    await pair.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, email TEXT UNIQUE, hits INT DEFAULT 0)');
    await both(`INSERT INTO t(id, email) VALUES (1, 'a@x'), (2, 'b@x')`);
    const up = `INSERT INTO t(id, email) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET hits = hits + 1 ON CONFLICT(email) DO UPDATE SET hits = hits + 100 RETURNING id, email, hits`;
    await both(up, [1, 'new@x']);
    await both(up, [9, 'b@x']);
    await both(up, [10, 'c@x']);
    await both(`INSERT INTO t(id, email) VALUES (2, 'q@x') ON CONFLICT(email) DO NOTHING`);
    await both(`INSERT INTO t(id, email) VALUES (3, 'a@x') ON CONFLICT(id) DO NOTHING`);
    await both(`INSERT INTO t(id, email) VALUES (3, 'z@x') ON CONFLICT(id) DO NOTHING ON CONFLICT DO UPDATE SET hits = -1`);
    await both(`INSERT INTO t(id, email) VALUES (3, 'a@x') ON CONFLICT(id) DO NOTHING ON CONFLICT DO UPDATE SET hits = -1`);
    await both(`INSERT INTO t(id, email) VALUES (4, 'b@x') ON CONFLICT DO UPDATE SET (email, hits) = ('bb@x', 7)`);
    await sameTable('SELECT * FROM t');
  });

  it('DO UPDATE that breaks another constraint fails the statement', async () => {
    await pair.exec('CREATE TABLE t(a INT PRIMARY KEY, b INT UNIQUE, c INT NOT NULL DEFAULT 0)');
    await both('INSERT INTO t VALUES (1, 1, 0), (2, 2, 0)');
    await both('INSERT INTO t VALUES (1, 5, 0) ON CONFLICT(a) DO UPDATE SET b = 2');
    await both('INSERT INTO t VALUES (1, 5, 0) ON CONFLICT(a) DO UPDATE SET c = NULL');
    await both('INSERT INTO t VALUES (3, 3, 0), (1, 9, 9) ON CONFLICT(a) DO UPDATE SET c = excluded.c RETURNING *');
    await sameTable('SELECT * FROM t');
  });
});

describe('conflict actions', () => {
  it('OR IGNORE / REPLACE / ABORT / FAIL / ROLLBACK and REPLACE INTO', async () => {
    await pair.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c INT CHECK (c >= 0))');
    await both(`INSERT INTO t VALUES (1, 'x', 1), (2, 'y', 2)`);
    await both(`INSERT OR IGNORE INTO t VALUES (1, 'z', 1), (3, 'y', 3), (4, 'w', -1), (5, 'v', 5)`);
    await both(`INSERT OR REPLACE INTO t VALUES (6, 'x', 6) RETURNING *`);
    await both(`REPLACE INTO t VALUES (2, 'q', 9)`);
    await both(`INSERT OR ABORT INTO t VALUES (7, 'a', 1), (2, 'b', 1)`);
    await both(`INSERT OR FAIL INTO t VALUES (8, 'c', 1), (9, 'd', 1), (2, 'e', 1), (10, 'f', 1)`);
    await sameTable('SELECT * FROM t');
    await both(`INSERT OR ROLLBACK INTO t VALUES (11, 'g', 1), (2, 'h', 1)`);
    await sameTable('SELECT * FROM t');
    await both(`UPDATE OR FAIL t SET a = 2 WHERE a >= 8`);
    await sameTable('SELECT * FROM t');
    await both(`UPDATE OR REPLACE t SET b = 'q' WHERE a = 9`);
    await sameTable('SELECT * FROM t');
  });

  it('OR FAIL inside a transaction keeps earlier rows; OR ROLLBACK ends the transaction', async () => {
    await pair.exec('CREATE TABLE t(a INTEGER PRIMARY KEY)');
    await pair.exec('BEGIN');
    await both('INSERT INTO t VALUES (1)');
    await both('INSERT OR FAIL INTO t VALUES (2), (1), (3)');
    await sameTable('SELECT * FROM t');
    await both('INSERT OR ROLLBACK INTO t VALUES (4), (1)');
    expect(pair.sqlite.inTransaction).toBe(false);
    expect(pair.helios.inTransaction).toBe(false);
    await sameTable('SELECT * FROM t');
  });

  it('INSERT … SELECT, DEFAULT VALUES, column lists and RETURNING expressions', async () => {
    await pair.exec(`CREATE TABLE s(x INT, y TEXT);
      CREATE TABLE t(id INTEGER PRIMARY KEY, a INT DEFAULT 42, b TEXT DEFAULT 'dflt', c REAL);
      INSERT INTO s VALUES (1, 'one'), (2, 'two'), (3, NULL)`);
    await both('INSERT INTO t DEFAULT VALUES RETURNING *');
    await both('REPLACE INTO t DEFAULT VALUES');
    await both('INSERT INTO t(a, b) SELECT x * 10, y FROM s WHERE x > 1 RETURNING id, a + 1 AS a1, upper(b), *');
    await both('INSERT INTO t(b) SELECT y FROM s ORDER BY x DESC LIMIT 1 RETURNING rowid, b');
    await both('INSERT INTO t SELECT * FROM t WHERE id < 0');
    await both('INSERT INTO t(a) VALUES (1, 2)');
    await both('INSERT INTO t(nope) VALUES (1)');
    await both('UPDATE t SET c = a / 3.0 WHERE a IS NOT NULL RETURNING id, c, c * 2');
    await both('DELETE FROM t WHERE b IS NULL OR a > 20 RETURNING *, length(b)');
    await sameTable('SELECT * FROM t');
  });
});

describe('random write sequences', () => {
  it('upserts, conflict actions and limited updates/deletes leave the same table as SQLite', async () => {
    const key = fc.integer({ min: 1, max: 6 });
    const u = fc.constantFrom('NULL', "'x'", "'y'", "'z'", "'w'");
    const v = fc.integer({ min: -3, max: 9 });
    const stmt = fc.oneof(
      fc.tuple(fc.constantFrom('', 'OR IGNORE ', 'OR REPLACE ', 'OR FAIL ', 'OR ABORT '), key, u, v).map(([o, k, uu, vv]) => `INSERT ${o}INTO t VALUES (${k}, ${uu}, ${vv})`),
      fc.tuple(key, u, v, fc.constantFrom('(id)', '(u)', '')).map(([k, uu, vv, tg]) => `INSERT INTO t VALUES (${k}, ${uu}, ${vv}) ON CONFLICT${tg} DO NOTHING`),
      fc.tuple(key, u, v, fc.constantFrom('v = excluded.v + v', 'u = excluded.u', 'v = v + 1, u = NULL', '(v, u) = (excluded.v, excluded.u)'), fc.constantFrom('', ' WHERE excluded.v > v', ' WHERE v < 5')).map(
        ([k, uu, vv, set, w]) => `INSERT INTO t VALUES (${k}, ${uu}, ${vv}), (${(k % 6) + 1}, NULL, ${vv}) ON CONFLICT(id) DO UPDATE SET ${set}${w} ON CONFLICT(u) DO UPDATE SET v = -v RETURNING *`,
      ),
      fc.tuple(fc.constantFrom('', 'OR IGNORE ', 'OR REPLACE '), v, fc.constantFrom('v DESC, id', 'id', 'u, id DESC'), fc.integer({ min: 0, max: 3 })).map(
        ([o, vv, ob, l]) => `UPDATE ${o}t SET v = v + ${vv}, id = id + 1 ORDER BY ${ob} LIMIT ${l}`,
      ),
      fc.tuple(fc.constantFrom('v DESC, id', 'id DESC'), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map(([ob, l, o]) => `DELETE FROM t ORDER BY ${ob} LIMIT ${l} OFFSET ${o} RETURNING id`),
      fc.tuple(key, u).map(([k, uu]) => `REPLACE INTO t(id, u) VALUES (${k}, ${uu})`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(stmt, { minLength: 1, maxLength: 12 }), async (stmts) => {
        await pair.exec('DROP TABLE IF EXISTS t; CREATE TABLE t(id INTEGER PRIMARY KEY, u TEXT UNIQUE, v INT NOT NULL DEFAULT 0 CHECK (v > -20))');
        for (const s of stmts) await both(s);
        await sameTable('SELECT * FROM t');
      }),
      { numRuns: process.env.HDB_LONG ? 500 : 40 },
    );
  });
});
