import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, Database } from '../../src/index.js';
import { setup } from './helpers.js';

let dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs) await d.close();
  dbs = [];
});

/** Every index lookup equals the full-scan answer (so the merged index trees match the rows). */
async function indexesAgree(c: Connection, values: string[]): Promise<void> {
  for (const v of values) {
    const viaIndex = await c.query('SELECT id FROM t INDEXED BY t_a WHERE a = ? ORDER BY id', [v]);
    const scan = await c.query("SELECT id FROM t WHERE (a || '') = ? ORDER BY id", [v]);
    expect(viaIndex).toEqual(scan);
    const viaB = await c.query('SELECT id FROM t INDEXED BY t_ab WHERE a = ? AND b >= 0 ORDER BY id', [v]);
    const scanB = await c.query("SELECT id FROM t WHERE (a || '') = ? AND b >= 0 ORDER BY id", [v]);
    expect(viaB).toEqual(scanB);
  }
  const n1 = await c.get<{ n: number }>('SELECT count(*) AS n FROM t INDEXED BY t_a WHERE a >= \'\'');
  const n2 = await c.get<{ n: number }>("SELECT count(*) AS n FROM t WHERE (a || '') >= ''");
  expect(n1).toEqual(n2);
}

const VALUES = ['p', 'q', 'r', 's'];
const op = fc.oneof(
  fc.record({ k: fc.constant('ins' as const), id: fc.integer({ min: 1, max: 40 }), a: fc.constantFrom(...VALUES), b: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ k: fc.constant('upd' as const), id: fc.integer({ min: 1, max: 40 }), a: fc.constantFrom(...VALUES), b: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ k: fc.constant('del' as const), id: fc.integer({ min: 1, max: 40 }) }),
);

async function apply(c: Connection, ops: fc.Arbitrary<unknown> extends never ? never : { k: string; id: number; a?: string; b?: number }[]): Promise<void> {
  for (const o of ops) {
    if (o.k === 'ins') await c.run('INSERT OR REPLACE INTO t VALUES (?, ?, ?)', [o.id, o.a, o.b]);
    else if (o.k === 'upd') await c.run('UPDATE t SET a = ?, b = ? WHERE id = ?', [o.a, o.b, o.id]);
    else await c.run('DELETE FROM t WHERE id = ?', [o.id]);
  }
}

describe('secondary indexes after merge', () => {
  it('index lookups equal full scans after clean merges and after resolved conflicts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.array(op, { maxLength: 12 }), fc.constantFrom('ours', 'theirs', 'none'), async (ours, theirs, strategy) => {
        const { db, dev } = await setup(
          'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER); CREATE INDEX t_a ON t(a); CREATE INDEX t_ab ON t(a, b)',
          "INSERT INTO t VALUES (1,'p',1),(2,'q',2),(3,'r',3),(4,'s',4),(5,'p',5),(6,'q',6)",
        );
        try {
          await apply(db, ours);
          await apply(dev, theirs);
          const r = await db.merge('dev', strategy === 'none' ? {} : { strategy });
          if (r.status === 'conflicts') {
            await indexesAgree(db, VALUES);
            await db.resolveConflicts({ using: 'theirs' });
            await indexesAgree(db, VALUES);
            await db.mergeContinue();
          }
          await indexesAgree(db, VALUES);
        } finally {
          await db.close();
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it('an index created on one side is updated from the merged rows of the other side', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER); CREATE INDEX t_ab ON t(a, b)', "INSERT INTO t VALUES (1,'p',1),(2,'q',2)");
    dbs.push(db);
    await dev.exec('CREATE INDEX t_a ON t(a)');
    await dev.run("INSERT INTO t VALUES (3, 'r', 3)");
    await db.run("INSERT INTO t VALUES (4, 'p', 4)");
    await db.run("UPDATE t SET a = 's' WHERE id = 2");
    const r = await db.merge('dev');
    expect(r).toMatchObject({ status: 'merged', schemaConflicts: 0 });
    await indexesAgree(db, VALUES);
    expect(await db.query('SELECT id FROM t INDEXED BY t_a WHERE a = \'p\' ORDER BY id')).toEqual([{ id: 1 }, { id: 4 }]);
  });
});

