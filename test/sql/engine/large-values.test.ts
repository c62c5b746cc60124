/**
 * Rows larger than a tree node's target size: TEXT values of 5,000 and 100,000 bytes
 * inserted one autocommit statement at a time and in one transaction, in memory and on disk,
 * then read back, updated and deleted. Regression: the third autocommit insert of a
 * 5,000-byte value never returned (the tree mutation re-sought the same leaf forever).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';

const N = 10;
const value = (i: number, len: number): string => String.fromCharCode(97 + (i % 26)).repeat(len);

let db: Database | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await db?.close();
  db = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function readBack(d: Database, len: number, ids: number[]): Promise<void> {
  const rows = await d.query<{ id: number; n: number }>('SELECT id, length(v) AS n FROM t ORDER BY id');
  expect(rows.map((r) => r.id)).toEqual(ids);
  expect(rows.every((r) => r.n === len)).toBe(true);
  for (const id of ids) {
    const r = await d.get<{ v: string }>('SELECT v FROM t WHERE id = ?', [id]);
    expect(r?.v).toBe(value(id, len));
  }
}

describe('large TEXT values', () => {
  for (const len of [5000, 100_000]) {
    const ids = Array.from({ length: N }, (_, i) => i);

    it(`${len}-byte values, autocommit inserts, in memory`, async () => {
      db = await open();
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      for (const i of ids) await db.run('INSERT INTO t VALUES (?, ?)', [i, value(i, len)]);
      await readBack(db, len, ids);
      await db.run('UPDATE t SET v = ? WHERE id = 3', [value(3, len)]);
      await db.run('DELETE FROM t WHERE id % 2 = 0');
      await db.run('INSERT INTO t VALUES (?, ?)', [100, value(100, len)]);
      await readBack(db, len, [1, 3, 5, 7, 9, 100]);
    });

    it(`${len}-byte values in one transaction, in memory`, async () => {
      db = await open();
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      await db.exec('BEGIN');
      for (const i of ids) await db.run('INSERT INTO t VALUES (?, ?)', [i, value(i, len)]);
      await db.exec('COMMIT');
      await readBack(db, len, ids);
    });

    it(`${len}-byte values, autocommit inserts, on disk, after reopening`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hdb-large-'));
      dirs.push(dir);
      db = await open(dir);
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      for (const i of ids) await db.run('INSERT INTO t VALUES (?, ?)', [i, value(i, len)]);
      await db.close();
      db = await open(dir);
      await readBack(db, len, ids);
    });
  }
});
