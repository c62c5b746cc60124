import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open, type Connection } from '../../src/index.js';

type Op = { k: 'ins' | 'upd' | 'del'; id: number; v: number; col: 'a' | 'b' };
const op: fc.Arbitrary<Op> = fc.record({
  k: fc.constantFrom('ins' as const, 'upd' as const, 'del' as const),
  id: fc.integer({ min: 1, max: 30 }),
  v: fc.integer({ min: 0, max: 5 }),
  col: fc.constantFrom('a' as const, 'b' as const),
});

async function apply(c: Connection, ops: Op[]): Promise<void> {
  for (const o of ops) {
    if (o.k === 'ins') await c.run('INSERT OR REPLACE INTO t VALUES (?, ?, ?)', [o.id, o.v, o.v]);
    else if (o.k === 'upd') await c.run(`UPDATE t SET ${o.col} = ? WHERE id = ?`, [o.v, o.id]);
    else await c.run('DELETE FROM t WHERE id = ?', [o.id]);
  }
}

const SEED = 'INSERT INTO t VALUES ' + Array.from({ length: 20 }, (_, i) => `(${i + 1}, 0, 0)`).join(',');

describe('merge properties through SQL', () => {
  it('clean merges commute: main ← dev and dev ← main give the same rows; merging a branch with itself changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 10 }), fc.array(op, { maxLength: 10 }), async (ours, theirs) => {
        const db = await open();
        try {
          await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER); CREATE INDEX t_a ON t(a); ${SEED}`);
          await db.exec('CREATE BRANCH dev');
          const dev = await db.session({ branch: 'dev' });
          await apply(db, ours);
          await apply(dev, theirs);
          const self = await db.merge('main');
          expect(self.status).toBe('up-to-date');
          const d1 = await db.merge('dev', { dryRun: true });
          const d2 = await dev.merge('main', { dryRun: true });
          expect(d1.status === 'conflicts').toBe(d2.status === 'conflicts');
          expect(d1.dataConflicts).toBe(d2.dataConflicts);
          if (d1.status === 'conflicts') return;
          await db.exec('CREATE BRANCH main_copy');
          const r1 = await db.merge('dev', { noFf: true });
          const r2 = await dev.merge('main_copy', { noFf: true });
          expect(['merged', 'up-to-date']).toContain(r1.status);
          expect(['merged', 'up-to-date']).toContain(r2.status);
          const q = 'SELECT id, a, b FROM t ORDER BY id';
          expect(await dev.query(q)).toEqual(await db.query(q));
          expect(await db.query("SELECT id FROM t INDEXED BY t_a WHERE a = 1 ORDER BY id")).toEqual(await db.query("SELECT id FROM t WHERE (a + 0) = 1 ORDER BY id"));
        } finally {
          await db.close();
        }
      }),
      { numRuns: 12 },
    );
  }, 60_000);

  it('when one side equals the base the result is the other side (fast-forward or up-to-date)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (theirs) => {
        const db = await open();
        try {
          await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER); ${SEED}`);
          await db.exec('CREATE BRANCH dev');
          const dev = await db.session({ branch: 'dev' });
          await apply(dev, theirs);
          const r = await db.merge('dev', { noFf: true });
          expect(['merged', 'up-to-date']).toContain(r.status);
          const q = 'SELECT id, a, b FROM t ORDER BY id';
          expect(await db.query(q)).toEqual(await dev.query(q));
        } finally {
          await db.close();
        }
      }),
      { numRuns: 10 },
    );
  }, 60_000);
});
