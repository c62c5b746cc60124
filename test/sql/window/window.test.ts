/**
 * Window functions: each function and frame kind on a fixed table, checked against SQLite;
 * misuse errors (SQLite's messages, typed codes); named windows; window functions over the
 * version history (heliosdb_history) and AS OF; EXPLAIN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, WindowError, type Database } from '../../../src/index.js';
import { Pair } from '../engine/helpers.js';

let pair: Pair;

beforeAll(async () => {
  pair = await Pair.create();
  await pair.exec(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT);
    INSERT INTO t (a, b, c) VALUES (1, 2, 'x'), (1, 3, 'y'), (2, 5, NULL), (NULL, 1, 'z'), (2, 2.5, 'x'),
      (3, 7, 'Y'), (1, 1, 'x'), (5, -1, 'w'), (NULL, NULL, NULL), (4, 0.5, 'x');
  `);
});
afterAll(async () => {
  await pair.close();
});

async function same(sql: string): Promise<void> {
  const want = pair.sqliteRows(sql);
  expect(await pair.heliosRows(sql), sql).toEqual(want);
}

/** Both engines fail with the same message; ours is a typed error with `code`. */
async function sameError(sql: string, code: string): Promise<void> {
  let sqliteMsg = '';
  try {
    pair.sqliteRows(sql);
  } catch (e) {
    sqliteMsg = (e as Error).message;
  }
  expect(sqliteMsg, `SQLite accepts: ${sql}`).not.toBe('');
  const err = await pair.heliosRows(sql).then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(err, `HeliosDB accepts: ${sql}`).toBeDefined();
  expect(err!.message.replace(/ \(at line \d+, column \d+\)$/, ''), sql).toBe(sqliteMsg);
  expect(err!.code, sql).toBe(code);
}

describe('ranking and offset functions', () => {
  it.each([
    'SELECT id, row_number() OVER (ORDER BY id) FROM t ORDER BY id',
    'SELECT id, row_number() OVER (PARTITION BY a ORDER BY b DESC, id) FROM t ORDER BY id',
    'SELECT id, rank() OVER (ORDER BY a), dense_rank() OVER (ORDER BY a) FROM t ORDER BY id',
    'SELECT id, percent_rank() OVER (ORDER BY a), cume_dist() OVER (ORDER BY a) FROM t ORDER BY id',
    'SELECT id, percent_rank() OVER (PARTITION BY c ORDER BY b), cume_dist() OVER (PARTITION BY c) FROM t ORDER BY id',
    'SELECT id, rank() OVER (), dense_rank() OVER (), percent_rank() OVER (), cume_dist() OVER () FROM t ORDER BY id',
    'SELECT id, ntile(1) OVER (ORDER BY id), ntile(3) OVER (ORDER BY id), ntile(4) OVER (PARTITION BY a ORDER BY id), ntile(20) OVER (ORDER BY id) FROM t ORDER BY id',
    "SELECT id, ntile('2') OVER (ORDER BY id), ntile(2.7) OVER (ORDER BY id) FROM t ORDER BY id",
    'SELECT id, lag(a) OVER (ORDER BY id), lag(a, 2) OVER (ORDER BY id), lag(a, 1, -1) OVER (ORDER BY id) FROM t ORDER BY id',
    'SELECT id, lead(c) OVER (ORDER BY id), lead(c, 3, c) OVER (ORDER BY id), lead(a, 0) OVER (ORDER BY id) FROM t ORDER BY id',
    "SELECT id, lag(a, -1) OVER (ORDER BY id), lead(a, -2, 'd') OVER (ORDER BY id), lag(a, '1') OVER (ORDER BY id) FROM t ORDER BY id",
    'SELECT id, lag(a, 1.5, 9) OVER (ORDER BY id), lag(a, NULL, 9) OVER (ORDER BY id), lag(a, a) OVER (ORDER BY id) FROM t ORDER BY id',
    'SELECT id, lag(b) OVER (PARTITION BY c ORDER BY id) FROM t ORDER BY id',
    'SELECT id, row_number(*) OVER (ORDER BY id) FROM t ORDER BY id',
  ])('%s', same);
});

