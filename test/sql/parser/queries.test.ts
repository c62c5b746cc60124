/**
 * SELECT: result columns (and their source text), FROM (joins, subqueries, table functions,
 * index hints, AS OF), WHERE / GROUP BY / HAVING, ORDER BY, LIMIT, compound selects, VALUES
 * and WITH.
 */
import { describe, expect, it } from 'vitest';
import type { FromItem, ResultColumn, SelectCore } from '../../../src/sql/ast.js';
import { one, query, render } from './helpers.js';

function core(sql: string): SelectCore {
  const q = query(sql);
  if (q.body.kind !== 'select') throw new Error('not a simple select');
  return q.body;
}

function from(sql: string): FromItem {
  return core(sql).from!;
}

describe('result columns', () => {
  it('star, table star, expressions with and without aliases', () => {
    expect(core('SELECT *, t.*, a, b AS x, c y, d AS "z z", e \'w\', f AS \'v\' FROM t').columns).toEqual([
      { kind: 'star' },
      { kind: 'tableStar', table: 't' },
      { kind: 'expr', expr: { kind: 'column', name: 'a' }, text: 'a' },
      { kind: 'expr', expr: { kind: 'column', name: 'b' }, text: 'b', alias: 'x' },
      { kind: 'expr', expr: { kind: 'column', name: 'c' }, text: 'c', alias: 'y' },
      { kind: 'expr', expr: { kind: 'column', name: 'd' }, text: 'd', alias: 'z z' },
      { kind: 'expr', expr: { kind: 'column', name: 'e' }, text: 'e', alias: 'w' },
      { kind: 'expr', expr: { kind: 'column', name: 'f' }, text: 'f', alias: 'v' },
    ]);
  });

  it('keeps the exact source text of each expression (SQLite names columns by it)', () => {
    const c = core('SELECT  a+b ,  - 87 col0, COUNT ( * ), CAST( NULL AS SIGNED ) , x /* c */ + 1 FROM t').columns;
    expect(c.map((x) => (x.kind === 'expr' ? x.text : x.kind))).toEqual(['a+b', '- 87', 'COUNT ( * )', 'CAST( NULL AS SIGNED )', 'x /* c */ + 1']);
  });

  it('DISTINCT and ALL', () => {
    expect(core('SELECT DISTINCT a FROM t').distinct).toBe(true);
    expect(core('SELECT ALL a FROM t').distinct).toBe(false);
    expect(core('SELECT ALL + COUNT( * ) AS col0').columns[0]).toMatchObject({ text: '+ COUNT( * )', alias: 'col0' });
  });

  it('a keyword-like alias without AS is an alias, a join keyword is not', () => {
    expect(core('SELECT a timestamp FROM t').columns[0]).toMatchObject({ alias: 'timestamp' });
    expect(core('SELECT count(*) filter FROM t').columns[0]).toMatchObject({ alias: 'filter', expr: { name: 'count' } });
    expect(from('SELECT * FROM a LEFT JOIN b')).toMatchObject({ kind: 'join', type: 'LEFT' });
  });

  it('SELECT without FROM, with WHERE, GROUP BY, HAVING', () => {
    const c = core('SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a, c HAVING count(*) > 2');
    expect(render(c.where!)).toBe('(> b 1)');
    expect(c.groupBy!.map(render)).toEqual(['a', 'c']);
    expect(render(c.having!)).toBe('(> count(*) 2)');
    expect(core('SELECT 1').from).toBeUndefined();
    expect(core('SELECT count(*) FROM t HAVING count(*) > 0').having).toBeDefined();
  });
});

