/**
 * Window functions against SQLite: random small tables and random window queries (functions,
 * PARTITION BY, ORDER BY, ROWS / RANGE / GROUPS frames with every bound and EXCLUDE) must give
 * exactly SQLite's rows. Queries are built so that SQLite's answer does not depend on the order
 * of peers: with a frame that depends on row order the window ORDER BY ends in the primary key;
 * with ties (RANGE and GROUPS over a key with duplicates) only functions that see peer-closed
 * sets are used.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pair } from '../engine/helpers.js';

const LONG = process.env.HDB_LONG === '1';

interface TRow {
  g: number | null;
  x: number | null;
  y: number | null;
  s: string | null;
  /** Mixed types: INTEGER, REAL, numeric and other TEXT, BLOB, NULL. */
  m: number | string | Uint8Array | null;
}

const rowArb: fc.Arbitrary<TRow> = fc.record({
  g: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 6 }),
  x: fc.option(fc.integer({ min: -4, max: 6 }), { freq: 5 }),
  // Multiples of 0.5: sums are exact, so REAL results compare exactly.
  y: fc.option(fc.integer({ min: -6, max: 6 }).map((n) => n / 2), { freq: 5 }),
  s: fc.option(fc.constantFrom('a', 'b', 'B', 'c', 'dd'), { freq: 5 }),
  m: fc.option(
    fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.integer({ min: -5, max: 5 }).map((n) => n / 2),
      fc.constantFrom('1', '2.5', 'a', 'Z', ''),
      fc.constantFrom(new Uint8Array([0]), new Uint8Array([1, 2])),
    ),
    { freq: 6 },
  ),
});

const UNITS = ['ROWS', 'RANGE', 'GROUPS'] as const;
type Units = (typeof UNITS)[number];

const boundArb = (end: boolean, offsets: boolean): fc.Arbitrary<string> => {
  const opts: fc.Arbitrary<string>[] = [
    fc.constant(end ? 'UNBOUNDED FOLLOWING' : 'UNBOUNDED PRECEDING'),
    fc.constant('CURRENT ROW'),
  ];
  if (offsets) {
    opts.push(fc.integer({ min: 0, max: 3 }).map((n) => `${n} PRECEDING`));
    opts.push(fc.integer({ min: 0, max: 3 }).map((n) => `${n} FOLLOWING`));
  }
  return fc.oneof(...opts);
};

const rank = (b: string): number => (b.startsWith('UNBOUNDED P') ? 0 : b.endsWith('PRECEDING') ? 1 : b === 'CURRENT ROW' ? 2 : b.endsWith('FOLLOWING') && !b.startsWith('UNBOUNDED') ? 3 : 4);

/** A frame clause (or none); `offsets`: n PRECEDING / FOLLOWING allowed. */
const frameArb = (units: Units[], offsets: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...units), boundArb(false, offsets), boundArb(true, offsets), fc.constantFrom('', ' EXCLUDE NO OTHERS', ' EXCLUDE CURRENT ROW', ' EXCLUDE GROUP', ' EXCLUDE TIES'))
        .filter(([, s, e]) => {
          const a = rank(s);
          const b = rank(e);
          // SQLite: "unsupported frame specification"
          return !(a === 3 && b <= 2) && !(a === 2 && b === 1);
        })
        .map(([u, s, e, x]) => ` ${u} BETWEEN ${s} AND ${e}${x}`),
    },
  );

const partArb = fc.constantFrom('', 'PARTITION BY g ', 'PARTITION BY s ', 'PARTITION BY g, s ', 'PARTITION BY s COLLATE NOCASE ', 'PARTITION BY m ');

const ANY_ORDER_AGGS = ['count(m)', 'min(m)', 'max(m)', 'sum(m)', 'avg(m)', 'count(*)', 'count(x)', 'sum(x)', 'total(y)', 'avg(y)', 'sum(y)', 'min(x)', 'max(x)', 'min(s)', 'max(s)', 'count(s)', 'sum(x) FILTER (WHERE y > 0)', 'max(y) FILTER (WHERE g = 1)', 'count(*) FILTER (WHERE s IS NOT NULL)'];
const ORDERED_FNS = [
  'row_number()',
  'lag(x)',
  'lead(s)',
  'lag(y, 2)',
  'lead(x, 1, -100)',
  'lag(s, 0)',
  'ntile(3)',
  'ntile(2)',
  'first_value(s)',
  'last_value(x)',
  'nth_value(y, 2)',
  'nth_value(s, 1)',
  'group_concat(s)',
  "group_concat(x, '|')",
  'json_group_array(x)',
];
const PEER_FNS = ['rank()', 'dense_rank()', 'percent_rank()', 'cume_dist()'];

