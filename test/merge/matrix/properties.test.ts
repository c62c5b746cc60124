/**
 * Merge properties through the public API (fast-check, modest sizes): merging a branch with
 * itself changes nothing; when one side equals the base the result is the other side; clean
 * merges commute (same table contents both ways). Sides make random row edits, and sometimes
 * add a column of their own (so theirs' columns are retagged in one direction).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';

type Edit = { k: 'put' | 'set' | 'del'; id: number; col: 'a' | 'b'; v: number };
type SideEdits = { edits: Edit[]; addColumn: boolean };

const editArb: fc.Arbitrary<Edit> = fc.record({ k: fc.constantFrom('put' as const, 'set' as const, 'del' as const), id: fc.integer({ min: 1, max: 6 }), col: fc.constantFrom('a' as const, 'b' as const), v: fc.integer({ min: 0, max: 3 }) });
const sideArb: fc.Arbitrary<SideEdits> = fc.record({ edits: fc.array(editArb, { maxLength: 6 }), addColumn: fc.boolean() });

const SETUP = 'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER); INSERT INTO t VALUES (1, 0, 0), (2, 1, 1), (3, 2, 2), (4, 3, 3);';

function sideSql(s: SideEdits, col: string): string {
  const out: string[] = [];
  if (s.addColumn) out.push(`ALTER TABLE t ADD COLUMN ${col} INTEGER`);
  for (const e of s.edits) {
    if (e.k === 'put') out.push(`INSERT OR REPLACE INTO t (id, a, b) VALUES (${e.id}, ${e.v}, ${e.v})`);
    else if (e.k === 'set') out.push(`UPDATE t SET ${e.col} = ${e.v} WHERE id = ${e.id}`);
    else out.push(`DELETE FROM t WHERE id = ${e.id}`);
  }
  if (s.addColumn) out.push(`UPDATE t SET ${col} = id * 10 WHERE id % 2 = 0`);
  return out.join(';\n');
}

/** Table contents with each row's keys sorted (column order may differ between merge directions). */
async function contents(db: Database, branch: string): Promise<string> {
  const rows = await db.query(`SELECT * FROM t AS OF '${branch}' ORDER BY id`);
  return JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))));
}

async function setup(ours: SideEdits | null, theirs: SideEdits | null): Promise<Database> {
  const db = await open();
  await db.exec(SETUP);
  await db.exec('CREATE BRANCH l; CREATE BRANCH r');
  const l = await db.session({ branch: 'l' });
  const r = await db.session({ branch: 'r' });
  if (ours) {
    const sql = sideSql(ours, 'x');
    if (sql) await l.exec(sql);
  }
  if (theirs) {
    const sql = sideSql(theirs, 'y');
    if (sql) await r.exec(sql);
  }
  await db.exec('CREATE BRANCH l0 FROM l; CREATE BRANCH r0 FROM r');
  return db;
}

async function merge(db: Database, src: string, into: string): Promise<string> {
  const s = await db.session({ branch: into });
  const row = (await s.query(`MERGE BRANCH ${src}`))[0]!;
  return String(row.status);
}

const RUNS = Number(process.env.HDB_LONG ? 200 : 25);

describe('merge properties (SQL)', () => {
  it('merging a branch with itself changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb, async (s) => {
        const db = await setup(s, null);
        try {
          const before = await contents(db, 'l');
          await db.exec('CREATE BRANCH same FROM l');
          expect(await merge(db, 'same', 'l')).toBe('up-to-date');
          expect(await contents(db, 'l')).toBe(before);
        } finally {
          await db.close();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('when one side equals the base the result is the other side', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb, async (s) => {
        const db = await setup(null, s);
        try {
          const theirs = await contents(db, 'r');
          expect(['fast-forward', 'merged', 'up-to-date']).toContain(await merge(db, 'r', 'l'));
          expect(await contents(db, 'l')).toBe(theirs);
          expect(await merge(db, 'l0', 'r')).toBe('up-to-date');
          expect(await contents(db, 'r')).toBe(theirs);
        } finally {
          await db.close();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('clean merges commute (same contents both ways), and conflicts are found both ways', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb, sideArb, async (o, t) => {
        const db = await setup(o, t);
        try {
          const ab = await merge(db, 'r', 'l');
          const ba = await merge(db, 'l0', 'r');
          expect(ab === 'conflicts').toBe(ba === 'conflicts');
          if (ab !== 'conflicts') expect(await contents(db, 'l')).toBe(await contents(db, 'r'));
        } finally {
          await db.close();
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
