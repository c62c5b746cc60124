/**
 * Property: after any sequence of single-row changes (each its own commit), every version read
 * back with AS OF TRANSACTION / AS OF SCN / AS OF 'main~k' equals a model of the table at that
 * point, heliosdb_diff between consecutive versions is exactly the change made, and
 * heliosdb_history holds one entry per change of the row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open } from '../../src/index.js';

type Op = { kind: 'put'; k: number; v: number } | { kind: 'del'; k: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), k: fc.integer({ min: 1, max: 8 }), v: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ kind: fc.constant('del' as const), k: fc.integer({ min: 1, max: 8 }) }),
);

describe('AS OF matches a model of the history', () => {
  it('for random change sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const db = await open();
        try {
          await db.exec('CREATE TABLE t(k INTEGER PRIMARY KEY, v INTEGER)');
          const model = new Map<number, number>();
          const versions: { txn: number; scn: number; rows: { k: number; v: number }[] }[] = [];
          const changes = new Map<number, number>();
          for (const o of ops) {
            const had = model.get(o.k);
            if (o.kind === 'put') {
              if (had === o.v) continue; // no change: no commit
              await db.run('INSERT INTO t VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v', [o.k, o.v]);
              model.set(o.k, o.v);
            } else {
              if (had === undefined) continue;
              await db.run('DELETE FROM t WHERE k = ?', [o.k]);
              model.delete(o.k);
            }
            changes.set(o.k, (changes.get(o.k) ?? 0) + 1);
            const c = (await db.log(undefined, { limit: 1 }))[0]!;
            versions.push({ txn: c.transaction, scn: c.scn, rows: [...model].sort((a, b) => a[0] - b[0]).map(([k, v]) => ({ k, v })) });
          }
          for (let i = 0; i < versions.length; i++) {
            const ver = versions[i]!;
            expect(await db.query(`SELECT k, v FROM t AS OF TRANSACTION ${ver.txn} ORDER BY k`)).toEqual(ver.rows);
            expect(await db.query(`SELECT k, v FROM t AS OF SCN ${ver.scn} ORDER BY k`)).toEqual(ver.rows);
            expect(await db.query(`SELECT k, v FROM t AS OF 'main~${versions.length - 1 - i}' ORDER BY k`)).toEqual(ver.rows);
            if (i > 0) {
              const d = await db.query(`SELECT count(*) AS n FROM heliosdb_diff('t', 'main~${versions.length - i}', 'main~${versions.length - 1 - i}')`);
              expect(d).toEqual([{ n: 1 }]);
            }
          }
          for (const [k, n] of changes) {
            expect(await db.get(`SELECT count(*) AS n FROM heliosdb_history('t') WHERE k = ${k}`)).toEqual({ n });
          }
        } finally {
          await db.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
