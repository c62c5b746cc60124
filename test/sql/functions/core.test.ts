import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../../src/objects/index.js';
import { aggregateFunctions, scalarFunctions } from '../../../src/sql/functions/index.js';
import { arbInteger, arbValueUtf8, expectSame, fixedContext, ours, RUNS, sqliteValue } from './oracle.js';

const ctx = fixedContext();

function call(name: string, args: SqlValue[]): SqlValue {
  const f = scalarFunctions.get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f.call(args, ctx);
}

function check(name: string, args: SqlValue[]): void {
  const sql = `SELECT ${name}(${args.map(() => '?').join(', ')})`;
  expectSame(ours(() => call(name, args)), sqliteValue(sql, args), `${name}(${args.map(String).join(', ')})`);
}

/** name → argument counts to test with generic values of every type */
const GENERIC: [string, number[]][] = [
  ['abs', [1]],
  ['char', [0, 1, 3]],
  ['coalesce', [2, 3]],
  ['concat', [1, 2, 3]],
  ['concat_ws', [2, 3, 4]],
  ['format', [1, 2]],
  ['glob', [2]],
  ['hex', [1]],
  ['ifnull', [2]],
  ['iif', [2, 3, 4, 5]],
  ['if', [2, 3]],
  ['instr', [2]],
  ['length', [1]],
  ['like', [2, 3]],
  ['likely', [1]],
  ['unlikely', [1]],
  ['lower', [1]],
  ['upper', [1]],
  ['ltrim', [1, 2]],
  ['rtrim', [1, 2]],
  ['trim', [1, 2]],
  ['max', [2, 3]],
  ['min', [2, 3]],
  ['nullif', [2]],
  ['octet_length', [1]],
  ['printf', [1, 3]],
  ['quote', [1]],
  ['replace', [3]],
  ['round', [1, 2]],
  ['sign', [1]],
  ['soundex', [1]],
  ['substr', [2, 3]],
  ['substring', [2, 3]],
  ['typeof', [1]],
  ['unhex', [1, 2]],
  ['unicode', [1]],
  ['unistr', [1]],
  ['unistr_quote', [1]],
];

describe('core scalar functions match SQLite for arguments of every type', () => {
  for (const [name, arities] of GENERIC) {
    it(`${name}(${arities.join('|')} args)`, () => {
      for (const n of arities) {
        fc.assert(
          fc.property(fc.array(arbValueUtf8, { minLength: n, maxLength: n }), (args) => check(name, args)),
          { numRuns: RUNS },
        );
      }
    });
  }
});

const smallInt = fc.oneof(fc.bigInt({ min: -8n, max: 8n }), arbInteger);
const word = fc.array(fc.constantFrom('a', 'b', 'é', '😀', ' ', 'ab', 'x', ''), { maxLength: 5 }).map((a) => a.join(''));

describe('targeted arguments', () => {
  it('substr with small positions and lengths', () => {
    fc.assert(
      fc.property(fc.oneof(word, arbValueUtf8), smallInt, fc.option(smallInt), (x, p, l) => {
        check('substr', l === null ? [x, p] : [x, p, l]);
      }),
      { numRuns: RUNS * 3 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), smallInt, fc.option(smallInt), (x, p, l) => {
        check('substr', l === null ? [x, p] : [x, p, l]);
      }),
      { numRuns: RUNS },
    );
    check('substr', ['hello', null, 2n]);
    check('substr', ['hello', 2n, null]);
    check('substr', ['hello', 0n]);
  });

  it('trim, replace, instr on words', () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        check('trim', [a, b]);
        check('ltrim', [a, b]);
        check('rtrim', [a, b]);
        check('replace', [a, b, c]);
        check('instr', [a, b]);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('round with digits', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.bigInt({ min: -2n, max: 35n }), (x, n) => {
        check('round', [x, n]);
        check('round', [x]);
      }),
      { numRuns: RUNS * 3 },
    );
    for (const x of [2.5, -2.5, 0.5, 1.005, 2.675, -0.4, 4503599627370497, 1e300]) {
      check('round', [x]);
      check('round', [x, 2n]);
    }
  });

  it('unhex with hex text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('0', '9', 'a', 'F', ' ', '-', 'g', '😀'), { maxLength: 8 }).map((a) => a.join('')), fc.option(fc.constantFrom(' ', '-', ' -', '😀')), (h, pass) => {
        check('unhex', pass === null ? [h] : [h, pass]);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('char of code points', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.bigInt({ min: 0n, max: 0x10ffffn }).filter((c) => c < 0xd800n || c > 0xdfffn), arbInteger), { maxLength: 4 }), (cps) => check('char', cps)),
      { numRuns: RUNS },
    );
  });

  it('zeroblob and randomblob sizes', () => {
    for (const n of [-5n, 0n, 1n, 10n]) {
      check('zeroblob', [n]);
      expectSame(ours(() => BigInt((call('randomblob', [n]) as Uint8Array).length)), sqliteValue('SELECT length(randomblob(?))', [n]), `randomblob(${n})`);
    }
    expectSame(ours(() => call('zeroblob', [2n ** 40n])), sqliteValue('SELECT zeroblob(?)', [2n ** 40n]), 'zeroblob(2^40)');
  });

  it('random() is an INTEGER above the most negative one', () => {
    for (let i = 0; i < 200; i++) {
      const r = call('random', []);
      expect(typeof r).toBe('bigint');
      expect(r as bigint).toBeGreaterThan(-(2n ** 63n));
    }
  });

  it('like/glob errors and blobs', () => {
    check('like', ['a', 'a', 'xy']);
    check('like', ['a', 'a', '']);
    check('like', ['a', 'a', null]);
    check('like', [new Uint8Array([0x61]), 'a']);
    check('glob', ['a', new Uint8Array([0x61])]);
    check('like', ['x'.repeat(50001), 'x']);
  });

  it('abs(-9223372036854775808) raises integer overflow', () => {
    check('abs', [-(2n ** 63n)]);
    expect(() => call('abs', [-(2n ** 63n)])).toThrow(expect.objectContaining({ code: 'INTEGER_OVERFLOW' }));
  });

  it('connection functions read the context', () => {
    expect(call('changes', [])).toBe(3n);
    expect(call('total_changes', [])).toBe(17n);
    expect(call('last_insert_rowid', [])).toBe(42n);
    expect(call('sqlite_version', [])).toBe('3.45.0');
  });

  it('min/max/nullif use the collation they are given', () => {
    const f = scalarFunctions.get('max')!;
    expect(f.call(['a', 'B'], ctx, { collation: 'NOCASE' })).toBe('B');
    expect(f.call(['a', 'B'], ctx)).toBe('a');
    expect(scalarFunctions.get('nullif')!.call(['a ', 'a'], ctx, { collation: 'RTRIM' })).toBeNull();
    expectSame({ value: f.call(['a', 'B'], ctx, { collation: 'NOCASE' }) }, sqliteValue("SELECT max('a', 'B' COLLATE NOCASE)"), 'max nocase');
  });

  it('every function declares sane argument counts and lower-case names', () => {
    for (const [name, f] of scalarFunctions) {
      expect(name).toBe(name.toLowerCase());
      expect(f.minArgs).toBeGreaterThanOrEqual(0);
      expect(f.maxArgs === -1 || f.maxArgs >= f.minArgs).toBe(true);
    }
    for (const [name, f] of aggregateFunctions) {
      expect(name).toBe(name.toLowerCase());
      expect(f.maxArgs === -1 || f.maxArgs >= f.minArgs).toBe(true);
    }
  });
});
