/**
 * Expressions: literals, parameters, names, operator precedence (SQLite's table), and every
 * expression form of the dialect.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../src/sql/parser/index.js';
import { col, expr, parseError, query, render, tree } from './helpers.js';

describe('literals', () => {
  it('reads integers as bigint, too-large integers as REAL', () => {
    expect(col('42')).toEqual({ kind: 'literal', value: 42n, text: '42' });
    expect(col('9223372036854775807')).toMatchObject({ value: 9223372036854775807n });
    expect(col('9223372036854775808')).toMatchObject({ value: 9223372036854775808 });
    expect(typeof (col('99999999999999999999') as { value: unknown }).value).toBe('number');
    expect(col('007')).toMatchObject({ value: 7n, text: '007' });
  });

  it('reads -9223372036854775808 as the smallest integer, as SQLite does', () => {
    expect(col('-9223372036854775808')).toMatchObject({ kind: 'literal', value: -9223372036854775808n });
    expect(col('- 9223372036854775808')).toMatchObject({ kind: 'literal', value: -9223372036854775808n });
    expect(col('-(9223372036854775808)')).toMatchObject({ kind: 'literal', value: -9223372036854775808n });
    expect(col('-5')).toEqual({ kind: 'unary', op: '-', operand: { kind: 'literal', value: 5n, text: '5' } });
  });

  it('reads hex integers as 64-bit two’s complement', () => {
    expect(col('0x1F')).toMatchObject({ value: 31n, text: '0x1F' });
    expect(col('0X7fffffffffffffff')).toMatchObject({ value: 9223372036854775807n });
    expect(col('0x8000000000000000')).toMatchObject({ value: -9223372036854775808n });
    expect(col('0xffffffffffffffff')).toMatchObject({ value: -1n });
    expect(col('0x0000000000000000001')).toMatchObject({ value: 1n });
  });

  it('rejects hex literals wider than 64 bits', () => {
    const e = parseError('SELECT 0x1ffffffffffffffff');
    expect(e.message).toMatch(/^hex literal too big: 0x1ffffffffffffffff/);
    expect(e.position).toMatchObject({ line: 1, column: 8, offset: 7 });
  });

  it('reads reals as numbers', () => {
    expect(col('1.5')).toEqual({ kind: 'literal', value: 1.5, text: '1.5' });
    expect(col('.5')).toMatchObject({ value: 0.5 });
    expect(col('1.')).toMatchObject({ value: 1 });
    expect(col('1e3')).toMatchObject({ value: 1000 });
    expect(col('2.5E-2')).toMatchObject({ value: 0.025 });
    expect(typeof (col('1e3') as { value: unknown }).value).toBe('number');
  });

  it('reads strings with doubled quotes, blobs, NULL, TRUE, FALSE', () => {
    expect(col("'it''s'")).toEqual({ kind: 'literal', value: "it's" });
    expect(col("''")).toEqual({ kind: 'literal', value: '' });
    expect(col("'a\nb'")).toEqual({ kind: 'literal', value: 'a\nb' });
    expect(col("X'00fF10'")).toEqual({ kind: 'literal', value: new Uint8Array([0, 255, 16]) });
    expect(col("x''")).toEqual({ kind: 'literal', value: new Uint8Array([]) });
    expect(col('NULL')).toEqual({ kind: 'literal', value: null });
    expect(col('TRUE')).toEqual({ kind: 'literal', value: 1n });
    expect(col('false')).toEqual({ kind: 'literal', value: 0n });
  });

  it('parses CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME as calls without arguments', () => {
    for (const name of ['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME']) {
      expect(col(name.toLowerCase())).toEqual({ kind: 'function', name, args: [], distinct: false, star: false });
    }
  });
});

describe('parameters', () => {
  it('numbers ? left to right, continuing after ?NNN', () => {
    const q = query('SELECT ?, ?5, ?, ?2, ?');
    const cols = q.body.kind === 'select' ? q.body.columns.map((c) => (c.kind === 'expr' ? c.expr : null)) : [];
    expect(cols).toEqual([
      { kind: 'param', index: 1 },
      { kind: 'param', index: 5 },
      { kind: 'param', index: 6 },
      { kind: 'param', index: 2 },
      { kind: 'param', index: 7 },
    ]);
  });

  it('keeps the sigil of named parameters and numbers them as SQLite does', () => {
    expect(col(':name')).toEqual({ kind: 'param', index: 1, name: ':name' });
    expect(col('@x1')).toEqual({ kind: 'param', index: 1, name: '@x1' });
    expect(col('$v')).toEqual({ kind: 'param', index: 1, name: '$v' });
    expect(col('#h')).toEqual({ kind: 'param', index: 1, name: '#h' });
    const q = query('SELECT :a, ?, :a, @b, ?5, :c, ?');
    const params = q.body.kind === 'select' ? q.body.columns.map((c) => (c.kind === 'expr' ? c.expr : null)) : [];
    expect(params).toEqual([
      { kind: 'param', index: 1, name: ':a' },
      { kind: 'param', index: 2 },
      { kind: 'param', index: 1, name: ':a' },
      { kind: 'param', index: 3, name: '@b' },
      { kind: 'param', index: 5 },
      { kind: 'param', index: 6, name: ':c' },
      { kind: 'param', index: 7 },
    ]);
  });

  it('agrees with SQLite on parameter numbering', () => {
    // ?N names the parameter with index N, so SQLite shows which index each parameter got:
    // columns that share an index show the same bound value. (better-sqlite3 binds index 2,
    // named by ?2, as "2", and the one anonymous parameter left, index 4, by position.)
    const sql = 'SELECT :a, ?, @b, ?1, ?2, ?3, :a, ?, $c';
    const row = new Database(':memory:').prepare(sql).raw().get('Y', { a: 'A', b: 'B', c: 'C', 2: 'X' }) as unknown[];
    const q = query(sql);
    const indexes = q.body.kind === 'select' ? q.body.columns.map((c) => (c.kind === 'expr' && c.expr.kind === 'param' ? c.expr.index! : 0)) : [];
    expect(indexes).toEqual([1, 2, 3, 1, 2, 3, 1, 4, 5]);
    const byIndex = new Map<number, unknown>();
    indexes.forEach((index, i) => byIndex.set(index, row[i]));
    expect(indexes.map((index) => byIndex.get(index))).toEqual(row);
    expect(row).toEqual(['A', 'X', 'B', 'A', 'X', 'B', 'A', 'Y', 'C']);
  });

  it('restarts numbering in every statement of a script', () => {
    const [a, b] = [query('SELECT ?'), query('SELECT ?')];
    expect(a).toEqual(b);
  });

  it('rejects ?0 and indexes above 32766', () => {
    expect(parseError('SELECT ?0').message).toMatch(/^variable number must be between \?1 and \?32766/);
    expect(parseError('SELECT ?32767').message).toMatch(/^variable number must be between/);
    expect(col('?32766')).toEqual({ kind: 'param', index: 32766 });
  });
});

describe('names', () => {
  it('unquotes "x", [x] and `x`, keeping the spelling', () => {
    expect(col('"My ""Col"""')).toEqual({ kind: 'column', name: 'My "Col"', doubleQuoted: true });
    expect(col('[a b]')).toEqual({ kind: 'column', name: 'a b' });
    expect(col('`x``y`')).toEqual({ kind: 'column', name: 'x`y' });
    expect(col('MixedCase')).toEqual({ kind: 'column', name: 'MixedCase' });
  });

  it('reads non-ASCII names, and skips a byte-order mark', () => {
    expect(col('名前')).toEqual({ kind: 'column', name: '名前' });
    expect(col('café_2')).toEqual({ kind: 'column', name: 'café_2' });
    expect(col('x$y')).toEqual({ kind: 'column', name: 'x$y' });
    expect(query('\uFEFFSELECT 1').body).toMatchObject({ kind: 'select' });
  });

  it('reads table.column and schema.table.column', () => {
    expect(col('t.c')).toEqual({ kind: 'column', table: 't', name: 'c' });
    expect(col('main.t.c')).toEqual({ kind: 'column', schema: 'main', table: 't', name: 'c' });
    expect(col('"t"."c"')).toEqual({ kind: 'column', table: 't', name: 'c' });
  });

  it('lets keywords be column names', () => {
    const words = [
      'key', 'action', 'date', 'time', 'text', 'replace', 'first', 'last', 'branch', 'branches', 'tag', 'tags',
      'merge', 'show', 'use', 'resolve', 'conflicts', 'call', 'scn', 'timestamp', 'transaction', 'system_time',
      'ours', 'theirs', 'comment', 'message', 'read', 'only', 'write', 'data', 'type', 'continue', 'tables',
      'left', 'right', 'cross', 'natural', 'filter', 'commit', 'end', 'begin', 'offset', 'if', 'cast', 'raise',
      'glob', 'like', 'match', 'regexp', 'row', 'view', 'temp', 'desc', 'asc', 'of', 'no', 'do', 'for',
    ];
    for (const w of words) {
      expect(col(`${w} + 1`), w).toEqual({
        kind: 'binary',
        op: '+',
        left: { kind: 'column', name: w },
        right: { kind: 'literal', value: 1n, text: '1' },
      });
    }
  });

  it('reads keyword-looking names followed by ( as function calls', () => {
    expect(tree("replace('a', 'b', 'c')")).toBe("replace('a' 'b' 'c')");
    expect(tree("date('now')")).toBe("date('now')");
    expect(tree('like(a, b)')).toBe('like(a b)');
    expect(tree('left(x)')).toBe('left(x)');
  });
});

describe('operator precedence (SQLite lang_expr.html)', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['1 * 2 + 3', '(+ (* 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['8 / 4 / 2', '(/ (/ 8 4) 2)'],
    ['7 % 4 * 2', '(* (% 7 4) 2)'],
    ["a || b * c", '(* (|| a b) c)'],
    ["a || 'x' || b", "(|| (|| a 'x') b)"],
    ["j -> 'a' ->> 'b'", "(->> (-> j 'a') 'b')"],
    ['a & b + c', '(& a (+ b c))'],
    ['a | b & c', '(& (| a b) c)'],
    ['1 << 2 + 3', '(<< 1 (+ 2 3))'],
    ['a < b + 1', '(< a (+ b 1))'],
    ['a << 1 < b', '(< (<< a 1) b)'],
    ['a < b = c < d', '(= (< a b) (< c d))'],
    ['a = b = c', '(= (= a b) c)'],
    ['a == b', '(= a b)'],
    ['a <> b', '(!= a b)'],
    ['a != b', '(!= a b)'],
    ['a = b IS NULL', '(ISNULL (= a b))'],
    ['a IS NULL = b', '(= (ISNULL a) b)'],
    ['a IS b = c', '(= (IS a b) c)'],
    ['a = b IS NOT c', '(IS NOT (= a b) c)'],
    ['a IS NOT DISTINCT FROM b', '(IS a b)'],
    ['a IS DISTINCT FROM b', '(IS NOT a b)'],
    ['a IS NOT NULL', '(NOTNULL a)'],
    ['a ISNULL', '(ISNULL a)'],
    ['a NOTNULL', '(NOTNULL a)'],
    ['a NOT NULL', '(NOTNULL a)'],
    ['5 NOT NULL = 1', '(= (NOTNULL 5) 1)'],
    ['a BETWEEN 1 AND 2', '(BETWEEN a 1 2)'],
    ['a NOT BETWEEN 1 AND 2', '(NOT BETWEEN a 1 2)'],
    ['a BETWEEN 1 AND 2 AND b', '(AND (BETWEEN a 1 2) b)'],
    ['a BETWEEN b + 1 AND c * 2', '(BETWEEN a (+ b 1) (* c 2))'],
    ['a BETWEEN 1 AND 2 = 0', '(= (BETWEEN a 1 2) 0)'],
    ['a = b BETWEEN 1 AND 2', '(BETWEEN (= a b) 1 2)'],
    ['a BETWEEN b < c AND d', '(BETWEEN a (< b c) d)'],
    ['a IN (1, 2) = 1', '(= (IN a [1 2]) 1)'],
    ["a LIKE 'x%' = 0", "(= (LIKE a 'x%') 0)"],
    ["a LIKE b < c", '(LIKE a (< b c))'],
    ["a NOT LIKE 'x' ESCAPE '!'", "(NOT LIKE a 'x' ESCAPE '!')"],
    ["a GLOB 'x*' AND b REGEXP 'y' OR c MATCH 'z'", "(OR (AND (GLOB a 'x*') (REGEXP b 'y')) (MATCH c 'z'))"],
    ['NOT a = b', '(NOT (= a b))'],
    ['NOT a AND b', '(AND (NOT a) b)'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['1 + NOT 2 = 3', '(+ 1 (NOT (= 2 3)))'],
    ['NOT a BETWEEN 1 AND 2', '(NOT (BETWEEN a 1 2))'],
    ['a OR b AND c', '(OR a (AND b c))'],
    ['a AND b OR c AND d', '(OR (AND a b) (AND c d))'],
    ['a OR b OR c', '(OR (OR a b) c)'],
    ['a AND b AND c', '(AND (AND a b) c)'],
    ['a = 1 AND b = 2 OR NOT c = 3', '(OR (AND (= a 1) (= b 2)) (NOT (= c 3)))'],
    ['- a * b', '(* (- a) b)'],
    ['- - a', '(- (- a))'],
    ['~ a + b', '(+ (~ a) b)'],
    ['+ a', '(+ a)'],
    ['- a COLLATE nocase', '(COLLATE (- a) nocase)'],
    ['a || b COLLATE nocase', '(|| a (COLLATE b nocase))'],
    ['a COLLATE nocase = b', '(= (COLLATE a nocase) b)'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['((a))', 'a'],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      expect(tree(text)).toBe(expected);
    });
  }
});

describe('expression forms', () => {
  it('IN with a list, an empty list, a subquery, a table and a table function', () => {
    expect(tree('x NOT IN (1, 2, 3)')).toBe('(NOT IN x [1 2 3])');
    expect(tree('x IN ()')).toBe('(IN x [])');
    expect(col('x IN (SELECT y FROM t)')).toMatchObject({ kind: 'in', not: false, query: { kind: 'query' } });
    expect(col('x IN t')).toEqual({ kind: 'in', not: false, expr: { kind: 'column', name: 'x' }, table: 't' });
    expect(col('x IN main.t')).toMatchObject({ table: 't', schema: 'main' });
    expect(col("x IN json_each('[1]')")).toMatchObject({
      kind: 'in',
      query: { body: { kind: 'select', columns: [{ kind: 'star' }], from: { kind: 'tableFunction', name: 'json_each' } } },
    });
    expect(tree('x IN ((SELECT 1), 2)')).toBe('(IN x [<subquery> 2])');
  });

  it('row values', () => {
    expect(tree('(a, b) = (1, 2)')).toBe('(= [a b] [1 2])');
    expect(col('(a, b) IN (SELECT 1, 2)')).toMatchObject({ kind: 'in', expr: { kind: 'row' }, query: { kind: 'query' } });
  });

  it('EXISTS and NOT EXISTS', () => {
    expect(col('EXISTS (SELECT 1)')).toMatchObject({ kind: 'exists', not: false, query: { kind: 'query' } });
    expect(col('NOT EXISTS (SELECT 1)')).toMatchObject({ kind: 'exists', not: true, query: { kind: 'query' } });
    expect(tree('NOT EXISTS (SELECT 1) = 0')).toBe('(NOT (= (EXISTS <query>) 0))');
  });

  it('scalar subqueries', () => {
    expect(col('(SELECT max(a) FROM t)')).toMatchObject({ kind: 'subquery', query: { kind: 'query' } });
    expect(col('(VALUES (1))')).toMatchObject({ kind: 'subquery', query: { body: { kind: 'values' } } });
    expect(col('(WITH c AS (SELECT 1) SELECT * FROM c)')).toMatchObject({ kind: 'subquery', query: { with: { ctes: [{ name: 'c' }] } } });
  });

  it('CASE with and without operand', () => {
    expect(tree('CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END')).toBe('(CASE [a 1] [b 2] ELSE 3)');
    expect(tree("CASE x WHEN 1 THEN 'a' END")).toBe("(CASE x [1 'a'])");
    expect(tree('CASE WHEN a = 1 AND b THEN c + 1 END')).toBe('(CASE [(AND (= a 1) b) (+ c 1)])');
  });

  it('CAST with type names and arguments', () => {
    expect(tree('CAST(a AS INTEGER)')).toBe('(CAST a INTEGER)');
    expect(tree('CAST(a + 1 AS decimal(10, 2))')).toBe('(CAST (+ a 1) DECIMAL(10,2))');
    expect(tree('CAST(a AS double precision)')).toBe('(CAST a DOUBLE PRECISION)');
    expect(tree('CAST(a AS varchar(-5))')).toBe('(CAST a VARCHAR(-5))');
    expect(col('cast(NULL AS SIGNED)')).toEqual({ kind: 'cast', expr: { kind: 'literal', value: null }, type: { name: 'SIGNED', args: [] } });
    expect(col('CAST(1 AS)')).toEqual({ kind: 'cast', expr: { kind: 'literal', value: 1n, text: '1' }, type: { name: '', args: [] } });
  });

  it('COLLATE', () => {
    expect(col('a COLLATE NOCASE')).toEqual({ kind: 'collate', expr: { kind: 'column', name: 'a' }, collation: 'NOCASE' });
    expect(col("a COLLATE 'binary'")).toMatchObject({ collation: 'binary' });
  });

  it('function calls: *, DISTINCT, ALL, no arguments, FILTER, ORDER BY inside', () => {
    expect(col('count(*)')).toEqual({ kind: 'function', name: 'count', args: [], distinct: false, star: true });
    expect(col('COUNT ( * )')).toEqual({ kind: 'function', name: 'COUNT', args: [], distinct: false, star: true });
    expect(col('count(DISTINCT a)')).toMatchObject({ name: 'count', distinct: true, args: [{ kind: 'column', name: 'a' }] });
    expect(col('sum(ALL a)')).toMatchObject({ name: 'sum', distinct: false, args: [{ name: 'a' }] });
    expect(col('random()')).toEqual({ kind: 'function', name: 'random', args: [], distinct: false, star: false });
    expect(col('count(*) FILTER (WHERE a > 1)')).toMatchObject({ star: true, filter: { kind: 'binary', op: '>' } });
    expect(col("group_concat(DISTINCT a, ',' ORDER BY b DESC, c)")).toMatchObject({
      name: 'group_concat',
      distinct: true,
      args: [{ name: 'a' }, { value: ',' }],
      orderBy: [{ expr: { name: 'b' }, direction: 'DESC' }, { expr: { name: 'c' } }],
    });
    expect(col('"my func"(1)')).toMatchObject({ kind: 'function', name: 'my func' });
  });

  it('RAISE', () => {
    expect(col('RAISE(IGNORE)')).toEqual({ kind: 'raise', action: 'IGNORE' });
    expect(col("RAISE(ABORT, 'no')")).toEqual({ kind: 'raise', action: 'ABORT', message: 'no' });
    expect(col("raise(rollback, 'x')")).toMatchObject({ action: 'ROLLBACK' });
    expect(col("RAISE(FAIL, 'x')")).toMatchObject({ action: 'FAIL' });
  });

  it('JSON arrows', () => {
    expect(tree("data -> '$.a'")).toBe("(-> data '$.a')");
    expect(tree("data ->> '$.a' = 'x'")).toBe("(= (->> data '$.a') 'x')");
  });
});

describe('parseExpression', () => {
  it('parses stored DEFAULT and CHECK texts', () => {
    expect(render(parseExpression("strftime('%s','now')"))).toBe("strftime('%s' 'now')");
    expect(render(parseExpression('price > 0 AND qty >= 0'))).toBe('(AND (> price 0) (>= qty 0))');
    expect(expr('  -1 ')).toEqual({ kind: 'unary', op: '-', operand: { kind: 'literal', value: 1n, text: '1' } });
  });

  it('positions are relative to the text', () => {
    expect(parseExpression('\n  a + b').pos).toEqual({ line: 2, column: 3, offset: 3 });
  });

  it('rejects anything that is not exactly one expression', () => {
    expect(() => parseExpression('1 2')).toThrow(/near "2": syntax error/);
    expect(() => parseExpression('')).toThrow(/incomplete input/);
    expect(() => parseExpression('SELECT 1')).toThrow(/near "SELECT": syntax error/);
  });
});