describe('value functions and frames', () => {
  it.each([
    'SELECT id, first_value(c) OVER w, last_value(c) OVER w, nth_value(c, 2) OVER w, nth_value(c, 20) OVER w FROM t WINDOW w AS (ORDER BY b, id) ORDER BY id',
    "SELECT id, nth_value(a, 2.0) OVER (ORDER BY id), nth_value(a, '3') OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) FROM t ORDER BY id",
    'SELECT id, first_value(a) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t ORDER BY id',
    'SELECT id, last_value(id) OVER (ORDER BY a NULLS LAST RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, sum(b) OVER (ORDER BY id ROWS 2 PRECEDING) FROM t ORDER BY id',
    'SELECT id, sum(b) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 4 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM t ORDER BY id',
    'SELECT id, count(*) OVER (ORDER BY a GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, count(*) OVER (ORDER BY a GROUPS 2 PRECEDING EXCLUDE GROUP) FROM t ORDER BY id',
    'SELECT id, group_concat(id) OVER (ORDER BY a, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM t ORDER BY id',
    'SELECT id, count(*) OVER (ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) FROM t ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY b RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY b DESC RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY c RANGE 1 PRECEDING) FROM t ORDER BY id',
    "SELECT id, sum(a) OVER (ORDER BY a RANGE '1' PRECEDING), sum(a) OVER (ORDER BY id ROWS '2' PRECEDING) FROM t ORDER BY id",
    'SELECT id, sum(a) OVER (ORDER BY a RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t ORDER BY id',
    'SELECT id, sum(b) OVER (ORDER BY id ROWS ? PRECEDING) FROM t ORDER BY id',
  ])('%s', async (sql) => {
    if (sql.includes('?')) {
      const want = pair.sqliteRows(sql, [2]);
      expect(await pair.heliosRows(sql, [2])).toEqual(want);
    } else await same(sql);
  });
});

describe('aggregates as window functions', () => {
  it.each([
    'SELECT id, count(*) OVER (), count(c) OVER (), sum(a) OVER (), total(a) OVER (), avg(b) OVER () FROM t ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY id), avg(b) OVER (ORDER BY id), total(b) OVER (ORDER BY id) FROM t ORDER BY id',
    'SELECT id, min(c) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING), max(b) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, min(c COLLATE NOCASE) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t ORDER BY id',
    "SELECT id, group_concat(c) OVER (ORDER BY id), string_agg(c, ';') OVER (PARTITION BY a ORDER BY id) FROM t ORDER BY id",
    'SELECT id, json_group_array(a) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), json_group_object(c, a) OVER (PARTITION BY a) FROM t ORDER BY id',
    'SELECT id, count(*) FILTER (WHERE a > 1) OVER (ORDER BY id), sum(b) FILTER (WHERE c = \'x\') OVER (ORDER BY id ROWS 2 PRECEDING) FROM t ORDER BY id',
    'SELECT id, median(b) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) FROM t ORDER BY id',
    'SELECT id, avg(a) OVER (PARTITION BY c ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) FROM t ORDER BY id',
  ])('%s', same);
});

describe('sliding sums near the 64-bit limits (the sum/inverse arithmetic of SQLite)', () => {
  beforeAll(async () => {
    await pair.exec(`CREATE TABLE big (id INTEGER PRIMARY KEY, a INTEGER);
      INSERT INTO big (a) VALUES (9223372036854775800), (7), (-9223372036854775800), (5), (9223372036854775807), (-9223372036854775807), (3), (2.5), (-1);`);
  });
  it.each([
    'SELECT id, total(a) OVER (ORDER BY id ROWS 1 PRECEDING), avg(a) OVER (ORDER BY id ROWS 1 PRECEDING) FROM big ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) FROM big ORDER BY id',
    'SELECT id, count(a) OVER (ORDER BY id ROWS 2 PRECEDING), sum(a) OVER (ORDER BY id ROWS BETWEEN 7 FOLLOWING AND 9 FOLLOWING) FROM big ORDER BY id',
  ])('%s', same);
  it('raises integer overflow where SQLite does', () => sameError('SELECT id, sum(a) OVER (ORDER BY id ROWS 1 PRECEDING) FROM big', 'INTEGER_OVERFLOW'));
});

