import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';
import { aggregateFunctions, type CallOptions } from '../../../src/sql/functions/index.js';
import { arbInteger, arbReal, arbValueUtf8, db, expectSame, ours, RUNS, sqliteValue } from './oracle.js';

db.exec('CREATE TABLE ag(x, s)');
const ins = db.prepare('INSERT INTO ag VALUES (?, ?)');
const bind = (v: SqlValue) => (v instanceof Uint8Array ? Buffer.from(v) : v);

function run(name: string, rows: SqlValue[][], opts?: CallOptions): SqlValue {
  const f = aggregateFunctions.get(name)!;
  let s = f.init();
  for (const r of rows) s = f.step(s, r, opts);
  return f.final(s);
}

function load(rows: [SqlValue, SqlValue][]): void {
  db.exec('DELETE FROM ag');
  for (const [x, s] of rows) ins.run(bind(x), bind(s));
}

const arbRows = fc.array(fc.tuple(fc.oneof(arbValueUtf8, arbInteger, arbReal), fc.oneof(fc.constantFrom(',', '-', '', null, 7n), arbValueUtf8)), { maxLength: 12 });

describe('aggregates match SQLite', () => {
  const ONE = ['count', 'sum', 'total', 'avg', 'min', 'max', 'group_concat', 'median'];
  for (const name of ONE) {
    it(`${name}(x)`, () => {
      fc.assert(
        fc.property(arbRows, (rows) => {
          load(rows);
          expectSame(ours(() => run(name, rows.map(([x]) => [x]))), sqliteValue(`SELECT ${name}(x) FROM ag`), `${name} over ${rows.map(([x]) => String(x)).join(' ')}`);
        }),
        { numRuns: RUNS * 2 },
      );
    });
  }
  for (const name of ['group_concat', 'string_agg', 'percentile', 'percentile_cont', 'percentile_disc']) {
    it(`${name}(x, s)`, () => {
      const arbArg2 = name.startsWith('percentile') ? fc.constantFrom(0, 0.25, 0.5, 1, 50, 100, 150, -1, 'x', null) : fc.constantFrom(',', '-', '', null, 7n);
      fc.assert(
        fc.property(arbRows, arbArg2, (rows, p) => {
          const r2 = name.startsWith('percentile') ? rows.map(([x]) => [x, p] as [SqlValue, SqlValue]) : rows;
          load(r2);
          expectSame(ours(() => run(name, r2)), sqliteValue(`SELECT ${name}(x, s) FROM ag`), `${name} over ${r2.map((r) => r.map(String).join('/')).join(' ')}`);
        }),
        { numRuns: RUNS * 2 },
      );
    });
  }

  it('integer sums: overflow raises "integer overflow"; a later REAL clears it', () => {
    const big = 2n ** 63n - 1n;
    for (const rows of [[big, 1n], [big, 1n, -1n], [big, 1n, 0.5], [-big, -2n], [big, -big, big, big, 1.5]]) {
      load(rows.map((x) => [x, null]));
      expectSame(ours(() => run('sum', rows.map((x) => [x]))), sqliteValue('SELECT sum(x) FROM ag'), `sum ${rows.join(' ')}`);
      expectSame(ours(() => run('total', rows.map((x) => [x]))), sqliteValue('SELECT total(x) FROM ag'), `total ${rows.join(' ')}`);
      expectSame(ours(() => run('avg', rows.map((x) => [x]))), sqliteValue('SELECT avg(x) FROM ag'), `avg ${rows.join(' ')}`);
    }
    expect(() => run('sum', [[big], [1n]])).toThrow(expect.objectContaining({ code: 'INTEGER_OVERFLOW' }));
  });

  it('empty input: count 0, total 0.0, others NULL', () => {
    load([]);
    for (const name of ['count', 'sum', 'total', 'avg', 'min', 'max', 'group_concat']) {
      expectSame(ours(() => run(name, [])), sqliteValue(`SELECT ${name}(x) FROM ag`), `${name} of nothing`);
    }
  });

  it('min/max use the collation', () => {
    expect(run('max', [['a'], ['B']], { collation: 'NOCASE' })).toBe('B');
    expect(run('max', [['a'], ['B']])).toBe('a');
    expect(run('min', [['a '], ['a']], { collation: 'RTRIM' })).toBe('a ');
  });

  it('DECIMAL sums are exact (extension)', () => {
    const d = (s: string) => Decimal.parse(s)!;
    expect(String(run('sum', [[d('0.1')], [d('0.2')], [1n]]))).toBe('1.3');
    expect(String(run('avg', [[d('1.00')], [d('2.00')], [d('2.00')]]))).toBe('1.6666666666666667');
    expect(run('total', [[d('0.1')], [d('0.2')]])).toBe(0.3);
    expect(run('sum', [[d('0.1')], [0.2]])).toBeCloseTo(0.3, 15);
    expect(run('sum', [[d('0.1')], [null]])).toEqual(d('0.1'));
  });
});
