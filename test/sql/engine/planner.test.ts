/**
 * The planner's choices, seen through EXPLAIN QUERY PLAN: primary-key point and range lookups,
 * index equality/range/IN, index order for ORDER BY (no sort), join order with index
 * nested-loop and hash joins, COUNT(*) from the tree, LIMIT stopping early.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';

let db: Database;

beforeAll(async () => {
  db = await open();
  await db.exec(`
    CREATE TABLE big(id INTEGER PRIMARY KEY, a INT, b TEXT, c INT);
    CREATE INDEX big_a ON big(a);
    CREATE INDEX big_bc ON big(b, c);
    CREATE TABLE small(k INTEGER PRIMARY KEY, v INT);
    CREATE TABLE noidx(x INT, y INT);
    CREATE TABLE comp(p TEXT, q INT, r, PRIMARY KEY (p, q));
  `);
  const ins = db.transaction(async () => {
    for (let i = 1; i <= 2000; i++) await db.run('INSERT INTO big VALUES (?, ?, ?, ?)', [i, i % 100, `b${i % 50}`, i % 7]);
    for (let i = 1; i <= 20; i++) await db.run('INSERT INTO small VALUES (?, ?)', [i, i * 10]);
    for (let i = 1; i <= 500; i++) await db.run('INSERT INTO noidx VALUES (?, ?)', [i % 30, i]);
  });
  await ins();
});

afterAll(async () => {
  await db.close();
});

async function plan(sql: string): Promise<string> {
  const rows = await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`);
  return rows.map((r) => r.detail).join('\n');
}

describe('access paths', () => {
  it('primary key point and range lookups', async () => {
    expect(await plan('SELECT * FROM big WHERE id = 5')).toBe('SEARCH big USING INTEGER PRIMARY KEY (rowid=?)');
    expect(await plan('SELECT * FROM big WHERE id > 5 AND id <= 9')).toMatch(/SEARCH big USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<=\?\)/);
    expect(await plan('SELECT * FROM big WHERE id IN (1, 2, 3)')).toMatch(/SEARCH big USING INTEGER PRIMARY KEY \(rowid IN/);
    expect(await plan(`SELECT * FROM comp WHERE p = 'x' AND q > 3`)).toBe('SEARCH comp USING PRIMARY KEY (p=? AND q>?)');
  });

  it('secondary indexes for equality, range and IN', async () => {
    expect(await plan('SELECT * FROM big WHERE a = 5')).toBe('SEARCH big USING INDEX big_a (a=?)');
    expect(await plan('SELECT * FROM big WHERE a BETWEEN 5 AND 6')).toBe('SEARCH big USING INDEX big_a (a>=? AND a<=?)');
    expect(await plan(`SELECT * FROM big WHERE b = 'b3' AND c IN (1, 2)`)).toBe('SEARCH big USING INDEX big_bc (b=? AND c IN (…))');
    expect(await plan('SELECT * FROM big WHERE c = 3')).toBe('SCAN big');
  });

  it('does not use an index when SQLite would convert the column', async () => {
    // b has TEXT affinity; comparing with an INTEGER column converts b: no index.
    expect(await plan('SELECT * FROM big WHERE b = a')).toBe('SCAN big');
    expect(await plan(`SELECT * FROM big WHERE b = 'x' COLLATE NOCASE`)).toBe('SCAN big');
  });

  it('index order serves ORDER BY and LIMIT (no sort)', async () => {
    expect(await plan('SELECT * FROM big ORDER BY id DESC LIMIT 3')).toBe('LIMIT\nSCAN big');
    expect(await plan('SELECT a FROM big ORDER BY a LIMIT 3')).toBe('LIMIT\nSCAN big USING INDEX big_a');
    expect(await plan('SELECT a FROM big ORDER BY c')).toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    expect(await db.query('SELECT id FROM big ORDER BY id DESC LIMIT 3')).toEqual([{ id: 2000 }, { id: 1999 }, { id: 1998 }]);
    expect(await db.query(`SELECT c FROM big WHERE b = 'b7' ORDER BY c DESC LIMIT 2`)).toEqual([{ c: 6 }, { c: 6 }]);
  });

  it('COUNT(*) of a whole table reads the tree count', async () => {
    expect(await plan('SELECT count(*) FROM big')).toBe('SCAN big (COUNT FROM TREE)');
    expect(await db.query('SELECT count(*) AS n FROM big')).toEqual([{ n: 2000 }]);
  });
});

describe('joins', () => {
  it('puts the small side first and probes the big side through its key or index', async () => {
    const p = await plan('SELECT * FROM big, small WHERE big.a = small.k');
    expect(p.split('\n')).toEqual(['FROM', 'SCAN small', 'SEARCH big USING INDEX big_a (a=?)']);
    const q = await plan('SELECT * FROM big JOIN small ON small.k = big.id WHERE big.a = 3');
    expect(q).toMatch(/SEARCH big USING (INDEX big_a \(a=\?\)|INTEGER PRIMARY KEY \(rowid=\?\))/);
  });

  it('uses a hash join for an equi-join without an index', async () => {
    const p = await plan('SELECT * FROM small, noidx WHERE noidx.x = small.v');
    expect(p).toMatch(/SCAN noidx \(HASH JOIN on 1 key\)/);
    const rows = await db.query<{ k: number; y: number }>('SELECT k, y FROM small, noidx WHERE noidx.x = small.v ORDER BY y');
    // v = 10 and v = 20 each match 17 of the 500 rows (x = i % 30).
    expect(rows.length).toBe(34);
    expect(rows.every((r) => r.y % 30 === (r.k * 10) % 30)).toBe(true);
  });

  it('LEFT JOIN keeps the written order and null-extends', async () => {
    const p = await plan('SELECT * FROM small LEFT JOIN big ON big.id = small.v');
    expect(p.split('\n')).toEqual(['FROM', 'SCAN small', 'LEFT JOIN SEARCH big USING INTEGER PRIMARY KEY (rowid=?)']);
  });
});