describe('with the rest of SELECT', () => {
  it.each([
    'SELECT a, sum(sum(b)) OVER (ORDER BY a), count(*), rank() OVER (ORDER BY count(*) DESC, a) FROM t GROUP BY a ORDER BY a',
    'SELECT a, lag(max(b)) OVER (ORDER BY a) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY a',
    'SELECT DISTINCT a, count(*) OVER (PARTITION BY a) FROM t ORDER BY 1',
    'SELECT id FROM t ORDER BY row_number() OVER (ORDER BY b DESC, id) LIMIT 4',
    'SELECT row_number() OVER (ORDER BY id) AS rn, id FROM t ORDER BY rn DESC LIMIT 3 OFFSET 2',
    'SELECT * FROM (SELECT id, a, rank() OVER (PARTITION BY a ORDER BY b) AS r FROM t) WHERE r = 1 ORDER BY id',
    'SELECT id, (SELECT sum(x) OVER () FROM (SELECT t.a AS x)) FROM t ORDER BY id',
    'SELECT max(a), count(*) OVER () FROM t',
    'SELECT * FROM (SELECT id, a, lag(a) OVER (ORDER BY id) AS p FROM t) WHERE id = 3',
    'WITH w AS (SELECT id, b, sum(b) OVER (ORDER BY id) AS s FROM t) SELECT * FROM w WHERE id > 4 ORDER BY id',
    'SELECT * FROM (SELECT id, count(*) OVER () AS c FROM t) LIMIT 2',
    'SELECT id FROM t WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (ORDER BY b, id) AS rn FROM t) WHERE rn <= 2) ORDER BY id',
    'SELECT id, sum(a) OVER (ORDER BY id) FROM t WHERE 0',
    'SELECT row_number() OVER (ORDER BY id) FROM t UNION ALL SELECT rank() OVER (ORDER BY a) FROM t ORDER BY 1',
    'WITH w AS (SELECT id, a, lag(a) OVER (ORDER BY id) AS p FROM t) SELECT id, a - p FROM w ORDER BY id',
    'SELECT id, row_number() OVER w FROM t WINDOW w AS (ORDER BY id), x AS (w ROWS 1 PRECEDING) ORDER BY id',
    'SELECT id, sum(a) OVER (x ROWS 1 PRECEDING), sum(a) OVER (y ORDER BY b, id) FROM t WINDOW x AS (PARTITION BY c ORDER BY id), y AS (PARTITION BY c) ORDER BY id',
    'SELECT 1 AS rows, 2 AS range, 3 AS partition, 4 AS unbounded, 5 AS current, 6 AS groups, 7 AS over, 8 AS ties, 9 AS others, 10 AS exclude',
  ])('%s', same);

  it('keeps the window keywords usable as names', async () => {
    await pair.exec('CREATE TABLE rows (range, current, partition, unbounded, groups, window, over, exclude, ties, others, following, preceding); INSERT INTO rows VALUES (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), (2, 1, 3, 0, 5, 6, 7, 8, 9, 10, 11, 12)');
    await same('SELECT range, current, partition, unbounded, groups, window, over, exclude, ties, others, following, preceding FROM rows ORDER BY range');
    await same('SELECT sum(range) OVER (ORDER BY current ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM rows ORDER BY 1');
    await same('SELECT sum(range) OVER (PARTITION BY partition ORDER BY unbounded + 1 GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM rows ORDER BY 1');
  });

  it('in a view and after a schema change', async () => {
    await pair.exec('CREATE VIEW v AS SELECT id, sum(a) OVER (PARTITION BY c ORDER BY id) AS s FROM t');
    await same('SELECT * FROM v ORDER BY id');
    await pair.exec('DROP VIEW v');
  });
});

