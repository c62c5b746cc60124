/**
 * The insert fast path that skips the primary-key lookup for keys above every stored key
 * (RowWriter's cached upper bound): conflicts must still be found after deletes, statement
 * rollbacks, savepoint rollbacks, REPLACE / IGNORE and primary-key updates. Random operation
 * sequences run against SQLite (better-sqlite3) and must leave the same rows and errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pair, canon } from './helpers.js';

type Op =
  | { k: 'ins'; id: number; or: '' | 'OR IGNORE' | 'OR REPLACE' }
  | { k: 'insMany'; ids: number[] }
  | { k: 'del'; id: number }
  | { k: 'move'; from: number; to: number }
  | { k: 'touch'; id: number }
  | { k: 'sp' }
  | { k: 'rollbackTo' }
  | { k: 'release' };

const id = fc.integer({ min: 1, max: 40 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('ins' as const), id, or: fc.constantFrom('' as const, 'OR IGNORE' as const, 'OR REPLACE' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('insMany' as const), ids: fc.array(id, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('del' as const), id }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('move' as const), from: id, to: id }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('touch' as const), id }) },
  { weight: 1, arbitrary: fc.constant({ k: 'sp' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'rollbackTo' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'release' as const }) },
);

function sqlOf(o: Op, depth: number): string | undefined {
  switch (o.k) {
    case 'ins':
      return `INSERT ${o.or} INTO t VALUES (${o.id}, 'v${o.id}')`;
    case 'insMany':
      return `INSERT INTO t VALUES ${o.ids.map((i) => `(${i}, 'm${i}')`).join(', ')}`;
    case 'del':
      return `DELETE FROM t WHERE id = ${o.id}`;
    case 'move':
      return `UPDATE t SET id = ${o.to} WHERE id = ${o.from}`;
    case 'touch':
      return `UPDATE t SET v = 'u' WHERE id = ${o.id}`;
    case 'sp':
      return 'SAVEPOINT s';
    case 'rollbackTo':
      return depth > 0 ? 'ROLLBACK TO s' : undefined;
    case 'release':
      return depth > 0 ? 'RELEASE s' : undefined;
  }
}

async function outcome(p: Pair, sql: string): Promise<[string | undefined, string | undefined]> {
  let s: string | undefined;
  let h: string | undefined;
  try {
    p.sqlite.exec(sql);
  } catch (e) {
    s = (e as Error).message;
  }
  try {
    await p.helios.exec(sql);
  } catch (e) {
    h = (e as Error).message;
  }
  return [s, h];
}

describe('insert above the largest key', () => {
  it('matches SQLite for random inserts, deletes, key moves and savepoints in one transaction', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(id, { maxLength: 10 }), fc.array(op, { minLength: 1, maxLength: 30 }), async (seed, ops) => {
        const p = await Pair.create();
        try {
          await p.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
          for (const i of new Set(seed)) await p.exec(`INSERT INTO t VALUES (${i}, 's${i}')`);
          await p.exec('BEGIN');
          let depth = 0;
          for (const o of ops) {
            const sql = sqlOf(o, depth);
            if (sql === undefined) continue;
            const [s, h] = await outcome(p, sql);
            expect(h === undefined, `${sql}: helios ${h}, sqlite ${s}`).toBe(s === undefined);
            if (s === undefined) {
              if (o.k === 'sp') depth++;
              else if (o.k === 'release') depth--;
            }
            const q = 'SELECT id, v FROM t ORDER BY id';
            expect(canon(await p.heliosRows(q), false), sql).toEqual(canon(p.sqliteRows(q), false));
          }
          await p.exec('COMMIT');
          const q = 'SELECT id, v FROM t ORDER BY id';
          expect(canon(await p.heliosRows(q), false)).toEqual(canon(p.sqliteRows(q), false));
        } finally {
          await p.close();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('finds the conflict on a key restored by ROLLBACK TO after the bound was taken', async () => {
    const p = await Pair.create();
    try {
      await p.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 1), (100, 100)');
      // The write before the savepoint keeps the transaction's table state (and its editor);
      // the bound is first taken by INSERT 50, after 100 was deleted.
      await p.exec(`BEGIN; UPDATE t SET v = 'x' WHERE id = 1; SAVEPOINT a; DELETE FROM t WHERE id = 100; INSERT INTO t VALUES (50, 50); ROLLBACK TO a`);
      const [s, h] = await outcome(p, 'INSERT INTO t VALUES (100, 0)');
      expect(s).toMatch(/UNIQUE/);
      expect(h).toMatch(/UNIQUE/);
      await p.exec('INSERT INTO t VALUES (101, 101); COMMIT');
      expect(await p.heliosRows('SELECT id, v FROM t ORDER BY id')).toEqual([[1n, 'x'], [100n, '100'], [101n, '101']]);
    } finally {
      await p.close();
    }
  });

  it('finds the conflict with a row inserted earlier in the same statement after a failed statement', async () => {
    const p = await Pair.create();
    try {
      await p.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); BEGIN');
      const [s1, h1] = await outcome(p, 'INSERT INTO t VALUES (10, 1), (20, 2), (10, 3)');
      expect(s1).toMatch(/UNIQUE/);
      expect(h1).toMatch(/UNIQUE/);
      await p.exec('INSERT INTO t VALUES (20, 2)');
      const [s2, h2] = await outcome(p, 'INSERT INTO t VALUES (20, 9)');
      expect(s2).toMatch(/UNIQUE/);
      expect(h2).toMatch(/UNIQUE/);
      await p.exec('COMMIT');
      expect(await p.heliosRows('SELECT id, v FROM t')).toEqual([[20n, '2']]);
    } finally {
      await p.close();
    }
  });
});
