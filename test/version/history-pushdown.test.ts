/**
 * `heliosdb_history(t) WHERE key = …`: the key equality is pushed into the history walk (each
 * changed version probed for the wanted keys instead of diffed whole). The rows must be exactly
 * those of the unfiltered history that the WHERE accepts, in the same order — checked through
 * SQL (against the same predicate written so that it is not pushed down, and against a filter
 * in JS) and at the walk level (`rowHistory(...).rows(filter)` vs `rows()`), across deletes,
 * re-inserts, keyless tables, schema changes, primary-key changes and mixed-type keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import { rowHistory, type VersionControl } from '../../src/sql/index.js';
import type { SqlValue } from '../../src/objects/index.js';

let dbs: Database[] = [];
async function mk(): Promise<Database> {
  const db = await open();
  dbs.push(db);
  return db;
}
afterEach(async () => {
  for (const db of dbs) await db.close();
  dbs = [];
});

type Rec = Record<string, unknown>;

/** The history filtered by `where` (pushed down) and by the same predicate in a form that is not pushed down. */
async function both(db: Database, table: string, where: string, params: unknown[] = []): Promise<{ pushed: Rec[]; plain: Rec[] }> {
  const pushed = await db.query(`SELECT * FROM heliosdb_history('${table}') WHERE ${where}`, params as never);
  const plain = await db.query(`SELECT * FROM heliosdb_history('${table}') WHERE CASE WHEN ${where} THEN 1 END`, params as never);
  return { pushed, plain };
}

async function expectSame(db: Database, table: string, where: string, params: unknown[] = []): Promise<Rec[]> {
  const { pushed, plain } = await both(db, table, where, params);
  expect(pushed).toEqual(plain);
  return pushed;
}

/** Walk level: rows(filter) must equal rows() restricted to rows whose column `tag` equals one of `values`. */
function walkSame(db: Database, table: string, column: string, values: SqlValue[], eq: (a: SqlValue, b: SqlValue) => boolean): number {
  const vc = (db as unknown as { vc: VersionControl }).vc;
  const head = vc.refs.requireBranch('main').head;
  const h = rowHistory(vc.ns, vc.schemas, vc.refs, head, table, vc.pruned);
  const at = h.columns.findIndex((c) => c.name === column);
  const tag = h.columns[at]!.tag;
  const all = [...h.rows()].filter((r) => values.some((v) => eq(r[7 + at]!, v)));
  const got = [...h.rows([{ tag, values }])].filter((r) => values.some((v) => eq(r[7 + at]!, v)));
  expect(got).toEqual(all);
  return got.length;
}

const sqlEq = (a: SqlValue, b: SqlValue): boolean => {
  if (a === null || b === null) return false;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  return a === b;
};

