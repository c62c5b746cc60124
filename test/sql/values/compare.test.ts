import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';
import {
  applyAffinity,
  compareOp,
  compareValues,
  isOp,
  type Affinity,
  type Collation,
  type CompareOperator,
} from '../../../src/sql/values/index.js';
import { arbValueUtf8, db, expectSame, ours, RUNS, sqliteRows, sqliteValue } from '../functions/oracle.js';

const OPS: CompareOperator[] = ['=', '!=', '<', '<=', '>', '>='];
const COLLATIONS: Collation[] = ['BINARY', 'NOCASE', 'RTRIM'];

describe('compareValues', () => {
  it('is the order SQLite uses for literals (no affinity), under each collation', () => {
    fc.assert(
      fc.property(arbValueUtf8, arbValueUtf8, fc.constantFrom(...COLLATIONS), (a, b, coll) => {
        const s = sqliteValue(`SELECT CASE WHEN ? < ? COLLATE ${coll} THEN -1 WHEN ? = ? COLLATE ${coll} THEN 0 WHEN ? > ? COLLATE ${coll} THEN 1 END`, [a, b, a, b, a, b]);
        const c = compareValues(a, b, coll);
        const mine = a === null || b === null ? null : BigInt(Math.sign(c));
        expectSame({ value: mine }, s, `compare(${String(a)}, ${String(b)}) ${coll}`);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('orders like ORDER BY (NULL < numbers < text < blob)', () => {
    db.exec('CREATE TABLE IF NOT EXISTS ord(x)');
    const insert = db.prepare('INSERT INTO ord VALUES (?)');
    fc.assert(
      fc.property(fc.array(arbValueUtf8, { maxLength: 20 }), (vals) => {
        db.exec('DELETE FROM ord');
        for (const v of vals) insert.run(v instanceof Uint8Array ? Buffer.from(v) : v);
        const expected = sqliteRows('SELECT x FROM ord ORDER BY x').map((r) => r[0]!);
        const mine = [...vals].sort((a, b) => compareValues(a, b));
        expect(mine.length).toBe(expected.length);
        mine.forEach((v, i) => expect(compareValues(v, expected[i]!)).toBe(0));
      }),
      { numRuns: RUNS },
    );
  });

  it('is a total order (antisymmetric and transitive), also with DECIMAL', () => {
    const arb = fc.oneof(arbValueUtf8, fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 6 })).map(([c, s]) => new Decimal(c, s) as SqlValue));
    fc.assert(
      fc.property(arb, arb, arb, (a, b, c) => {
        expect(Math.sign(compareValues(a, b)) + Math.sign(compareValues(b, a))).toBe(0);
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0 && !(a instanceof Decimal || b instanceof Decimal || c instanceof Decimal)) {
          expect(compareValues(a, c)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('compares INTEGER and REAL exactly', () => {
    expect(compareValues(2n ** 63n - 1n, 9.223372036854776e18)).toBe(-1);
    expect(compareValues(9.223372036854776e18, 2n ** 63n - 1n)).toBe(1);
    expect(compareValues(2n ** 53n + 1n, 9007199254740992)).toBe(1);
    expect(compareValues(-(2n ** 63n), -9.223372036854776e18)).toBe(0);
    expect(compareValues(3n, 3.5)).toBe(-1);
    expect(compareValues(-3n, -3.5)).toBe(1);
  });

  it('compares DECIMAL exactly with INTEGER and DECIMAL, and as REAL with REAL', () => {
    expect(compareValues(new Decimal(10n, 1), 1n)).toBe(0);
    expect(compareValues(new Decimal(100000000000000000001n, 20), 1n)).toBe(1);
    expect(compareValues(new Decimal(1n, 1), 0.1)).toBe(0);
    expect(compareValues(new Decimal(15n, 1), new Decimal(150n, 2))).toBe(0);
    expect(compareValues(new Decimal(-1n, 0), 'a')).toBe(-1);
  });
});

describe('comparison operators with affinity', () => {
  const types: [string, Affinity | undefined][] = [
    ['INTEGER', 'INTEGER'],
    ['REAL', 'REAL'],
    ['NUMERIC', 'NUMERIC'],
    ['TEXT', 'TEXT'],
    ['BLOB', 'BLOB'],
  ];
  db.exec(`CREATE TABLE ca(${types.map(([t], i) => `c${i} ${t}`).join(', ')})`);
  db.exec(`CREATE TABLE cb(${types.map(([t], i) => `c${i} ${t}`).join(', ')})`);
  const insA = db.prepare(`INSERT INTO ca VALUES (${types.map(() => '?').join(', ')})`);
  const insB = db.prepare(`INSERT INTO cb VALUES (${types.map(() => '?').join(', ')})`);
  const bind = (v: SqlValue) => (v instanceof Uint8Array ? Buffer.from(v) : v);

  it('column op literal and literal op literal match SQLite', () => {
    fc.assert(
      fc.property(arbValueUtf8, arbValueUtf8, fc.constantFrom(...OPS), (a, b, op) => {
        db.exec('DELETE FROM ca');
        insA.run(...types.map(() => bind(a)));
        types.forEach(([, aff], i) => {
          const stored = applyAffinity(a, aff!);
          expectSame(ours(() => compareOp(op, stored, aff, b, undefined)), sqliteValue(`SELECT c${i} ${op} ? FROM ca`, [b]), `${aff} column ${String(a)} ${op} ${String(b)}`);
          expectSame(ours(() => compareOp(op, b, undefined, stored, aff)), sqliteValue(`SELECT ? ${op} c${i} FROM ca`, [b]), `${String(b)} ${op} ${aff} column ${String(a)}`);
        });
        expectSame(ours(() => compareOp(op, a, undefined, b, undefined)), sqliteValue(`SELECT ? ${op} ?`, [a, b]), `${String(a)} ${op} ${String(b)}`);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('column op column matches SQLite for every pair of affinities', () => {
    fc.assert(
      fc.property(arbValueUtf8, arbValueUtf8, fc.constantFrom(...OPS), (a, b, op) => {
        db.exec('DELETE FROM ca; DELETE FROM cb');
        insA.run(...types.map(() => bind(a)));
        insB.run(...types.map(() => bind(b)));
        types.forEach(([, affA], i) => {
          types.forEach(([, affB], j) => {
            const sa = applyAffinity(a, affA!);
            const sb = applyAffinity(b, affB!);
            expectSame(ours(() => compareOp(op, sa, affA, sb, affB)), sqliteValue(`SELECT ca.c${i} ${op} cb.c${j} FROM ca, cb`), `${affA} ${String(a)} ${op} ${affB} ${String(b)}`);
          });
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('IS / IS NOT match SQLite', () => {
    fc.assert(
      fc.property(arbValueUtf8, arbValueUtf8, (a, b) => {
        expectSame({ value: isOp(a, b) }, sqliteValue('SELECT ? IS ?', [a, b]), `${String(a)} IS ${String(b)}`);
        expectSame({ value: 1n - isOp(a, b) }, sqliteValue('SELECT ? IS NOT ?', [a, b]), `${String(a)} IS NOT ${String(b)}`);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('comparisons with NULL are NULL', () => {
    for (const op of OPS) {
      expect(compareOp(op, null, undefined, 1n, 'INTEGER')).toBeNull();
      expect(compareOp(op, 'a', 'TEXT', null, undefined)).toBeNull();
    }
    expect(isOp(null, null)).toBe(1n);
    expect(isOp(null, 0n)).toBe(0n);
  });
});
