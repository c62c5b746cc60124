/**
 * Syntax errors: SQLite's messages, 1-based line/column, 0-based offset and the offending
 * token; parseOne's statement count; deep nesting; and a fuzz check that no input makes the
 * parser throw anything but SqlSyntaxError, or hang.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SqlSyntaxError } from '../../../src/errors/index.js';
import { MAX_EXPR_DEPTH, parse, parseExpression, parseOne } from '../../../src/sql/parser/index.js';
import { parseError, syntaxError } from './helpers.js';

describe('messages and positions', () => {
  it('near "X": syntax error, at the offending token', () => {
    const e = parseError('SELECT * FORM t');
    expect(e.code).toBe('SQL_SYNTAX');
    expect(e.message).toBe('near "FORM": syntax error (at line 1, column 10)');
    expect(e.position).toEqual({ line: 1, column: 10, offset: 9, token: 'FORM' });
  });

  it('reports lines and columns in multi-line text', () => {
    const sql = 'SELECT a,\n       b\n  FROM t\n WHERE a = = 1';
    const e = parseError(sql);
    expect(e.position).toEqual({ line: 4, column: 12, offset: sql.lastIndexOf('= 1'), token: '=' });
  });

  it('reports the error in a later statement of a script relative to the whole script', () => {
    const sql = 'SELECT 1;\nSELECT 2;\nSELECT FROM';
    const e = parseError(sql);
    expect(e.message).toMatch(/^near "FROM": syntax error/);
    expect(e.position).toMatchObject({ line: 3, column: 8, offset: sql.lastIndexOf('FROM') });
  });

  it('incomplete input at the end of the text', () => {
    for (const sql of ['SELECT (1', 'SELECT * FROM', 'CREATE TABLE', 'SELECT 1 +', "INSERT INTO t VALUES (1, 'a'", 'CREATE TRIGGER r INSERT ON t BEGIN SELECT 1;']) {
      const e = parseError(sql);
      expect(e.message, sql).toMatch(/^incomplete input/);
      expect(e.position!.offset, sql).toBe(sql.length);
    }
    expect(parseError('SELECT (1\n').position).toMatchObject({ line: 2, column: 1, offset: 10 });
  });

  it('unrecognized tokens, as SQLite reports them', () => {
    const cases: [string, string, number][] = [
      ["SELECT 'abc", "'abc", 8],
      ['SELECT 1 ^ 2', '^', 10],
      ['SELECT 123abc', '123abc', 8],
      ['SELECT 0x', '0x', 8],
      ['SELECT 1e', '1e', 8],
      ["SELECT x'abc'", "x'abc'", 8],
      ["SELECT X'zz'", "X'zz'", 8],
      ['SELECT "abc', '"abc', 8],
      ['SELECT [abc', '[abc', 8],
      ['SELECT 1 ! 2', '!', 10],
    ];
    for (const [sql, token, column] of cases) {
      const e = parseError(sql);
      expect(e.message, sql).toBe(`unrecognized token: "${token}" (at line 1, column ${column})`);
      expect(e.position, sql).toEqual({ line: 1, column, offset: column - 1, token });
    }
  });

  it('reports the token where the text stopped being a valid prefix, as SQLite does', () => {
    expect(parseError('SELECT a NOT FROM t').message).toMatch(/^near "FROM": syntax error/);
    expect(parseError('SELECT 1 NOT 2').message).toMatch(/^near "2": syntax error/);
    expect(parseError('SELECT * FROM t WHERE a LIKE').message).toMatch(/^incomplete input/);
  });

  it('errors that follow SQLite: ESCAPE outside LIKE, stray tokens, duplicate clauses', () => {
    expect(parseError('SELECT 1 ESCAPE 2').message).toMatch(/^near "ESCAPE": syntax error/);
    expect(parseError('SELECT 1 2').message).toMatch(/^near "2": syntax error/);
    expect(parseError('SELECT a FROM t WHERE a WHERE b').message).toMatch(/^near "WHERE": syntax error/);
    expect(parseError('SELECT 1 UNION SELECT 2 ORDER BY 1 UNION SELECT 3').message).toMatch(/^near "UNION": syntax error/);
    expect(parseError('SELECT * FROM a LEFT b').message).toMatch(/^near "b": syntax error/);
    expect(parseError('DROP THING x').message).toMatch(/^near "THING": syntax error/);
  });

  it('positions count UTF-16 code units, like JavaScript strings', () => {
    const sql = "SELECT '😀é', a b bad";
    const e = parseError(sql);
    expect(e.position).toMatchObject({ offset: sql.lastIndexOf('bad'), column: sql.lastIndexOf('bad') + 1, token: 'bad' });
  });
});

describe('parseOne and parseExpression', () => {
  it('parseOne wants exactly one statement', () => {
    expect(parseOne('SELECT 1;').kind).toBe('select');
    expect(syntaxError(() => parseOne('  ')).message).toMatch(/contains no statements/);
    const e = syntaxError(() => parseOne('SELECT 1; SELECT 2'));
    expect(e.message).toMatch(/contains more than one statement/);
    expect(e.position).toMatchObject({ line: 1, column: 11, offset: 10 });
  });

  it('rejects non-strings with a TypeError (API misuse)', () => {
    expect(() => parse(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('deep nesting never crashes', () => {
  const shapes: [string, (n: number) => string][] = [
    ['parentheses', (n) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)}`],
    ['unary minus', (n) => `SELECT ${'- '.repeat(n)}1`],
    ['NOT', (n) => `SELECT ${'NOT '.repeat(n)}1`],
    ['additions', (n) => `SELECT 1${' + 1'.repeat(n)}`],
    ['ANDs', (n) => `SELECT 1${' AND 1'.repeat(n)}`],
    ['comparisons', (n) => `SELECT 1${' = 1'.repeat(n)}`],
    ['subqueries', (n) => `SELECT ${'(SELECT '.repeat(n)}1${')'.repeat(n)}`],
    ['CASE', (n) => `SELECT ${'CASE WHEN 1 THEN '.repeat(n)}1${' END'.repeat(n)}`],
    ['function calls', (n) => `SELECT ${'abs('.repeat(n)}1${')'.repeat(n)}`],
    ['unclosed', (n) => `SELECT ${'('.repeat(n)}`],
  ];
  for (const [name, make] of shapes) {
    it(`${name}: 2000 and 20000 levels give a result or a SqlSyntaxError`, () => {
      for (const n of [2000, 20000]) {
        try {
          parse(make(n));
        } catch (e) {
          expect(e, `${name} ${n}`).toBeInstanceOf(SqlSyntaxError);
        }
      }
      expect(parse('SELECT 1')).toHaveLength(1); // the shared parser still works
    });
  }

  it('parentheses alone do not count towards the depth limit; operators do', () => {
    expect(() => parse(`SELECT ${'('.repeat(1500)}1${')'.repeat(1500)}`)).not.toThrow();
    expect(() => parse(`SELECT 1${' + 1'.repeat(MAX_EXPR_DEPTH - 10)}`)).not.toThrow();
    expect(() => parse(`SELECT 1${' + 1'.repeat(MAX_EXPR_DEPTH + 10)}`)).toThrow(/Expression tree is too large \(maximum depth 1000\)/);
    expect(() => parse(`SELECT 1${' OR 1'.repeat(MAX_EXPR_DEPTH + 10)}`)).toThrow(/Expression tree is too large/);
    expect(() => parseExpression(`${'-'.repeat(MAX_EXPR_DEPTH + 10)}1`)).toThrow(SqlSyntaxError);
  });
});

const fixture = JSON.parse(readFileSync(new URL('./fixtures/slt-sample.json', import.meta.url), 'utf8')) as {
  records: { sql: string }[];
};
const seeds = fixture.records.map((r) => r.sql).filter((s) => s.length < 400);

/** Parses, and requires success or a well-formed SqlSyntaxError. */
function parsesOrFailsCleanly(sql: string): void {
  try {
    parse(sql);
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw e;
    const p = e.position!;
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.column).toBeGreaterThanOrEqual(1);
    expect(p.offset).toBeGreaterThanOrEqual(0);
    expect(p.offset).toBeLessThanOrEqual(sql.length);
  }
}

