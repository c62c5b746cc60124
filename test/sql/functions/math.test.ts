import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';
import { scalarFunctions } from '../../../src/sql/functions/index.js';
import { arbValueUtf8, fixedContext, ours, RUNS, showOutcome, sqliteValue, type Outcome } from './oracle.js';

const ctx = fixedContext();
const ONE: string[] = ['ceil', 'ceiling', 'floor', 'trunc', 'ln', 'log', 'log10', 'log2', 'exp', 'acos', 'asin', 'atan', 'cos', 'sin', 'tan', 'cosh', 'sinh', 'tanh', 'acosh', 'asinh', 'atanh', 'sqrt', 'radians', 'degrees', 'sign', 'abs'];
const TWO: string[] = ['pow', 'power', 'mod', 'atan2', 'log'];

/**
 * Same type and value; REAL results may differ in the last bits because V8's Math library and
 * the C library are not bit-identical (relative difference ≤ 1e-14).
 */
function close(mine: Outcome, theirs: Outcome, what: string): void {
  const ok = (() => {
    if ('error' in mine || 'error' in theirs) return 'error' in mine && 'error' in theirs && mine.error === theirs.error;
    const a = mine.value;
    const b = theirs.value;
    if (typeof a === 'number' && typeof b === 'number') {
      if (Object.is(a, b)) return true;
      if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
      return Math.abs(a - b) <= 1e-14 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 1e-300;
    }
    return typeof a === typeof b && a === b;
  })();
  if (!ok) expect.fail(`${what}: ours ${showOutcome(mine)} ≠ SQLite ${showOutcome(theirs)}`);
}

const arbArg = fc.oneof(arbValueUtf8, fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(0.5, -0.5, 1, -1, 2, 0, '0.5', '2', ' 3 ', '4x'));

describe('math functions', () => {
  for (const name of ONE) {
    it(`${name}(x)`, () => {
      fc.assert(
        fc.property(arbArg, (x) => {
          close(ours(() => scalarFunctions.get(name)!.call([x], ctx)), sqliteValue(`SELECT ${name}(?)`, [x]), `${name}(${String(x)})`);
        }),
        { numRuns: RUNS * 2 },
      );
    });
  }
  for (const name of TWO) {
    it(`${name}(x, y)`, () => {
      fc.assert(
        fc.property(arbArg, arbArg, (x, y) => {
          close(ours(() => scalarFunctions.get(name)!.call([x, y], ctx)), sqliteValue(`SELECT ${name}(?, ?)`, [x, y]), `${name}(${String(x)}, ${String(y)})`);
        }),
        { numRuns: RUNS * 2 },
      );
    });
  }
  it('pi()', () => {
    close(ours(() => scalarFunctions.get('pi')!.call([], ctx)), sqliteValue('SELECT pi()'), 'pi()');
  });
  it('ceil/floor/trunc/round keep DECIMAL exact (extension)', () => {
    const d = new Decimal(-2501n, 3);
    const f = (n: string, ...a: SqlValue[]) => scalarFunctions.get(n)!.call([d, ...a], ctx);
    expect(String(f('ceil'))).toBe('-2');
    expect(String(f('floor'))).toBe('-3');
    expect(String(f('trunc'))).toBe('-2');
    expect(String(f('round', 2n))).toBe('-2.50');
    expect(String(f('abs'))).toBe('2.501');
    expect(f('sign')).toBe(-1n);
  });
});
