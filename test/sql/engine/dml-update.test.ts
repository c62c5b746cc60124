/**
 * UPDATE … FROM, multi-column SET `(a, b) = (…)`, and UPDATE / DELETE with ORDER BY … LIMIT …
 * OFFSET, compared with SQLite (better-sqlite3).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pair, canon, type Raw } from './helpers.js';

let pair: Pair;

beforeEach(async () => {
  pair = await Pair.create();
  await pair.exec(`
    CREATE TABLE inv(id INTEGER PRIMARY KEY, sku TEXT, qty INT, price REAL);
    CREATE INDEX inv_sku ON inv(sku);
    CREATE TABLE delta(sku TEXT, add_qty INT, new_price REAL);
    INSERT INTO inv VALUES (1, 'a', 10, 1.5), (2, 'b', 0, 2.0), (3, 'c', 5, NULL), (4, 'a', 1, 9.0), (5, 'd', 7, 3.25);
    INSERT INTO delta VALUES ('a', 5, 1.75), ('c', -1, 4.0), ('z', 100, 0.0);
  `);
});
afterEach(async () => {
  await pair.close();
});

async function both(sql: string): Promise<void> {
  let s: Raw[] | string;
  let h: Raw[] | string;
  try {
    const st = pair.sqlite.prepare(sql);
    s = st.reader ? (st.raw(true).all() as Raw[]) : (st.run(), []);
  } catch (e) {
    s = `error: ${(e as Error).message}`;
  }
  try {
    h = await pair.heliosRows(sql);
  } catch (e) {
    h = `error: ${(e as Error).message.replace(/ \(at line \d+, column \d+\)$/, '')}`;
  }
  expect(typeof h === 'string' ? h : canon(h, false), sql).toEqual(typeof s === 'string' ? s : canon(s, false));
  const q = 'SELECT * FROM inv ORDER BY id';
  expect(canon(await pair.heliosRows(q), false), `table after: ${sql}`).toEqual(canon(pair.sqliteRows(q), false));
}

describe('UPDATE … FROM', () => {
  it('joins the target with FROM tables and subqueries', async () => {
    await both('UPDATE inv SET qty = qty + delta.add_qty, price = coalesce(delta.new_price, price) FROM delta WHERE inv.sku = delta.sku');
    await both(`UPDATE inv AS i SET qty = i.qty * d.m FROM (SELECT sku, count(*) + 1 AS m FROM inv GROUP BY sku) AS d WHERE d.sku = i.sku AND i.id > 1 RETURNING id, qty`);
    await both('UPDATE inv SET price = 0 FROM delta d1 JOIN delta d2 ON d1.sku = d2.sku WHERE inv.sku = d1.sku AND d2.add_qty < 0');
    await both('UPDATE inv SET qty = -1 FROM delta WHERE delta.sku = nosuch');
  });
});

describe('multi-column SET', () => {
  it('takes row values and subqueries', async () => {
    await both(`UPDATE inv SET (qty, price) = (qty * 2, price / 2) WHERE id <= 2`);
    await both(`UPDATE inv SET (sku, qty) = (SELECT sku || '!', add_qty FROM delta WHERE delta.sku = inv.sku) WHERE id IN (1, 3, 5)`);
    await both(`UPDATE inv SET (qty, price) = (1, 2, 3)`);
    await both(`UPDATE inv SET (qty, price) = (SELECT 1)`);
    await both(`UPDATE inv SET qty = 0, (sku, price) = ('m', 1.0) WHERE id = 4 RETURNING *`);
  });
});

describe('ORDER BY / LIMIT / OFFSET on UPDATE and DELETE', () => {
  it('changes only the chosen rows', async () => {
    await both('UPDATE inv SET qty = qty + 100 ORDER BY price DESC LIMIT 2');
    await both('UPDATE inv SET qty = 0 WHERE sku <> ? ORDER BY id LIMIT 1 OFFSET 1'.replace('?', `'z'`));
    await both('DELETE FROM inv ORDER BY qty, id LIMIT 2 RETURNING id');
    await both('DELETE FROM inv WHERE id > 0 ORDER BY id DESC LIMIT 1 OFFSET 1');
    await both('DELETE FROM inv LIMIT 1');
    await both('UPDATE inv SET qty = qty * 2 ORDER BY sku DESC, id DESC LIMIT 2 RETURNING id, sku');
    await both('UPDATE inv SET price = -1 ORDER BY id DESC LIMIT 1');
    await both(`DELETE FROM inv WHERE sku >= 'a' ORDER BY sku LIMIT 1`);
  });
});