describe('history key pushdown', () => {
  it('INTEGER PRIMARY KEY: updates, delete, re-insert, other rows and other tables', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await db.exec('CREATE TABLE other (x INTEGER)');
    await db.run(`INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    await db.run(`UPDATE t SET v = 'a2' WHERE id = 1`);
    await db.run(`INSERT INTO other VALUES (1)`);
    await db.run(`UPDATE t SET v = 'b2' WHERE id = 2`);
    await db.run(`DELETE FROM t WHERE id = 1`);
    await db.run(`UPDATE t SET v = v || '!'`);
    await db.run(`INSERT INTO t VALUES (1, 'again')`);
    await db.run(`UPDATE t SET v = 'again'`); // row 1 unchanged, others change
    const rows = await expectSame(db, 't', 'id = 1');
    expect(rows.map((r) => [r.change, r.v])).toEqual([
      ['added', 'again'],
      ['removed', 'a2'],
      ['modified', 'a2'],
      ['added', 'a'],
    ]);
    await expectSame(db, 't', 'id = ?', [2]);
    await expectSame(db, 't', '? = id', [3]);
    await expectSame(db, 't', 'id IN (3, 1, 1, 7)');
    await expectSame(db, 't', 'id = 1.0');
    await expectSame(db, 't', 'id = 1.5');
    await expectSame(db, 't', `id = '1'`);
    await expectSame(db, 't', 'id = NULL');
    await expectSame(db, 't', 'id IN (NULL, 2)');
    await expectSame(db, 't', `id = 1 AND v = 'a2'`);
    await expectSame(db, 't', 'id = 99');
    await expectSame(db, 't', 'id = 9223372036854775807');
    await expectSame(db, 't', 'id = 1e300');
    expect(walkSame(db, 't', 'id', [1n, 3n], sqlEq)).toBe(7);
  });

  it('text, multi-column and DESC keys, untyped keys holding mixed types', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE s (k TEXT PRIMARY KEY, v INTEGER)');
    await db.run(`INSERT INTO s VALUES ('a', 1), ('b', 2), ('ab', 3)`);
    await db.run(`UPDATE s SET v = v + 1`);
    await db.run(`DELETE FROM s WHERE k = 'a'`);
    await db.run(`INSERT INTO s VALUES ('a', 9)`);
    expect((await expectSame(db, 's', `k = 'a'`)).length).toBe(4);
    await expectSame(db, 's', `k IN ('ab', 'zz')`);
    await expectSame(db, 's', `k = 'A'`);

    await db.exec('CREATE TABLE m (a INTEGER, b TEXT, v INTEGER, PRIMARY KEY (a DESC, b))');
    await db.run(`INSERT INTO m VALUES (1, 'x', 1), (1, 'y', 1), (2, 'x', 1), (10, 'x', 1)`);
    await db.run(`UPDATE m SET v = v + 1 WHERE b = 'x'`);
    await db.run(`DELETE FROM m WHERE a = 1 AND b = 'y'`);
    await db.run(`UPDATE m SET v = 7`);
    expect((await expectSame(db, 'm', 'a = 1')).length).toBe(5);
    await expectSame(db, 'm', 'a IN (2, 10)');
    await expectSame(db, 'm', `b = 'x'`); // not the leading key column: not pushed, same rows
    await expectSame(db, 'm', `a = 1 AND b = 'y'`);
    expect(walkSame(db, 'm', 'a', [1n, 10n], sqlEq)).toBe(8);

    // No declared type: 1, 1.0, '1', x'01' are distinct keys; `= 1` matches both numbers.
    await db.exec('CREATE TABLE u (k PRIMARY KEY, v)');
    await db.run(`INSERT INTO u VALUES (1, 'int'), (1.0, 'real'), ('1', 'text'), (x'01', 'blob'), (2, 'two')`);
    await db.run(`UPDATE u SET v = v || '+'`);
    await db.run(`DELETE FROM u WHERE k = 1.0 AND typeof(k) = 'real'`);
    const ones = await expectSame(db, 'u', 'k = 1');
    expect(ones.map((r) => r.v).sort()).toEqual(['int', 'int+', 'real', 'real+', 'real+']);
    await expectSame(db, 'u', 'k = 1.0');
    await expectSame(db, 'u', `k = '1'`);
    await expectSame(db, 'u', `k = x'01'`);
    await expectSame(db, 'u', `k IN (2, '1')`);
    expect(walkSame(db, 'u', 'k', [1n], sqlEq)).toBe(5);
    expect(walkSame(db, 'u', 'k', [1], sqlEq)).toBe(5);
  });

  it('keyless tables are not narrowed and give the same rows', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE k (a INTEGER, b TEXT)');
    await db.run(`INSERT INTO k VALUES (1, 'x'), (1, 'x'), (2, 'y')`);
    await db.run(`UPDATE k SET b = 'z' WHERE a = 1`);
    await db.run(`DELETE FROM k WHERE a = 2`);
    expect((await expectSame(db, 'k', 'a = 1')).length).toBeGreaterThan(0);
    await expectSame(db, 'k', `b IN ('x', 'y')`);
    expect(walkSame(db, 'k', 'a', [1n], sqlEq)).toBeGreaterThan(0);
  });

  it('schema changes across history: added and renamed columns, primary-key changes, drop and re-create', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
    await db.run('INSERT INTO t VALUES (1, 10), (2, 20)');
    await db.run('UPDATE t SET v = 11 WHERE id = 1');
    await db.exec('ALTER TABLE t ADD COLUMN note TEXT');
    await db.run(`UPDATE t SET note = 'n' WHERE id = 1`);
    await db.exec('ALTER TABLE t RENAME COLUMN v TO val');
    await db.run('UPDATE t SET val = 12 WHERE id = 1');
    await db.run('UPDATE t SET val = 21 WHERE id = 2');
    expect((await expectSame(db, 't', 'id = 1')).map((r) => r.val)).toEqual([12, 11, 11, 10]);
    await db.exec('ALTER TABLE t DROP PRIMARY KEY');
    await db.run('UPDATE t SET val = 13 WHERE id = 1');
    await db.exec('ALTER TABLE t ADD PRIMARY KEY (val)');
    await db.run('UPDATE t SET note = 10 WHERE val = 13');
    await expectSame(db, 't', 'id = 1');
    await expectSame(db, 't', 'val = 13');
    await expectSame(db, 't', 'val IN (11, 21)');
    walkSame(db, 't', 'id', [1n], sqlEq);
    walkSame(db, 't', 'val', [13n, 21n], sqlEq);
    await db.exec('DROP TABLE t');
    await db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v INTEGER)');
    await db.run(`INSERT INTO t VALUES ('1', 5), ('2', 6)`);
    await expectSame(db, 't', 'id = 1');
    expect((await expectSame(db, 't', `id = '1'`)).length).toBe(1);
    walkSame(db, 't', 'id', ['1'], sqlEq);
  });

  it('prepared statements re-evaluate the pushed parameter on every run', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
    for (let i = 0; i < 5; i++) await db.run('INSERT INTO t VALUES (?, ?)', [i, i]);
    for (let i = 0; i < 5; i++) await db.run('UPDATE t SET v = v + 1 WHERE id <= ?', [i]);
    const st = db.prepare(`SELECT id, v FROM heliosdb_history('t') WHERE id = ?`);
    for (let i = 0; i < 5; i++) {
      const rows = (await st.all(i)) as Rec[];
      expect(rows.length).toBe(1 + (5 - i));
      expect(rows.every((r) => r.id === i)).toBe(true);
    }
    // Joined with another table (inner join): narrowed, same rows.
    await db.exec('CREATE TABLE w (id INTEGER)');
    await db.run('INSERT INTO w VALUES (2), (4)');
    const j = `SELECT h.id, h.v, h.change FROM w JOIN heliosdb_history('t') h ON h.id = w.id WHERE h.id = 4 ORDER BY h.scn, h.id`;
    const jr = await db.query(j);
    const jp = await db.query(`SELECT h.id, h.v, h.change FROM w JOIN heliosdb_history('t') h ON h.id = w.id WHERE CASE WHEN h.id = 4 THEN 1 END ORDER BY h.scn, h.id`);
    expect(jr).toEqual(jp);
    expect(jr.length).toBe(2);
    // LEFT JOIN: not narrowed; WHERE still decides.
    const l = await db.query(`SELECT w.id, h.v FROM w LEFT JOIN heliosdb_history('t') h ON h.id = w.id AND h.id = 2 ORDER BY w.id, h.scn`);
    expect(l.map((r) => r.id)).toEqual([2, 2, 2, 2, 4]);
  });

  it('a walk stopped early (LIMIT) and resumed later by another query gives the full history', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
    for (let i = 0; i < 8; i++) await db.run('INSERT OR REPLACE INTO t VALUES (?, ?)', [i % 3, i]);
    const first = await db.query(`SELECT id, v, change FROM heliosdb_history('t') LIMIT 2`);
    expect(first).toEqual([
      { id: 1, v: 7, change: 'modified' },
      { id: 0, v: 6, change: 'modified' },
    ]);
    const all = await db.query(`SELECT id, v, change FROM heliosdb_history('t')`);
    expect(all.map((r) => r.v)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(all.slice(5).map((r) => r.change)).toEqual(['added', 'added', 'added']);
    expect(await db.query(`SELECT id, v, change FROM heliosdb_history('t') WHERE id = 2`)).toEqual(all.filter((r) => r.id === 2));
  });

  it('a history read before a GC prunes versions stops at the pruned ones when read again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-hist-'));
    const db = await open(dir);
    try {
      await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)');
      for (let i = 1; i <= 6; i++) await db.run(`INSERT INTO t VALUES (${i}, ${i * 10})`);
      for (let i = 1; i <= 6; i++) await db.run(`UPDATE t SET v = v + 1 WHERE id = ${i}`);
      const log = await db.log();
      const q = `SELECT commit_id, change, id, v FROM heliosdb_history('t')`;
      expect((await db.query(q)).length).toBe(12);
      expect((await db.query(`${q} WHERE id = 6`)).length).toBe(2);
      await db.retentionPolicy.set({ maxSnapshots: 3 });
      await db.gc();
      // kept: the last three commits; a version's change shows when its parent is kept too
      const kept = new Set(log.slice(0, 2).map((c) => c.id));
      const all = await db.query(q);
      expect(all.map((r) => r.commit_id)).toEqual(log.slice(0, 2).map((c) => c.id));
      expect(all.every((r) => kept.has(r.commit_id as string))).toBe(true);
      expect(await db.query(`${q} WHERE id = 6`)).toEqual(all.filter((r) => r.id === 6));
      expect(await db.query(`${q} WHERE id = 1`)).toEqual([]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('property: random edits and schema changes, every key, pushed == unpushed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('ins' as const), k: fc.integer({ min: 1, max: 6 }), v: fc.integer({ min: 0, max: 3 }) }),
            fc.record({ op: fc.constant('del' as const), k: fc.integer({ min: 1, max: 6 }) }),
            fc.record({ op: fc.constant('upd' as const), k: fc.integer({ min: 1, max: 6 }), v: fc.integer({ min: 0, max: 3 }) }),
            fc.record({ op: fc.constant('other' as const) }),
            fc.record({ op: fc.constant('alter' as const) }),
          ),
          { minLength: 1, maxLength: 25 },
        ),
        async (ops) => {
          const db = await open();
          try {
            await db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER)');
            await db.exec('CREATE TABLE o (x INTEGER)');
            let cols = 0;
            for (const o of ops) {
              if (o.op === 'ins') await db.run('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)', [o.k, o.v]);
              else if (o.op === 'del') await db.run('DELETE FROM t WHERE k = ?', [o.k]);
              else if (o.op === 'upd') await db.run('UPDATE t SET v = ? WHERE k = ?', [o.v, o.k]);
              else if (o.op === 'other') await db.run('INSERT INTO o VALUES (1)');
              else if (cols < 2) await db.exec(`ALTER TABLE t ADD COLUMN c${cols++} INTEGER DEFAULT 7`);
            }
            const all = await db.query(`SELECT * FROM heliosdb_history('t')`);
            for (let k = 0; k <= 7; k++) {
              const pushed = await db.query(`SELECT * FROM heliosdb_history('t') WHERE k = ?`, [k]);
              expect(pushed).toEqual(all.filter((r) => r.k === k));
            }
            const inList = await db.query(`SELECT * FROM heliosdb_history('t') WHERE k IN (2, 5)`);
            expect(inList).toEqual(all.filter((r) => r.k === 2 || r.k === 5));
          } finally {
            await db.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('db.history(table, { where })', () => {
  it('gives the rows of the unfiltered history that match, in order (key pushed down, other columns filtered)', async () => {
    const db = await mk();
    await db.exec('CREATE TABLE acct (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER)');
    for (let i = 1; i <= 6; i++) await db.run('INSERT INTO acct VALUES (?, ?, ?)', [i, `o${i % 2}`, i * 10]);
    for (let r = 0; r < 5; r++) await db.run('UPDATE acct SET balance = balance + 1 WHERE id IN (2, 3, 5)');
    await db.run('DELETE FROM acct WHERE id = 3');
    await db.run("INSERT INTO acct VALUES (3, 'back', 0)");
    const all = await db.history('acct');
    for (const where of [{ id: 3 }, { id: 2, owner: 'o0' }, { id: 4 }, { owner: 'o1' }, { id: 99 }]) {
      const expected = all.filter((h) => Object.entries(where).every(([k, v]) => h.row[k] === v));
      expect(await db.history('acct', { where })).toEqual(expected);
    }
    expect((await db.history('acct', { where: { id: 3 } })).map((h) => h.change)).toEqual(['added', 'removed', 'modified', 'modified', 'modified', 'modified', 'modified', 'added']);
  });
});