describe('FROM', () => {
  it('tables with schema, alias (with and without AS) and index hints', () => {
    expect(from('SELECT * FROM main.t AS x INDEXED BY i1')).toEqual({ kind: 'table', schema: 'main', name: 't', alias: 'x', indexedBy: 'i1' });
    expect(from('SELECT * FROM t x NOT INDEXED')).toEqual({ kind: 'table', name: 't', alias: 'x', notIndexed: true });
    expect(from("SELECT * FROM t 'q'")).toEqual({ kind: 'table', name: 't', alias: 'q' });
  });

  it('comma joins are CROSS with comma: true, left-deep', () => {
    expect(from('SELECT * FROM a, b, c')).toEqual({
      kind: 'join',
      type: 'CROSS',
      natural: false,
      comma: true,
      left: { kind: 'join', type: 'CROSS', natural: false, comma: true, left: { kind: 'table', name: 'a' }, right: { kind: 'table', name: 'b' } },
      right: { kind: 'table', name: 'c' },
    });
  });

  it('join kinds, ON and USING', () => {
    const kinds: [string, string, boolean][] = [
      ['JOIN', 'INNER', false],
      ['INNER JOIN', 'INNER', false],
      ['CROSS JOIN', 'CROSS', false],
      ['LEFT JOIN', 'LEFT', false],
      ['LEFT OUTER JOIN', 'LEFT', false],
      ['RIGHT JOIN', 'RIGHT', false],
      ['FULL OUTER JOIN', 'FULL', false],
      ['NATURAL JOIN', 'INNER', true],
      ['NATURAL LEFT JOIN', 'LEFT', true],
    ];
    for (const [sql, type, natural] of kinds) {
      expect(from(`SELECT * FROM a ${sql} b`), sql).toEqual({
        kind: 'join',
        type,
        natural,
        left: { kind: 'table', name: 'a' },
        right: { kind: 'table', name: 'b' },
      });
    }
    expect(from('SELECT * FROM a JOIN b ON a.x = b.x')).toMatchObject({ on: { kind: 'binary', op: '=' } });
    expect(from('SELECT * FROM a JOIN b USING (x, "y")')).toMatchObject({ using: ['x', 'y'] });
    expect(from('SELECT * FROM a LEFT JOIN b ON 1 JOIN c ON 2')).toMatchObject({
      type: 'INNER',
      left: { type: 'LEFT', left: { name: 'a' }, right: { name: 'b' } },
      right: { name: 'c' },
    });
  });

  it('subqueries, parenthesised joins and table-valued functions', () => {
    expect(from('SELECT * FROM (SELECT 1 AS a) AS s')).toMatchObject({ kind: 'subquery', alias: 's', query: { kind: 'query' } });
    expect(from('SELECT * FROM (SELECT 1) s')).toMatchObject({ kind: 'subquery', alias: 's' });
    expect(from('SELECT * FROM (a JOIN b)')).toMatchObject({ kind: 'join', left: { name: 'a' }, right: { name: 'b' } });
    expect(from("SELECT * FROM heliosdb_diff('t', 'main', 'dev') AS d")).toEqual({
      kind: 'tableFunction',
      name: 'heliosdb_diff',
      args: [{ kind: 'literal', value: 't' }, { kind: 'literal', value: 'main' }, { kind: 'literal', value: 'dev' }],
      alias: 'd',
    });
    expect(from('SELECT * FROM heliosdb_log()')).toEqual({ kind: 'tableFunction', name: 'heliosdb_log', args: [] });
    expect(from("SELECT * FROM t, json_each(t.j) j")).toMatchObject({ right: { kind: 'tableFunction', name: 'json_each', alias: 'j' } });
  });
});

describe('AS OF on table references', () => {
  it('every form, before the alias', () => {
    expect(from("SELECT * FROM t AS OF TIMESTAMP '2024-12-31 23:59:59' AS x")).toEqual({
      kind: 'table',
      name: 't',
      alias: 'x',
      asOf: { kind: 'timestamp', expr: { kind: 'literal', value: '2024-12-31 23:59:59' } },
    });
    expect(from('SELECT * FROM t AS OF TRANSACTION 42 x')).toMatchObject({ alias: 'x', asOf: { kind: 'transaction', expr: { value: 42n } } });
    expect(from('SELECT * FROM t AS OF SCN 7')).toMatchObject({ asOf: { kind: 'scn', expr: { value: 7n } } });
    expect(from("SELECT * FROM t AS OF 'main~2'")).toMatchObject({ asOf: { kind: 'ref', expr: { kind: 'literal', value: 'main~2' } } });
    expect(from('SELECT * FROM t AS OF ?')).toMatchObject({ asOf: { kind: 'ref', expr: { kind: 'param', index: 1 } } });
    expect(from("SELECT * FROM t AS OF TIMESTAMP datetime('now', '-1 day')")).toMatchObject({
      asOf: { kind: 'timestamp', expr: { kind: 'function', name: 'datetime' } },
    });
  });

  it('FOR SYSTEM_TIME AS OF is a synonym', () => {
    expect(from("SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01' AS x")).toEqual(
      from("SELECT * FROM t AS OF TIMESTAMP '2024-01-01' AS x"),
    );
    expect(from("SELECT * FROM t FOR SYSTEM_TIME AS OF 'v1'")).toMatchObject({ asOf: { kind: 'ref' } });
  });

  it('a different AS OF on each table, in joins and subqueries', () => {
    const f = from("SELECT * FROM a AS OF 'v1' JOIN b AS OF SCN 3 ON a.id = b.id, (SELECT * FROM c AS OF TRANSACTION 5) s");
    expect(f).toMatchObject({
      comma: true,
      left: { left: { name: 'a', asOf: { kind: 'ref' } }, right: { name: 'b', asOf: { kind: 'scn' } } },
      right: { kind: 'subquery', query: { body: { from: { name: 'c', asOf: { kind: 'transaction' } } } } },
    });
  });

  it('an alias named "of" is still an alias', () => {
    expect(from('SELECT * FROM t AS of')).toEqual({ kind: 'table', name: 't', alias: 'of' });
    expect(from('SELECT * FROM t AS "of" WHERE 1')).toEqual({ kind: 'table', name: 't', alias: 'of' });
  });
});

