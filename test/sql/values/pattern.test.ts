import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, likeMatch } from '../../../src/sql/values/index.js';
import { expectSame, ours, RUNS, sqliteValue } from '../functions/oracle.js';

const chars = ['a', 'A', 'b', 'B', 'z', '%', '_', '*', '?', '[', ']', '^', '-', '\\', 'é', 'É', '😀', ' ', 'x'];
const arbPat = fc.array(fc.constantFrom(...chars), { maxLength: 8 }).map((a) => a.join(''));
const arbStr = fc.array(fc.constantFrom(...chars.filter((c) => c !== '\\')), { maxLength: 8 }).map((a) => a.join(''));

describe('LIKE', () => {
  it('matches SQLite (case-insensitive for ASCII only)', () => {
    fc.assert(
      fc.property(arbPat, arbStr, (p, s) => {
        expectSame(ours(() => (likeMatch(p, s) ? 1n : 0n)), sqliteValue('SELECT ? LIKE ?', [s, p]), `'${s}' LIKE '${p}'`);
      }),
      { numRuns: RUNS * 10 },
    );
  });
  it('with ESCAPE matches SQLite', () => {
    fc.assert(
      fc.property(arbPat, arbStr, fc.constantFrom('\\', '%', '_', 'a', 'é'), (p, s, e) => {
        expectSame(ours(() => (likeMatch(p, s, e) ? 1n : 0n)), sqliteValue('SELECT ? LIKE ? ESCAPE ?', [s, p, e]), `'${s}' LIKE '${p}' ESCAPE '${e}'`);
      }),
      { numRuns: RUNS * 10 },
    );
  });
  it('case-sensitive mode', () => {
    expect(likeMatch('a%', 'ABC', undefined, true)).toBe(false);
    expect(likeMatch('A%', 'ABC', undefined, true)).toBe(true);
    expect(likeMatch('a%', 'ABC')).toBe(true);
    expect(likeMatch('é', 'É')).toBe(false);
  });
  it('cached fast paths agree with the general matcher on words', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 10 }), fc.constantFrom('', '%'), fc.constantFrom('', '%'), (lit, s, pre, post) => {
        const p = pre + lit + post;
        expectSame(ours(() => (likeMatch(p, s) ? 1n : 0n)), sqliteValue('SELECT ? LIKE ?', [s, p]), `'${s}' LIKE '${p}'`);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('GLOB', () => {
  it('matches SQLite', () => {
    fc.assert(
      fc.property(arbPat, arbStr, (p, s) => {
        expectSame(ours(() => (globMatch(p, s) ? 1n : 0n)), sqliteValue('SELECT ? GLOB ?', [s, p]), `'${s}' GLOB '${p}'`);
      }),
      { numRuns: RUNS * 10 },
    );
  });
  it('sets and ranges', () => {
    for (const [p, s] of [['[a-c]x', 'bx'], ['[^a-c]x', 'bx'], ['[]]', ']'], ['[a-]', '-'], ['*[0-9]', 'abc7'], ['?*', '']] as const) {
      expectSame(ours(() => (globMatch(p, s) ? 1n : 0n)), sqliteValue('SELECT ? GLOB ?', [s, p]), `'${s}' GLOB '${p}'`);
    }
  });
});