describe('keyless tables and JSON cells', () => {
  it('equal inserts on both sides add up; copies deleted on one side go', async () => {
    const { db, dev } = await setup('CREATE TABLE k (a TEXT, b INTEGER); CREATE INDEX k_a ON k(a)', "INSERT INTO k VALUES ('x', 1), ('y', 2), ('y', 2)");
    dbs.push(db);
    await dev.run("INSERT INTO k VALUES ('z', 3)");
    await dev.run("DELETE FROM k WHERE a = 'x'");
    await db.run("INSERT INTO k VALUES ('z', 3)");
    await db.run("INSERT INTO k VALUES ('y', 2)");
    expect((await db.merge('dev')).status).toBe('merged');
    expect(await db.query('SELECT a, b FROM k ORDER BY a, b')).toEqual([
      { a: 'y', b: 2 },
      { a: 'y', b: 2 },
      { a: 'y', b: 2 },
      { a: 'z', b: 3 },
      { a: 'z', b: 3 },
    ]);
    expect(await db.query("SELECT count(*) AS n FROM k INDEXED BY k_a WHERE a = 'z'")).toEqual([{ n: 2 }]);
    expect(await db.query("SELECT count(*) AS n FROM k INDEXED BY k_a WHERE a = 'x'")).toEqual([{ n: 0 }]);
    expect(await db.query("SELECT count(*) AS n FROM k INDEXED BY k_a WHERE a = 'y'")).toEqual([{ n: 3 }]);
    expect(await db.query('SELECT count(*) AS n FROM k')).toEqual([{ n: 5 }]);
  });

  it('an index created on one side of a keyless table is built for the merged rows', async () => {
    const { db, dev } = await setup('CREATE TABLE k (a TEXT, b INTEGER)', "INSERT INTO k VALUES ('x', 1), ('y', 2)");
    dbs.push(db);
    await dev.exec('CREATE INDEX k_a ON k(a)');
    await dev.run("INSERT INTO k VALUES ('y', 3)");
    await db.run("INSERT INTO k VALUES ('x', 1), ('z', 9)");
    await db.run("DELETE FROM k WHERE a = 'y'");
    expect((await db.merge('dev')).status).toBe('merged');
    for (const v of ['x', 'y', 'z']) {
      expect(await db.query('SELECT a, b FROM k INDEXED BY k_a WHERE a = ? ORDER BY b', [v])).toEqual(await db.query("SELECT a, b FROM k WHERE (a || '') = ? ORDER BY b", [v]));
    }
    expect(await db.query("SELECT count(*) AS n FROM k INDEXED BY k_a WHERE a = 'x'")).toEqual([{ n: 2 }]);
    // later writes keep the index consistent (entries carry the merged rowids)
    await db.run("DELETE FROM k WHERE a = 'x'");
    expect(await db.query("SELECT count(*) AS n FROM k INDEXED BY k_a WHERE a = 'x'")).toEqual([{ n: 0 }]);
  });

  it('JSON cells merge key by key; the same key changed differently conflicts', async () => {
    const { db, dev } = await setup('CREATE TABLE j (id INTEGER PRIMARY KEY, doc JSON)', `INSERT INTO j VALUES (1, '{"a":1,"b":1}'), (2, '{"a":1}')`);
    dbs.push(db);
    await dev.run(`UPDATE j SET doc = json_set(doc, '$.b', 2) WHERE id = 1`);
    await db.run(`UPDATE j SET doc = json_set(doc, '$.c', 3) WHERE id = 1`);
    await dev.run(`UPDATE j SET doc = '{"a":2}' WHERE id = 2`);
    await db.run(`UPDATE j SET doc = '{"a":3}' WHERE id = 2`);
    const r = await db.merge('dev');
    expect(r).toMatchObject({ status: 'conflicts', dataConflicts: 1 });
    const d1 = JSON.parse((await db.get<{ doc: string }>('SELECT doc FROM j WHERE id = 1'))!.doc) as unknown;
    expect(d1).toEqual({ a: 1, b: 2, c: 3 });
    expect(db.conflicts('j').map((c) => c.key)).toEqual([{ id: 2 }]);
  });
});

describe('schema changes through MERGE', () => {
  it('different columns added on both sides merge; each side\'s values land in its column', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)', "INSERT INTO t VALUES (1,'x'),(2,'y')");
    dbs.push(db);
    await db.exec('ALTER TABLE t ADD COLUMN m INTEGER');
    await db.run('UPDATE t SET m = 10 WHERE id = 1');
    await dev.exec('ALTER TABLE t ADD COLUMN d TEXT');
    await dev.run("UPDATE t SET d = 'dd' WHERE id = 2");
    await dev.run("INSERT INTO t (id, a, d) VALUES (3, 'z', 'd3')");
    const r = await db.merge('dev');
    expect(r).toMatchObject({ status: 'merged', schemaConflicts: 0, dataConflicts: 0 });
    expect(await db.query('SELECT id, a, m, d FROM t ORDER BY id')).toEqual([
      { id: 1, a: 'x', m: 10, d: null },
      { id: 2, a: 'y', m: null, d: 'dd' },
      { id: 3, a: 'z', m: null, d: 'd3' },
    ]);
  });

  it('one column given two types is a schema conflict shown in heliosdb_conflicts', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a VARCHAR(10))', "INSERT INTO t VALUES (1,'x')");
    dbs.push(db);
    await db.exec('ALTER TABLE t ALTER COLUMN a TYPE INTEGER');
    await dev.exec('ALTER TABLE t ALTER COLUMN a TYPE BLOB');
    const r = await db.merge('dev');
    expect(r.status).toBe('conflicts');
    expect(r.schemaConflicts).toBeGreaterThan(0);
    expect(await db.query('SELECT "table", schema_conflicts > 0 AS s FROM heliosdb_conflicts')).toEqual([{ table: 't', s: 1 }]);
    expect(await db.get('RESOLVE CONFLICTS ON t USING THEIRS')).toEqual({ resolved: r.schemaConflicts });
    expect((await db.mergeContinue()).status).toBe('merged');
  });

  it('a table dropped on one side and changed on the other is a schema conflict', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); CREATE TABLE keep (id INTEGER PRIMARY KEY)', "INSERT INTO t VALUES (1,'x')");
    dbs.push(db);
    await dev.exec('DROP TABLE t');
    await dev.run('INSERT INTO keep VALUES (1)');
    await db.run("UPDATE t SET a = 'y'");
    const r = await db.merge('dev');
    expect(r).toMatchObject({ status: 'conflicts', schemaConflicts: 1, dataConflicts: 0 });
    expect(await db.query('SELECT id FROM keep')).toEqual([{ id: 1 }]);
  });
});