describe('misuse', () => {
  it.each([
    ['SELECT a FROM t WHERE row_number() OVER () > 1', 'WINDOW_MISUSE'],
    ['SELECT row_number() OVER () AS rn FROM t WHERE rn > 1', 'WINDOW_MISUSE'],
    ['SELECT row_number() OVER () AS rn FROM t GROUP BY rn', 'WINDOW_MISUSE'],
    ['SELECT row_number() OVER () FROM t GROUP BY 1', 'WINDOW_MISUSE'],
    ['SELECT a FROM t GROUP BY a HAVING row_number() OVER () > 1', 'WINDOW_MISUSE'],
    ['SELECT sum(row_number() OVER ()) FROM t', 'WINDOW_MISUSE'],
    ['SELECT sum(row_number() OVER ()) OVER () FROM t', 'WINDOW_MISUSE'],
    ['SELECT row_number() FROM t', 'WINDOW_MISUSE'],
    ['SELECT abs(a) OVER () FROM t', 'WINDOW_MISUSE'],
    ['SELECT max(a, b) OVER () FROM t', 'WINDOW_MISUSE'],
    ['SELECT row_number() FILTER (WHERE a) OVER () FROM t', 'WINDOW_MISUSE'],
    ['SELECT count(DISTINCT a) OVER () FROM t', 'WINDOW_MISUSE'],
    ['SELECT row_number() OVER w FROM t', 'NO_SUCH_WINDOW'],
    ['SELECT row_number() OVER (w ORDER BY a) FROM t WINDOW v AS ()', 'NO_SUCH_WINDOW'],
    ['SELECT row_number() OVER (w PARTITION BY a) FROM t WINDOW w AS (ORDER BY b)', 'WINDOW_OVERRIDE'],
    ['SELECT row_number() OVER (w ORDER BY a) FROM t WINDOW w AS (ORDER BY b)', 'WINDOW_OVERRIDE'],
    ['SELECT row_number() OVER (w) FROM t WINDOW w AS (ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)', 'WINDOW_OVERRIDE'],
    ['SELECT sum(a) OVER (ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (ROWS 1 FOLLOWING) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (ROWS -1 PRECEDING) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (GROUPS 1.5 PRECEDING) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (ROWS a PRECEDING) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (ORDER BY a ROWS BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM t', 'WINDOW_FRAME'],
    ["SELECT sum(a) OVER (ORDER BY a RANGE 'x' PRECEDING) FROM t", 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (RANGE 1 PRECEDING) FROM t', 'WINDOW_FRAME'],
    ['SELECT sum(a) OVER (ORDER BY a, b RANGE 1 PRECEDING) FROM t', 'WINDOW_FRAME'],
    ['SELECT ntile(0) OVER () FROM t', 'WINDOW_ARGUMENT'],
    ['SELECT ntile(NULL) OVER () FROM t', 'WINDOW_ARGUMENT'],
    ['SELECT nth_value(a, 0) OVER () FROM t', 'WINDOW_ARGUMENT'],
    ['SELECT nth_value(a, 2.5) OVER () FROM t', 'WINDOW_ARGUMENT'],
    ['SELECT row_number(1) OVER () FROM t', 'WRONG_ARGUMENT_COUNT'],
    ['SELECT lag() OVER () FROM t', 'WRONG_ARGUMENT_COUNT'],
    ['SELECT nosuch(a) OVER () FROM t', 'NO_SUCH_FUNCTION'],
  ])('%s', sameError);

  it('throws WindowError instances', async () => {
    await expect(pair.helios.query('SELECT a FROM t WHERE rank() OVER () > 1')).rejects.toBeInstanceOf(WindowError);
  });

  it.each([
    'SELECT sum(a) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED PRECEDING) FROM t',
    'SELECT sum(a) OVER (ROWS UNBOUNDED FOLLOWING) FROM t',
    'SELECT sum(a) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t',
  ])('rejects a frame or call the grammar does not have: %s', (sql) => sameError(sql, 'SQL_SYNTAX'));
});

describe('over the version history', () => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await db.exec('CREATE TABLE prices (sku TEXT PRIMARY KEY, price INTEGER)');
    await db.run("INSERT INTO prices VALUES ('tea', 4), ('cake', 6)");
    await db.run("UPDATE prices SET price = 5 WHERE sku = 'tea'");
    await db.run("UPDATE prices SET price = 9 WHERE sku = 'cake'");
    await db.run("UPDATE prices SET price = 7 WHERE sku = 'tea'");
  });
  afterAll(async () => {
    await db.close();
  });

  it('LAG shows the previous value of each row', async () => {
    const rows = await db.query(`
      SELECT sku, price, LAG(price) OVER w AS before, price - LAG(price) OVER w AS delta
      FROM heliosdb_history('prices') WINDOW w AS (PARTITION BY sku ORDER BY scn) ORDER BY sku, scn`);
    expect(rows).toEqual([
      { sku: 'cake', price: 6, before: null, delta: null },
      { sku: 'cake', price: 9, before: 6, delta: 3 },
      { sku: 'tea', price: 4, before: null, delta: null },
      { sku: 'tea', price: 5, before: 4, delta: 1 },
      { sku: 'tea', price: 7, before: 5, delta: 2 },
    ]);
  });

  it('running totals and ranks read AS OF a past version', async () => {
    const [, , before] = await db.log();
    const rows = await db.query(`SELECT sku, SUM(price) OVER (ORDER BY sku) AS running, RANK() OVER (ORDER BY price DESC) AS r FROM prices AS OF TRANSACTION ${before!.transaction} ORDER BY sku`);
    expect(rows).toEqual([
      { sku: 'cake', running: 6, r: 1 },
      { sku: 'tea', running: 11, r: 2 },
    ]);
  });

  it('EXPLAIN QUERY PLAN shows the window step', async () => {
    const plan = await db.query('EXPLAIN QUERY PLAN SELECT row_number() OVER (ORDER BY price) FROM prices');
    expect(JSON.stringify(plan)).toContain('WINDOW');
  });
});