describe('fuzz: only SqlSyntaxError, never a crash or a hang', () => {
  const runs = process.env.HDB_LONG ? 20_000 : 1500;
  const tokens = [
    'SELECT', 'FROM', 'WHERE', '(', ')', ',', ';', '*', '+', '-', '=', 'AND', 'OR', 'NOT', 'NULL', 'IN', 'BETWEEN', 'CASE', 'WHEN',
    'THEN', 'END', 'AS', 'OF', 'TIMESTAMP', 'JOIN', 'ON', 'a', 't', '1', "'s'", 'x\'00\'', '?', ':p', 'CREATE', 'TABLE', 'INSERT',
    'INTO', 'VALUES', 'BEGIN', 'TRIGGER', 'ESCAPE', 'LIKE', 'IS', 'DISTINCT', 'COLLATE', 'CAST', 'UNION', 'ORDER', 'BY', 'LIMIT',
    'MERGE', 'BRANCH', 'WITH', '"q', '/*', '--', '0x', '9223372036854775808', '.', '->', '||',
  ];

  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), parsesOrFailsCleanly), { numRuns: runs });
  });

  it('random token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 60 }), (ts) => parsesOrFailsCleanly(ts.join(' '))),
      { numRuns: runs },
    );
  });

  it('mutated corpus statements (deleted, inserted and swapped tokens)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...tokens), fc.constantFrom('delete', 'insert', 'replace')), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          const words = seed.split(/(\s+)/);
          for (const [at, token, op] of edits) {
            const i = at % Math.max(1, words.length);
            if (op === 'delete') words.splice(i, 1);
            else if (op === 'insert') words.splice(i, 0, ` ${token} `);
            else words[i] = token;
          }
          parsesOrFailsCleanly(words.join(''));
        },
      ),
      { numRuns: runs },
    );
  });

  it('huge literals and long statements stay fast', () => {
    const t0 = performance.now();
    parse(`SELECT '${'x'.repeat(1_000_000)}', ${'9'.repeat(5000)}, x'${'ab'.repeat(100_000)}'`);
    parse(`INSERT INTO t VALUES ${Array.from({ length: 5000 }, (_, i) => `(${i}, 'v${i}')`).join(', ')}`);
    parse(`SELECT * FROM t WHERE a IN (${Array.from({ length: 20000 }, (_, i) => i).join(',')})`);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
