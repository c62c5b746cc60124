/**
 * Constraints enforced on every write, compared with SQLite (`PRAGMA foreign_keys = ON`):
 * NOT NULL, CHECK (named, table and column level), UNIQUE (multi-column, NULLs distinct),
 * FOREIGN KEY with every ON DELETE / ON UPDATE action; and the rowid of tables without a
 * primary key (insertion order, one rowid per duplicate copy).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { open, type Database } from '../../../src/index.js';
import { ConstraintError } from '../../../src/errors/index.js';
import { Pair, canon } from './helpers.js';

let pair: Pair;
beforeEach(async () => {
  pair = await Pair.create();
  pair.sqlite.exec('PRAGMA foreign_keys = ON');
});
afterEach(async () => {
  await pair.close();
});

/** Run on both; both must fail with the same message, or both succeed. */
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
    if (s !== undefined) expect(e).toBeInstanceOf(ConstraintError);
  }
  expect(h, sql).toBe(s);
  return h;
}

async function same(sql: string): Promise<void> {
  expect(canon(await pair.heliosRows(sql), false), sql).toEqual(canon(pair.sqliteRows(sql), false));
}

describe('NOT NULL, CHECK, UNIQUE', () => {
  it('fail with SQLite messages and leave the table unchanged', async () => {
    await both(`CREATE TABLE t(a INT NOT NULL, b INT CONSTRAINT b_pos CHECK (b > 0), c TEXT, d INT, CHECK (c <> 'bad'), UNIQUE (c, d))`);
    expect(await both(`INSERT INTO t VALUES (NULL, 1, 'x', 1)`)).toBe('NOT NULL constraint failed: t.a');
    expect(await both(`INSERT INTO t VALUES (1, 0, 'x', 1)`)).toBe('CHECK constraint failed: b_pos');
    expect(await both(`INSERT INTO t VALUES (1, 1, 'bad', 1)`)).toMatch(/^CHECK constraint failed: /);
    await both(`INSERT INTO t VALUES (1, 1, 'x', 1), (2, 2, 'x', NULL), (3, 3, 'x', NULL)`);
    expect(await both(`INSERT INTO t VALUES (4, 4, 'x', 1)`)).toBe('UNIQUE constraint failed: t.c, t.d');
    expect(await both(`UPDATE t SET d = 1 WHERE a = 2`)).toBe('UNIQUE constraint failed: t.c, t.d');
    expect(await both(`INSERT INTO t VALUES (5, 5, 'y', 1), (6, 6, 'y', 1)`)).toBe('UNIQUE constraint failed: t.c, t.d');
    await same('SELECT * FROM t ORDER BY a');
  });
});

describe('FOREIGN KEY', () => {
  const schema = (del: string, upd: string): string => `
    CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT UNIQUE);
    CREATE TABLE c(id INTEGER PRIMARY KEY, pid INT DEFAULT 1 REFERENCES p(id) ON DELETE ${del} ON UPDATE ${upd}, pcode TEXT REFERENCES p(code));
    INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c');
    INSERT INTO c VALUES (10, 1, 'a'), (11, 2, 'b'), (12, 2, NULL), (13, NULL, 'c');`;

  for (const action of ['CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION']) {
    it(`ON DELETE / ON UPDATE ${action}`, async () => {
      await both(schema(action, action));
      expect(await both(`INSERT INTO c VALUES (20, 9, NULL)`)).toBe('FOREIGN KEY constraint failed');
      expect(await both(`INSERT INTO c VALUES (21, 1, 'zz')`)).toBe('FOREIGN KEY constraint failed');
      expect(await both(`UPDATE c SET pid = 7 WHERE id = 10`)).toBe('FOREIGN KEY constraint failed');
      await both(`DELETE FROM p WHERE id = 2`);
      await same('SELECT * FROM c ORDER BY id');
      await same('SELECT * FROM p ORDER BY id');
      await both(`UPDATE p SET id = 5 WHERE id = 1`);
      await same('SELECT * FROM c ORDER BY id');
      await both(`DELETE FROM p WHERE id = 3`);
      await same('SELECT * FROM p ORDER BY id');
    });
  }

  it('self-reference, composite keys and a mismatch error', async () => {
    await both(`CREATE TABLE emp(id INTEGER PRIMARY KEY, boss INT REFERENCES emp(id) ON DELETE CASCADE)`);
    await both(`INSERT INTO emp VALUES (1, NULL), (2, 1), (3, 2), (4, 4)`);
    await both(`DELETE FROM emp WHERE id = 1`);
    await same('SELECT * FROM emp ORDER BY id');
    await both(`CREATE TABLE cp(a INT, b INT, PRIMARY KEY (a, b)); CREATE TABLE cc(x INT, y INT, FOREIGN KEY (x, y) REFERENCES cp(a, b) ON DELETE SET NULL)`);
    await both(`INSERT INTO cp VALUES (1, 2), (3, 4); INSERT INTO cc VALUES (1, 2), (3, 4), (NULL, 9)`);
    expect(await both(`INSERT INTO cc VALUES (1, 4)`)).toBe('FOREIGN KEY constraint failed');
    await both(`DELETE FROM cp WHERE a = 1`);
    await same('SELECT * FROM cc ORDER BY x');
    await both(`CREATE TABLE np(v INT); CREATE TABLE nc(v INT REFERENCES np(v))`);
    await expect(pair.helios.exec(`INSERT INTO nc VALUES (1)`)).rejects.toMatchObject({ code: 'FOREIGN_KEY_MISMATCH' });
  });

  it('DELETE without WHERE on a parent goes row by row; PRAGMA foreign_keys reads 1', async () => {
    await both(schema('CASCADE', 'CASCADE'));
    await both(`DELETE FROM p`);
    await same('SELECT count(*) FROM c');
    expect(await pair.heliosRows('PRAGMA foreign_keys')).toEqual([[1n]]);
    expect(await pair.heliosRows('PRAGMA foreign_key_list(c)')).toEqual(pair.sqliteRows('PRAGMA foreign_key_list(c)'));
  });
});