/** A window whose ORDER BY ends in the key: rows are totally ordered. */
const orderedQuery = fc
  .tuple(
    fc.constantFrom(...ORDERED_FNS, ...ANY_ORDER_AGGS, ...PEER_FNS),
    partArb,
    fc.constantFrom('x', 'x DESC', 's', 's DESC NULLS FIRST', 'x NULLS LAST', 'y DESC', 'g, x', 'm', 'm DESC'),
    frameArb(['ROWS', 'RANGE', 'GROUPS'], true),
  )
  .map(([fn, p, o, f]) => {
    // RANGE with an offset needs a single ORDER BY term: use ROWS then.
    const frame = /RANGE BETWEEN .*(\d) (PRECEDING|FOLLOWING)/.test(f) ? f.replace('RANGE', 'ROWS') : f;
    return `SELECT id, ${fn} OVER (${p}ORDER BY ${o}, id${frame}) FROM t ORDER BY id`;
  });

/** A window over a key with ties: only peer-insensitive functions. */
const peerQuery = fc
  .tuple(
    fc.constantFrom(...ANY_ORDER_AGGS, ...PEER_FNS),
    partArb,
    fc.constantFrom('', 'ORDER BY x', 'ORDER BY x DESC', 'ORDER BY s', 'ORDER BY s DESC', 'ORDER BY y NULLS LAST', 'ORDER BY g DESC NULLS LAST', 'ORDER BY m', 'ORDER BY m DESC NULLS LAST', 'ORDER BY s COLLATE NOCASE'),
    frameArb(['RANGE', 'GROUPS'], true),
  )
  .filter(([, , o, f]) => o !== '' || !/\d (PRECEDING|FOLLOWING)/.test(f))
  .map(([fn, p, o, f]) => `SELECT id, ${fn} OVER (${p}${o}${f}) FROM t ORDER BY id`);

const queryArb = fc.oneof(orderedQuery, peerQuery);

function sql(v: number | string | Uint8Array | null): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (typeof v === 'string') return `'${v}'`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

describe('window functions agree with SQLite', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await Pair.create();
    await pair.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, g INTEGER, x INTEGER, y REAL, s TEXT, m)');
  });
  afterAll(async () => {
    await pair.close();
  });

  it('on random tables and random window queries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 0, maxLength: 14 }), fc.array(queryArb, { minLength: 6, maxLength: 6 }), async (rows, queries) => {
        await pair.exec('DELETE FROM t');
        if (rows.length) {
          await pair.exec(`INSERT INTO t (g, x, y, s, m) VALUES ${rows.map((r) => `(${sql(r.g)}, ${sql(r.x)}, ${sql(r.y)}, ${sql(r.s)}, ${sql(r.m)})`).join(', ')}`);
        }
        for (const q of queries) {
          const want = pair.sqliteRows(q);
          const got = await pair.heliosRows(q);
          expect(got, q).toEqual(want);
        }
      }),
      { numRuns: LONG ? 1000 : 80 },
    );
  }, 120_000);

  it('on window functions in aggregate queries, DISTINCT, ORDER BY and LIMIT', async () => {
    const shapes = [
      'SELECT g, sum(x), sum(sum(x)) OVER (ORDER BY g), rank() OVER (ORDER BY count(*) DESC, g) FROM t GROUP BY g ORDER BY g',
      'SELECT g, count(*) AS n, lag(count(*)) OVER (ORDER BY g) FROM t GROUP BY g HAVING count(*) > 1 ORDER BY g',
      'SELECT DISTINCT g, max(x) OVER (PARTITION BY g) FROM t ORDER BY 1',
      'SELECT id, x FROM t ORDER BY row_number() OVER (ORDER BY x DESC, id), id LIMIT 5',
      'SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t ORDER BY rn DESC LIMIT 3 OFFSET 1',
      'SELECT id, sum(x) OVER w, avg(y) OVER w, count(*) OVER (w ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t WINDOW w AS (PARTITION BY g ORDER BY id) ORDER BY id',
      'SELECT s, group_concat(x) OVER (PARTITION BY s ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t ORDER BY id',
      'SELECT id, (SELECT count(*) FROM t AS u WHERE u.g = t.g), row_number() OVER (PARTITION BY g ORDER BY id) FROM t ORDER BY id',
      'SELECT * FROM (SELECT id, rank() OVER (PARTITION BY g ORDER BY x) AS r FROM t) WHERE r = 1 ORDER BY id',
      'SELECT id, x - lag(x) OVER (ORDER BY id) AS change FROM t ORDER BY id',
      'SELECT max(x), min(y), count(*) OVER () FROM t',
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 0, maxLength: 12 }), async (rows) => {
        await pair.exec('DELETE FROM t');
        if (rows.length) {
          await pair.exec(`INSERT INTO t (g, x, y, s, m) VALUES ${rows.map((r) => `(${sql(r.g)}, ${sql(r.x)}, ${sql(r.y)}, ${sql(r.s)}, ${sql(r.m)})`).join(', ')}`);
        }
        for (const q of shapes) expect(await pair.heliosRows(q), q).toEqual(pair.sqliteRows(q));
      }),
      { numRuns: LONG ? 300 : 25 },
    );
  }, 120_000);
});
