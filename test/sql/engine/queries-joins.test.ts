/**
 * RIGHT and FULL OUTER JOIN (with ON, USING and NATURAL, WHERE on either side, keyed and
 * unkeyed right-hand sides, later joins after them), compared with SQLite (better-sqlite3):
 * fixed cases and random queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pair, canon } from './helpers.js';

let pair: Pair;

beforeAll(async () => {
  pair = await Pair.create();
  await pair.exec(`
    CREATE TABLE a(x INT, y TEXT);
    CREATE TABLE b(x INTEGER PRIMARY KEY, z TEXT);
    CREATE TABLE c(x INT, w INT);
    CREATE INDEX c_x ON c(x);
    CREATE TABLE e(x INT, y TEXT);
    INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (2, 'a2b'), (NULL, 'an'), (5, NULL);
    INSERT INTO b VALUES (2, 'b2'), (3, 'b3'), (5, 'b5'), (7, NULL);
    INSERT INTO c VALUES (1, 10), (3, 30), (3, 31), (NULL, 0), (8, 80);
  `);
});
afterAll(async () => {
  await pair.close();
});

async function same(sql: string): Promise<void> {
  const h = canon(await pair.heliosRows(sql), true);
  expect(h, sql).toEqual(canon(pair.sqliteRows(sql), true));
}

describe('RIGHT / FULL JOIN', () => {
  it('fixed cases', async () => {
    const qs = [
      'SELECT * FROM a RIGHT JOIN b ON a.x = b.x',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x',
      'SELECT * FROM a FULL OUTER JOIN c ON a.x = c.x',
      'SELECT * FROM a RIGHT OUTER JOIN c ON a.x = c.x AND c.w > 10',
      'SELECT * FROM a FULL JOIN b USING (x)',
      'SELECT x, a.x, b.x, y, z FROM a RIGHT JOIN b USING (x)',
      'SELECT * FROM a NATURAL FULL JOIN e',
      'SELECT * FROM a NATURAL RIGHT JOIN c',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x WHERE a.x IS NULL OR b.x IS NULL',
      'SELECT * FROM a RIGHT JOIN b ON a.x = b.x WHERE b.x > 2',
      'SELECT * FROM a RIGHT JOIN b ON a.x = b.x WHERE a.y LIKE \'a%\'',
      'SELECT * FROM a JOIN c ON a.x = c.x RIGHT JOIN b ON b.x = c.x',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x LEFT JOIN c ON c.x = b.x',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x JOIN c ON c.x = coalesce(a.x, b.x)',
      'SELECT count(*), count(a.x), count(b.x) FROM a FULL JOIN b ON a.x = b.x',
      'SELECT b.x, group_concat(a.y) FROM a RIGHT JOIN b ON a.x = b.x GROUP BY b.x',
      'SELECT * FROM (SELECT * FROM a WHERE x > 1) AS s FULL JOIN (SELECT * FROM c WHERE w < 50) AS t ON s.x = t.x',
      'SELECT * FROM a FULL JOIN b ON 0',
      'SELECT * FROM a RIGHT JOIN b ON 1 ORDER BY b.x, a.y LIMIT 5',
      'SELECT * FROM a FULL JOIN e ON a.x = e.x',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x FULL JOIN c ON c.x = b.x',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x FULL JOIN c ON c.x = a.x',
      'SELECT * FROM a RIGHT JOIN b ON a.x = b.x RIGHT JOIN c ON c.x = b.x WHERE c.w > 0 OR a.y IS NULL',
      'SELECT * FROM a RIGHT JOIN b ON a.x = b.x LEFT JOIN e ON e.x = a.x FULL JOIN c ON c.x = coalesce(a.x, b.x)',
      'SELECT * FROM a FULL JOIN b USING (x) FULL JOIN c USING (x)',
    ];
    for (const q of qs) await same(q);
  });

  it('random outer joins agree with SQLite', async () => {
    const tbl = fc.constantFrom('a', 'b', 'c');
    const kind = fc.constantFrom('RIGHT', 'FULL', 'LEFT', '');
    const onCond = fc.constantFrom('l.x = r.x', 'l.x < r.x', 'l.x = r.x AND r.x > 2', 'l.x IS r.x', 'l.x + 1 = r.x');
    const where = fc.constantFrom('', 'WHERE l.x IS NULL', 'WHERE r.x IS NOT NULL', 'WHERE coalesce(l.x, r.x) > 2', 'WHERE l.x = 2 OR r.x = 3');
    const third = fc.option(fc.tuple(kind, tbl, fc.constantFrom('m.x = r.x', 'm.x = l.x', 'm.x > coalesce(l.x, r.x)', 'm.x IS NULL')), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(tbl, kind, tbl, onCond, third, where, async (t1, k, t2, on, t3, w) => {
        const more = t3 ? ` ${t3[0]} JOIN ${t3[1]} AS m ON ${t3[2]}` : '';
        await same(`SELECT l.x, r.x${t3 ? ', m.x' : ''} FROM ${t1} AS l ${k} JOIN ${t2} AS r ON ${on}${more} ${w}`);
      }),
      { numRuns: process.env.HDB_LONG ? 1000 : 80 },
    );
  });
});