describe('tables without a primary key: rowid', () => {
  it('scans in insertion order, gives one rowid per copy, and supports rowid/oid/_rowid_', async () => {
    await both(`CREATE TABLE k(a, b); CREATE INDEX kb ON k(b)`);
    await both(`INSERT INTO k VALUES (3, 'x'), (1, 'y'), (3, 'x'), (2, 'z'), (3, 'x')`);
    await same('SELECT rowid, oid, _rowid_, a, b FROM k');
    await same('SELECT group_concat(a) FROM k');
    await same(`SELECT rowid FROM k WHERE b = 'x'`);
    await same('SELECT * FROM k WHERE rowid = 3');
    await same('SELECT a FROM k WHERE rowid BETWEEN 2 AND 4 ORDER BY rowid DESC');
    await both('DELETE FROM k WHERE rowid = 3');
    await same('SELECT rowid, a, b FROM k');
    await both(`INSERT INTO k VALUES (9, 'w')`);
    await both(`INSERT INTO k(rowid, a) VALUES (100, 7)`);
    expect(await both(`INSERT INTO k(rowid, a) VALUES (100, 8)`)).toBe('UNIQUE constraint failed: k.rowid');
    await both(`UPDATE k SET a = a + 10 WHERE rowid = 5`);
    await same('SELECT rowid, a, b FROM k');
    await same(`SELECT rowid, a FROM k WHERE b = 'x' ORDER BY a`);
    expect((await pair.helios.run(`INSERT INTO k VALUES (1, 1)`)).lastInsertRowid).toBe(101);
  });

  it('property: any sequence of inserts and deletes matches SQLite in scan order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.tuple(fc.constant('ins' as const), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 })),
            fc.tuple(fc.constant('del' as const), fc.integer({ min: 1, max: 12 }), fc.constant(0)),
            fc.tuple(fc.constant('upd' as const), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 })),
          ),
          { maxLength: 25 },
        ),
        async (ops) => {
          const h: Database = await open();
          const p = await Pair.create();
          try {
            await p.exec('CREATE TABLE k(a, b)');
            for (const [op, x, y] of ops) {
              if (op === 'ins') await p.exec(`INSERT INTO k VALUES (${x}, ${y})`);
              else if (op === 'del') await p.exec(`DELETE FROM k WHERE rowid = ${x}`);
              else await p.exec(`UPDATE k SET a = ${y} WHERE rowid = ${x}`);
            }
            const q = 'SELECT rowid, a, b FROM k';
            expect(canon(await p.heliosRows(q), false)).toEqual(canon(p.sqliteRows(q), false));
          } finally {
            await p.close();
            await h.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('derived trees from a row diff (merge support)', () => {
  it('updateDerived gives the same index trees as the writes that produced the diff', async () => {
    const { NodeStore, ProllyTree } = await import('../../../src/objects/index.js');
    const { MemoryChunkStore } = await import('../../../src/store/index.js');
    const { TableInfo } = await import('../../../src/sql/storage/table-info.js');
    const { TableState } = await import('../../../src/sql/storage/table-state.js');
    const { RowWriter } = await import('../../../src/sql/storage/row-writer.js');
    const { UndoLog } = await import('../../../src/sql/storage/undo-log.js');
    const { updateDerived } = await import('../../../src/sql/storage/derived.js');
    const ns = new NodeStore(new MemoryChunkStore());
    const empty = ProllyTree.empty(ns);
    for (const keyless of [true, false]) {
      const schema = {
        name: 't',
        columns: [
          { tag: 1, name: 'a', type: 'INT', affinity: 'INTEGER' as const, notNull: false },
          { tag: 2, name: 'b', type: 'TEXT', affinity: 'TEXT' as const, notNull: false },
        ],
        primaryKey: keyless ? [] : [{ tag: 1, desc: false }],
        autoincrement: false,
        checks: [],
        foreignKeys: [],
        indexes: [{ name: 'tb', columns: [{ tag: 2, desc: false }], unique: false, origin: 'create' as const }],
        nextTag: 3,
        sql: 'CREATE TABLE t(a, b)',
      };
      const info = new TableInfo(schema);
      const trees = () => new Map(info.storedIndexes.map((i) => [i.key, empty] as const));
      // "ours": rows written through the writer.
      const ours = new TableState(info, empty, trees(), 0n, undefined, undefined);
      const w = new RowWriter(new UndoLog());
      const ins = (ts: InstanceType<typeof TableState>, a: number, b: string) => w.insert(ts, keyless ? [BigInt(a), b, null] : [BigInt(a), b], 'ABORT');
      for (let i = 0; i < 20; i++) ins(ours, i % (keyless ? 5 : 20), `v${i % 3}`);
      const before = new Map([...ours.reader().entries()].map((e) => [Buffer.from(e.key).toString('hex'), e]));
      // "theirs": the same start, then more writes; we replay only the rows diff onto a copy of ours.
      const theirs = ours.fork();
      for (let i = 20; i < 30; i++) ins(theirs, keyless ? i % 7 : i, `v${i % 4}`);
      const victims: { key: Uint8Array; row: unknown[] }[] = [];
      const order = info.orderIndex;
      for (const e of order ? theirs.indexReader(order.key).entries() : theirs.reader().entries()) {
        const key = order ? e.value : e.key;
        const row: unknown[] = new Array(info.width).fill(null);
        info.decodeInto(key, theirs.reader().get(key)!, row as never, 0, info.slotOfTag);
        if (order) row[info.rowidSlot] = info.rowidOfIndexKey(e.key);
        if (row[1] === 'v0') victims.push({ key, row });
      }
      for (const v of victims.slice(0, 4)) w.deleteRow(theirs, v.key, v.row as never);
      const after = new Map([...theirs.reader().entries()].map((e) => [Buffer.from(e.key).toString('hex'), e]));
      const changes = [];
      for (const [k, e] of after) if (!before.has(k) || Buffer.compare(before.get(k)!.value, e.value) !== 0) changes.push({ key: e.key, before: before.get(k)?.value, after: e.value });
      for (const [k, e] of before) if (!after.has(k)) changes.push({ key: e.key, before: e.value });
      const merged = ours.fork();
      const ed = merged.rowsWriter();
      for (const c of changes) (c.after ? ed.put(c.key, c.after) : ed.delete(c.key));
      updateDerived(merged, changes);
      // Same rows, same secondary-index contents (values), same number of copies in the order index.
      const ixVals = (ts: InstanceType<typeof TableState>) => [...ts.indexReader('tb').entries()].map((e) => Buffer.from(e.value).toString('hex')).sort();
      expect(ixVals(merged)).toEqual(ixVals(theirs));
      if (order) {
        const copies = (ts: InstanceType<typeof TableState>) => [...ts.indexReader(order.key).entries()].map((e) => Buffer.from(e.value).toString('hex')).sort();
        expect(copies(merged)).toEqual(copies(theirs));
      } else expect([...merged.indexReader('tb').entries()].length).toBe([...theirs.indexReader('tb').entries()].length);
    }
  });
});

describe('FK actions and NOT NULL', () => {
  it('SET NULL on a NOT NULL child column fails as in SQLite', async () => {
    await both(`CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid INT NOT NULL REFERENCES p(id) ON DELETE SET NULL);
      INSERT INTO p VALUES (1); INSERT INTO c VALUES (1);`);
    expect(await both('DELETE FROM p')).toBe('NOT NULL constraint failed: c.pid');
    await same('SELECT * FROM c');
  });
});
