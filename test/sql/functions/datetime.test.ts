// A zone with daylight saving time, so that localtime/utc are exercised (set before any use).
process.env.TZ = 'America/New_York';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../../src/objects/index.js';
import { scalarFunctions } from '../../../src/sql/functions/index.js';
import { expectSame, fixedContext, ours, RUNS, sqliteValue } from './oracle.js';

const NOW = new Date(Date.UTC(2024, 4, 6, 12, 34, 56, 789));
const NOW_TEXT = '2024-05-06 12:34:56.789';
const ctx = fixedContext(NOW);

const timeValues: SqlValue[] = [
  '2024-02-29', '2024-02-29 13:45', '2024-02-29T13:45:30', '2024-02-29 13:45:30.123456', '2023-02-31', '2024-01-31 23:59:59.999',
  '2024-03-10 02:30:00', '2024-11-03 01:30:00', '13:45', '13:45:30.5', '24:00', '2024-06-15 10:00:00+05:30', '2024-06-15 10:00:00-08:00',
  '2024-06-15 10:00:00Z', '2024-06-15 10:00:00 +00:00', '-0044-03-15', '0000-01-01', '9999-12-31 23:59:59', '1969-07-20 20:17:40',
  '2038-01-19 03:14:08', '1900-03-01', '2100-02-28 12:00', 2460436.5, 0, 1715000000, 1715000000.123, -1, 5373484.4, 5373485, 1e12,
  2460436n, 1715000000n, '2460436.5', '1715000000', 'abc', '', '2024-13-01', '2024-00-10', '2024-1-1', ' 2024-01-01', '2024-01-01 ',
  'subsec', 'now', null,
];

const modifiers: string[] = [
  '+1 day', '-1 day', '+3 days', '+1.5 days', '-0.25 day', '+1 month', '-1 month', '+13 months', '+1.5 months', '+1 year', '-2 years',
  '+0.5 years', '+5 hours', '-90 minutes', '+10.25 seconds', '+86400 seconds', '+10 secs', '+1 DAY', 'start of month', 'start of year',
  'start of day', 'START OF MONTH', 'weekday 0', 'weekday 1', 'weekday 6', 'weekday 7', 'weekday 1.5', 'unixepoch', 'julianday', 'auto',
  'subsec', 'subsecond', 'localtime', 'utc', 'ceiling', 'floor', '+01:30', '-00:00:10.5', '+12:00:00', '+0001-02-03', '-0001-02-03',
  '+0001-02-03 04:05', '-0000-01-00 12:00', '+00012-01-01', 'bogus', '+', '+1', '+1 fortnight', '1 day', '', '+9999999999 days',
];

const ALL = ['date', 'time', 'datetime', 'julianday', 'unixepoch'];

function sqliteArg(v: SqlValue): SqlValue {
  return v === 'now' ? NOW_TEXT : v;
}

function check(name: string, args: SqlValue[]): void {
  // SQLite's 'now' is the wall clock; give it the same fixed instant as text instead
  if (args.includes('subsec')) {
    if (name === 'timediff' || args.indexOf('subsec') === (name === 'strftime' ? 1 : 0)) return; // 'subsec' as the time value is the wall clock
  }
  if (args.some((a) => a === 'now') && args.some((a) => a === 'utc' || a === 'localtime' || a === 'auto' || a === 'unixepoch' || a === 'julianday')) return;
  const sql = `SELECT ${name}(${args.map(() => '?').join(', ')})`;
  expectSame(ours(() => scalarFunctions.get(name)!.call(args, ctx)), sqliteValue(sql, args.map(sqliteArg)), `${name}(${args.map(String).join(', ')})`);
}

describe('date and time functions (fixed now, TZ=America/New_York)', () => {
  for (const name of ALL) {
    it(`${name} with modifiers`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...timeValues), fc.array(fc.constantFrom(...modifiers), { maxLength: 3 }), (t, mods) => check(name, [t, ...mods])),
        { numRuns: RUNS * 3 },
      );
      for (const t of timeValues) check(name, [t]);
    });
  }

  it('strftime with every conversion', () => {
    const fmts = ['%d|%e|%f|%F|%G|%g|%H|%k|%I|%l|%j|%J|%m|%M|%p|%P|%R|%s|%S|%T|%u|%w|%U|%V|%W|%Y|%%', '%Q', 'plain', '%', '%Y-%m-%d %H:%M:%f', ''];
    fc.assert(
      fc.property(fc.constantFrom(...fmts), fc.constantFrom(...timeValues), fc.array(fc.constantFrom(...modifiers), { maxLength: 2 }), (f, t, mods) => check('strftime', [f, t, ...mods])),
      { numRuns: RUNS * 3 },
    );
    for (const t of timeValues) check('strftime', ['%d|%e|%f|%F|%G|%g|%H|%k|%I|%l|%j|%J|%m|%M|%p|%P|%R|%s|%S|%T|%u|%w|%U|%V|%W|%Y', t]);
  });

  it('timediff', () => {
    fc.assert(
      fc.property(fc.constantFrom(...timeValues), fc.constantFrom(...timeValues), (a, b) => check('timediff', [a, b])),
      { numRuns: RUNS * 3 },
    );
  });

  it("'now' is the statement's fixed time", () => {
    const f = (name: string, ...a: SqlValue[]) => scalarFunctions.get(name)!.call(a, ctx);
    expect(f('datetime', 'now')).toBe('2024-05-06 12:34:56');
    expect(f('datetime', 'now', 'subsec')).toBe('2024-05-06 12:34:56.789');
    expect(f('datetime', 'subsec')).toBe('2024-05-06 12:34:56.789');
    expect(f('unixepoch')).toBe(BigInt(Math.floor(NOW.getTime() / 1000)));
    expect(f('current_timestamp')).toBe('2024-05-06 12:34:56');
    expect(f('current_date')).toBe('2024-05-06');
    expect(f('current_time')).toBe('12:34:56');
    expect(f('date')).toBe('2024-05-06');
    expect(f('datetime', 'now', 'localtime')).toBe('2024-05-06 08:34:56');
    expect(f('datetime', '2024-05-06 08:34:56', 'utc')).toBe('2024-05-06 12:34:56');
    expectSame({ value: f('julianday', 'now') }, sqliteValue('SELECT julianday(?)', [NOW_TEXT]), 'julianday(now)');
  });

  it('date functions are not deterministic (they may read now)', () => {
    for (const n of ['date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime', 'timediff']) expect(scalarFunctions.get(n)!.deterministic).toBe(false);
  });
});
