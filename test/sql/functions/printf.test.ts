import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { SqlValue } from '../../../src/objects/index.js';
import { sqlPrintf } from '../../../src/sql/functions/index.js';
import { arbInteger, arbReal, arbValueUtf8, expectSame, ours, RUNS, sqliteValue } from './oracle.js';

const conversions = ['d', 'i', 'u', 'f', 'e', 'E', 'g', 'G', 'x', 'X', 'o', 'c', 's', 'z', 'q', 'Q', 'w', 'r', 'p', '%', 'n', 'T', 'y'];
const arbSpec = fc
  .record({
    flags: fc.subarray(['-', '+', ' ', '#', '!', '0', ','], { maxLength: 3 }),
    width: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    precision: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    long: fc.constantFrom('', 'l', 'll'),
    conv: fc.constantFrom(...conversions),
  })
  .map(({ flags, width, precision, long, conv }) => `%${flags.join('')}${width ?? ''}${precision === undefined ? '' : '.' + precision}${long}${conv}`);
const arbFormat = fc.array(fc.oneof(arbSpec, fc.constantFrom('abc', ' ', 'é', '%', '')), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
const arbArg = fc.oneof(arbValueUtf8, arbInteger, arbReal, fc.bigInt({ min: -30n, max: 30n }), fc.constantFrom('héllo wörld', "it's", 'a"b', 'tab\there', '😀x'));

function check(fmt: string, args: SqlValue[]): void {
  const sql = `SELECT printf(${['?', ...args.map(() => '?')].join(', ')})`;
  expectSame(ours(() => sqlPrintf(fmt, args)), sqliteValue(sql, [fmt, ...args]), `printf(${JSON.stringify(fmt)}, ${args.map(String).join(', ')})`);
}

describe('printf / format', () => {
  it('matches SQLite for generated format strings and arguments', () => {
    fc.assert(
      fc.property(arbFormat, fc.array(arbArg, { maxLength: 4 }), (fmt, args) => check(fmt, args)),
      { numRuns: RUNS * 20 },
    );
  });

  it('* widths and precisions', () => {
    const small = fc.bigInt({ min: -40n, max: 40n });
    fc.assert(
      fc.property(
        fc.constantFrom('%*d', '%.*d', '%*.*f', '%-*s', '%.*s', '%*c', '%.*c', '%*.*e', '%!.*s', '%*q'),
        small,
        small,
        arbArg,
        (fmt, a, b, v) => {
          const stars = (fmt.match(/\*/g) ?? []).length;
          check(fmt, stars === 2 ? [a, b, v] : [a, v]);
        },
      ),
      { numRuns: RUNS * 5 },
    );
    check('%.*d', [2000000000n, 1n]);
    check('%*d', [2000000000n, 1n]);
  });

  it('floating point conversions', () => {
    fc.assert(
      fc.property(fc.constantFrom('f', 'e', 'g', 'E', 'G'), fc.subarray(['#', '!', '+', '0', ',', '-'], { maxLength: 2 }), fc.option(fc.integer({ min: 0, max: 30 })), fc.option(fc.integer({ min: 0, max: 30 })), arbReal, (c, flags, w, p, r) => {
        check(`%${flags.join('')}${w ?? ''}${p === null ? '' : '.' + p}${c}`, [r]);
      }),
      { numRuns: RUNS * 20 },
    );
  });

  it('documented examples', () => {
    check('%5.2f|%-5d|%05d|%x|%X|%o|%e|%g|%c|%q|%Q|%w|%%', [3.14159, 42n, 42n, 255n, 255n, 8n, 12345.678, 0.0001, 'hello', "it's", null, 'a"b']);
    check('%,d', [1234567n]);
    check('%!.3s|%.3s', ['😀😀😀😀', '😀😀😀😀']);
    check('%10s|%-10s|%!10s', ['é', 'é', 'é']);
    check('%#q|%#Q|%#Q', ['a\\b\tc', 'x\ny', 'plain']);
    check('%.20f %.0f %#.0f %!.20g', [0.1, 2.5, 3.0, 0.1]);
    check('%*d|%-*d|%.*f', [5n, 42n, -5n, 42n, 2n, 3.14159]);
    check('%lld %llu %lx', [-1n, -1n, -1n]);
    check('%s', ['']);
    check('', []);
  });
});
