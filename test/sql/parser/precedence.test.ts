/**
 * Operator precedence checked against SQLite itself: random expressions are parsed, the AST
 * is printed back fully parenthesised, and SQLite (better-sqlite3) must give the same value
 * for the original text and for the parenthesised one. A wrong precedence or associativity
 * in the grammar regroups operands and changes the value.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlSyntaxError } from '../../../src/errors/index.js';
import type { Expr } from '../../../src/sql/ast.js';
import { parseExpression } from '../../../src/sql/parser/index.js';

const db = new Database(':memory:');
afterAll(() => db.close());

/** The AST as SQL with every operand in parentheses (only the node kinds the generator makes). */
function sql(e: Expr): string {
  const p = (x: Expr): string => `(${sql(x)})`;
  switch (e.kind) {
    case 'literal':
      return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'unary':
      return `${e.op} ${p(e.operand)}`;
    case 'binary':
      return `${p(e.left)} ${e.op} ${p(e.right)}`;
    case 'isNull':
      return `${p(e.expr)} ${e.not ? 'NOTNULL' : 'ISNULL'}`;
    case 'between':
      return `${p(e.expr)} ${e.not ? 'NOT ' : ''}BETWEEN ${p(e.low)} AND ${p(e.high)}`;
    case 'in':
      return `${p(e.expr)} ${e.not ? 'NOT ' : ''}IN (${e.list!.map(p).join(', ')})`;
    case 'like':
      return `${p(e.left)} ${e.not ? 'NOT ' : ''}${e.op} ${p(e.pattern)}`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${p(w.when)} THEN ${p(w.then)}`).join(' ')}${e.else ? ` ELSE ${p(e.else)}` : ''} END`;
    case 'collate':
      return `${p(e.expr)} COLLATE ${e.collation}`;
    default:
      throw new Error(`generator made an unexpected node: ${e.kind}`);
  }
}

const binaryOps = [
  '+', '-', '*', '/', '%', '||', '=', '==', '!=', '<>', '<', '<=', '>', '>=', 'IS', 'IS NOT',
  'IS DISTINCT FROM', 'IS NOT DISTINCT FROM', 'AND', 'OR', '&', '|', '<<', '>>', 'LIKE', 'NOT LIKE', 'GLOB',
];
const postfix = ['ISNULL', 'NOTNULL', 'NOT NULL', 'IS NULL', 'IS NOT NULL', "COLLATE nocase"];
const prefix = ['-', '+', '~', 'NOT'];

const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.integer({ min: -3, max: 12 }).map(String), fc.constant('NULL'), fc.constantFrom("'1'", "'a'", "'%'")),
    fc.tuple(tie('e'), fc.constantFrom(...binaryOps), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom(...prefix), tie('e')).map(([op, a]) => `${op} ${a}`),
    fc.tuple(tie('e'), fc.constantFrom(...postfix)).map(([a, op]) => `${a} ${op}`),
    fc.tuple(tie('e'), fc.boolean(), tie('e'), tie('e')).map(([a, not, b, c]) => `${a} ${not ? 'NOT ' : ''}BETWEEN ${b} AND ${c}`),
    fc.tuple(tie('e'), fc.boolean(), fc.array(tie('e'), { minLength: 1, maxLength: 3 })).map(
      ([a, not, list]) => `${a} ${not ? 'NOT ' : ''}IN (${list.join(', ')})`,
    ),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `CASE WHEN ${a} THEN ${b} ELSE ${c} END`),
    tie('e').map((a) => `(${a})`),
  ),
})).e;

const SYNTAX = /syntax error|unrecognized token|incomplete input/;

function evaluate(text: string): unknown {
  try {
    return db.prepare(`SELECT ${text}`).raw().get();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('precedence agrees with SQLite', () => {
  it('a parenthesised reprint of the parse has the same value in SQLite', () => {
    fc.assert(
      fc.property(expression, (text) => {
        const original = evaluate(text);
        if (typeof original === 'string' && SYNTAX.test(original)) {
          // SQLite rejects the text: so must we
          expect(() => parseExpression(text), text).toThrow(SqlSyntaxError);
          return;
        }
        fc.pre(typeof original !== 'string' || !original.startsWith('error'));
        const reprinted = sql(parseExpression(text));
        expect(evaluate(reprinted), `${text}\n  reprinted as ${reprinted}`).toEqual(original);
      }),
      { numRuns: process.env.HDB_LONG ? 100_000 : 3000 },
    );
  });

  it('the reprint distinguishes groupings (the check can fail)', () => {
    // (1 + 2) * 3 and 1 + (2 * 3) differ, so a wrong grouping would be caught
    expect(evaluate('(1 + 2) * 3')).not.toEqual(evaluate('1 + (2 * 3)'));
    expect(evaluate(sql(parseExpression('1 + 2 * 3')))).toEqual([7]);
  });
});
