import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkRefName,
  checkRemoteRefName,
  looksLikeCidPrefix,
  parseRefExpression,
  refNameProblem,
} from '../../src/refs/index.js';
import { InvalidRefNameError } from '../../src/errors/index.js';

describe('ref names', () => {
  const valid = ['main', 'feature/login', 'release-2024.1', 'q1_audit', 'a', 'x/y/z', 'ünïcödé', 'v1.0', 'a.b', '@x', 'a@b'];
  const invalid: [string, string][] = [
    ['', 'empty'],
    ['a b', 'whitespace'],
    ['tab\there', 'control'],
    ['a~1', '"~"'],
    ['a^', '"^"'],
    ['a:b', '":"'],
    ['a?', '"?"'],
    ['a*', '"*"'],
    ['a[0]', '"["'],
    ['a\\b', '"\\"'],
    ['a..b', '".."'],
    ['a@{1}', '"@{"'],
    ['@', 'reserved'],
    ['HEAD', 'reserved'],
    ['-x', 'starts with "-"'],
    ['/x', '"/"'],
    ['x/', '"/"'],
    ['a//b', '"//"'],
    ['x.', 'ends with "."'],
    ['.hidden', 'starts with "."'],
    ['a/.b', 'starts with "."'],
    ['x.lock', '.lock'],
    ['a/b.lock/c', '.lock'],
    ['x'.repeat(256), 'longer than 255'],
  ];

  for (const n of valid) {
    it(`accepts ${JSON.stringify(n)}`, () => {
      expect(refNameProblem(n)).toBeUndefined();
      expect(() => checkRefName(n)).not.toThrow();
    });
  }
  for (const [n, why] of invalid) {
    it(`rejects ${JSON.stringify(n.slice(0, 20))} (${why})`, () => {
      expect(refNameProblem(n)).toContain(why);
      try {
        checkRefName(n);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidRefNameError);
        expect((err as InvalidRefNameError).code).toBe('INVALID_REF_NAME');
      }
    });
  }

  it('no valid name contains a character that ref expressions or keys use', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        if (refNameProblem(s) === undefined) {
          expect(s).not.toMatch(/[~^:\s]/);
          expect(parseRefExpression(s)).toEqual({ base: s, steps: [] });
        }
      }),
    );
  });

  it('remote-tracking names are <remote>/<branch>', () => {
    expect(checkRemoteRefName('origin/main')).toEqual({ remote: 'origin', branch: 'main' });
    expect(checkRemoteRefName('origin/feature/x')).toEqual({ remote: 'origin', branch: 'feature/x' });
    expect(() => checkRemoteRefName('origin')).toThrow(InvalidRefNameError);
    expect(() => checkRemoteRefName('origin/')).toThrow(InvalidRefNameError);
  });
});

describe('ref expressions', () => {
  const cases: [string, string, [string, number][]][] = [
    ['main', 'main', []],
    ['main~', 'main', [['~', 1]]],
    ['main~3', 'main', [['~', 3]]],
    ['main^', 'main', [['^', 1]]],
    ['main^2', 'main', [['^', 2]]],
    ['main^0', 'main', [['^', 0]]],
    ['main~2^', 'main', [['~', 2], ['^', 1]]],
    ['feature/x^^~10^2', 'feature/x', [['^', 1], ['^', 1], ['~', 10], ['^', 2]]],
    ['origin/main~1', 'origin/main', [['~', 1]]],
  ];
  for (const [text, baseName, steps] of cases) {
    it(`parses ${text}`, () => {
      expect(parseRefExpression(text)).toEqual({ base: baseName, steps: steps.map(([op, n]) => ({ op, n })) });
    });
  }
  for (const bad of ['~1', '^', 'main~x', 'main^a', 'main~1x', 'main~99999999999999999999']) {
    it(`rejects ${bad}`, () => {
      expect(() => parseRefExpression(bad)).toThrow(InvalidRefNameError);
    });
  }

  it('recognises CID prefixes of at least 11 base32 characters', () => {
    expect(looksLikeCidPrefix('bafyreiabcd')).toBe(true);
    expect(looksLikeCidPrefix('bafyreiabc')).toBe(false);
    expect(looksLikeCidPrefix('Bafyreiabcd')).toBe(false);
    expect(looksLikeCidPrefix('bafyrei0bcd')).toBe(false);
    expect(looksLikeCidPrefix('main')).toBe(false);
  });
});