describe('ORDER BY and LIMIT', () => {
  it('directions, NULLS FIRST/LAST and COLLATE', () => {
    expect(query('SELECT a FROM t ORDER BY a DESC NULLS LAST, b COLLATE nocase, 2 ASC NULLS FIRST').orderBy).toEqual([
      { expr: { kind: 'column', name: 'a' }, direction: 'DESC', nulls: 'LAST' },
      { expr: { kind: 'column', name: 'b' }, collate: 'nocase' },
      { expr: { kind: 'literal', value: 2n, text: '2' }, direction: 'ASC', nulls: 'FIRST' },
    ]);
  });

  it('LIMIT, LIMIT OFFSET and LIMIT offset, count', () => {
    expect(query('SELECT 1 LIMIT 5')).toMatchObject({ limit: { value: 5n } });
    expect(query('SELECT 1 LIMIT 5')).not.toHaveProperty('offset');
    expect(query('SELECT 1 LIMIT 5 OFFSET 10')).toMatchObject({ limit: { value: 5n }, offset: { value: 10n } });
    expect(query('SELECT 1 LIMIT 10, 5')).toMatchObject({ limit: { value: 5n }, offset: { value: 10n } });
  });
});

describe('compound selects, VALUES, WITH', () => {
  it('UNION, UNION ALL, INTERSECT, EXCEPT are left-associative with one precedence', () => {
    const q = query('SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 INTERSECT SELECT 4 EXCEPT SELECT 5 ORDER BY 1 LIMIT 2');
    const shape = (b: typeof q.body): string =>
      b.kind === 'setop' ? `(${b.op} ${shape(b.left)} ${shape(b.right)})` : b.kind === 'select' ? render((b.columns[0] as Extract<ResultColumn, { kind: 'expr' }>).expr) : 'values';
    expect(shape(q.body)).toBe('(EXCEPT (INTERSECT (UNION ALL (UNION 1 2) 3) 4) 5)');
    expect(q.orderBy).toHaveLength(1);
    expect(q.limit).toBeDefined();
  });

  it('VALUES as a query and in compounds', () => {
    expect(query("VALUES (1, 'a'), (2, 'b')").body).toEqual({
      kind: 'values',
      rows: [
        [{ kind: 'literal', value: 1n, text: '1' }, { kind: 'literal', value: 'a' }],
        [{ kind: 'literal', value: 2n, text: '2' }, { kind: 'literal', value: 'b' }],
      ],
    });
    expect(query('SELECT 1 UNION ALL VALUES (2)').body).toMatchObject({ kind: 'setop', right: { kind: 'values' } });
  });

  it('WITH and WITH RECURSIVE, column lists, MATERIALIZED', () => {
    const q = query(
      'WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 10), ' +
        'm AS MATERIALIZED (SELECT 1), n AS NOT MATERIALIZED (SELECT 2) SELECT x FROM cnt',
    );
    expect(q.with).toMatchObject({
      recursive: true,
      ctes: [
        { name: 'cnt', columns: ['x'], query: { body: { kind: 'setop', op: 'UNION ALL' } } },
        { name: 'm', materialized: true },
        { name: 'n', materialized: false },
      ],
    });
    expect(q.with!.ctes[0]).not.toHaveProperty('materialized');
    expect(query('WITH a AS (SELECT 1) SELECT * FROM a').with).toMatchObject({ recursive: false, ctes: [{ name: 'a' }] });
  });

  it('statement source text and position', () => {
    const s = one('\n  SELECT 1 -- trailing comment\n;');
    expect(s.sql).toBe('SELECT 1');
  });
});
