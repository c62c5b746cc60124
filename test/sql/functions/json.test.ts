import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../../src/objects/index.js';
import { aggregateFunctions, isValidJson, jsonArrow, jsonEach, jsonTree, scalarFunctions, type CallOptions } from '../../../src/sql/functions/index.js';
import { castValue, jsonText as jt } from '../../../src/sql/values/index.js';
import { arbValueUtf8, db, expectSame, fixedContext, ours, RUNS, sqliteRows, sqliteValue } from './oracle.js';

const ctx = fixedContext();

function call(name: string, args: SqlValue[], opts?: CallOptions): SqlValue {
  return scalarFunctions.get(name)!.call(args, ctx, opts);
}

function check(name: string, args: SqlValue[]): void {
  const sql = `SELECT ${name}(${args.map(() => '?').join(', ')})`;
  expectSame(ours(() => call(name, args)), sqliteValue(sql, args), `${name}(${args.map((a) => JSON.stringify(String(a))).join(', ')})`);
}

// ---------------------------------------------------------------------------------------------
// Generators of JSON text: canonical, JSON5 and broken

const ws = fc.constantFrom('', '', '', ' ', '\n\t', ' /* c */ ', ' // c\n', '\u00a0', '\u2028');
const keyText = fc.constantFrom('a', 'b', 'c', 'a b', 'x.y', 'é', '', '$', '"q"', 'a\\u0041', 'k1');
const stringLit = fc.constantFrom(
  '"abc"', '""', '"a\\"b"', '"\\u00e9\\n"', '"\\ud83d\\ude00"', "'single'", '"tab\there"', '"\\x41"', "'it\\'s'", '"line\\\ncont"', '"\\0"', '"é😀"', '"\\/"', '"\\v"',
);
const numberLit = fc.constantFrom('0', '-0', '1', '-12', '3.5', '1e3', '-2.5E-3', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '123456789012345678901234', '0x1F', '-0xff', '+7', '.5', '5.', 'Infinity', '-Infinity', 'NaN', '1.0', '0.1');
const scalarLit = fc.oneof(stringLit, numberLit, fc.constantFrom('true', 'false', 'null'));

const jsonText: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarLit,
    fc.tuple(fc.array(tie('v'), { maxLength: 4 }), ws, fc.boolean()).map(([items, w, trailing]) => `[${w}${items.join(`,${w}`)}${trailing && items.length ? ',' : ''}]`),
    fc
      .tuple(fc.array(fc.tuple(keyText, fc.constantFrom('"', "'", ''), tie('v')), { maxLength: 4 }), ws, fc.boolean())
      .map(([members, w, trailing]) => {
        const parts = members.map(([k, q, v]) => {
          const key = q === '' ? (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : `"${k}"`) : `${q}${k}${q}`;
          return `${key}${w}:${w}${v}`;
        });
        return `{${w}${parts.join(`,${w}`)}${trailing && parts.length ? ',' : ''}}`;
      }),
  ),
})).v;

const brokenText = fc.constantFrom('', ' ', '{', '[1,', '{"a"}', '{"a":}', '[1 2]', 'tru', 'nul', '01', '1.2.3', '"abc', "'abc", '{a b:1}', '[1]]', '[1] x', '{"a":1}}', '/* x', '\u0000', '[-]', '[.]', '[+]', '{"a":1,,}', '"\\q"', '[1e]', '[0x]');

/** JSONB blobs made by SQLite's jsonb() from generated JSON text. */
const arbJsonb: fc.Arbitrary<SqlValue> = jsonText
  .map((t) => sqliteValue('SELECT jsonb(?)', [t]))
  .filter((o): o is { value: Uint8Array } => 'value' in o && o.value instanceof Uint8Array)
  .map((o) => o.value);

/** Blobs that are either real JSONB or clearly not JSONB (malformed JSONB is not emulated). */
const arbBlobArg: fc.Arbitrary<SqlValue> = fc.oneof(arbJsonb, arbValueUtf8.filter((v) => v instanceof Uint8Array && !jt.isJsonb(v)));

const arbSqlArg = fc.oneof(arbValueUtf8.filter((v) => !(v instanceof Uint8Array)), fc.constantFrom('x', 'é', '"q"', '[1,2]', '{"z":1}'), arbBlobArg);

const arbJson = fc.oneof({ weight: 6, arbitrary: jsonText }, { weight: 1, arbitrary: brokenText }, { weight: 1, arbitrary: fc.json() }, { weight: 1, arbitrary: arbBlobArg as fc.Arbitrary<string> });

const arbPath = fc.oneof(
  fc.constantFrom('$', '$.a', '$.b', '$.c', '$.a.b', '$.a[0]', '$[0]', '$[1]', '$[#]', '$[#-1]', '$[#-2]', '$[#-9]', '$."a b"', '$."x.y"', '$.é', '$."é"', '$.k1', '$[0].a', '$[1][0]', '$.a.b.c', '$.""', '$."q"', '$."a\\u0041"', '$.aA'),
  fc.constantFrom('a', '$.', '$[', '$[x]', '$[-1]', '$.a.', '$a', '$[1', '$."a', '', '$[#-]', '$.[0]', '$..a', '$[0]x'),
);


describe('JSON functions match SQLite', () => {
  it('json(), json_valid(), json_error_position(), json_type()', () => {
    fc.assert(
      fc.property(arbJson, (j) => {
        check('json', [j]);
        check('json_valid', [j]);
        for (const f of [1n, 2n, 3n, 6n]) check('json_valid', [j, f]);
        check('json_error_position', [j]);
        check('json_type', [j]);
        check('json_array_length', [j]);
        check('json_pretty', [j]);
      }),
      { numRuns: RUNS * 5 },
    );
    for (const v of [null, 0n, 16n, 1.5, 'x']) check('json_valid', ['{}', v]);
    for (const v of [null, 5n, 1.5, 'x', new Uint8Array([0x5b, 0x31, 0x5d])]) {
      check('json', [v]);
      check('json_valid', [v]);
    }
  });

  it('path functions: json_extract, ->, ->>, json_type, json_array_length', () => {
    fc.assert(
      fc.property(jsonText, arbPath, arbPath, (j, p1, p2) => {
        check('json_extract', [j, p1]);
        check('json_extract', [j, p1, p2]);
        check('json_type', [j, p1]);
        check('json_array_length', [j, p1]);
        expectSame(ours(() => jsonArrow(j, p1, false)), sqliteValue('SELECT ? -> ?', [j, p1]), `${j} -> ${p1}`);
        expectSame(ours(() => jsonArrow(j, p1, true)), sqliteValue('SELECT ? ->> ?', [j, p1]), `${j} ->> ${p1}`);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('-> and ->> with abbreviated paths', () => {
    const abbrev = fc.oneof(fc.constantFrom('a', 'b', 'a b', 'é', '[0]', '[#-1]', '', 'x.y', '[1'), fc.bigInt({ min: -3n, max: 3n }), fc.constantFrom(1.5, null));
    fc.assert(
      fc.property(jsonText, abbrev, (j, p) => {
        expectSame(ours(() => jsonArrow(j, p, false)), sqliteValue('SELECT ? -> ?', [j, p]), `${j} -> ${String(p)}`);
        expectSame(ours(() => jsonArrow(j, p, true)), sqliteValue('SELECT ? ->> ?', [j, p]), `${j} ->> ${String(p)}`);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('json_insert / json_replace / json_set / json_remove', () => {
    fc.assert(
      fc.property(jsonText, arbPath, arbSqlArg, arbPath, arbSqlArg, (j, p1, v1, p2, v2) => {
        for (const f of ['json_insert', 'json_replace', 'json_set']) {
          check(f, [j, p1, v1]);
          check(f, [j, p1, v1, p2, v2]);
        }
        check('json_remove', [j, p1]);
        check('json_remove', [j, p1, p2]);
      }),
      { numRuns: RUNS * 5 },
    );
    check('json_set', ['{}', '$.a']);
    check('json_insert', ['{}']);
    check('json_set', ['{}', '$.a', new Uint8Array([1])]);
    check('json_remove', ['[1,2]', null]);
  });

  it('json_patch', () => {
    fc.assert(
      fc.property(arbJson, arbJson, (a, b) => check('json_patch', [a, b])),
      { numRuns: RUNS * 5 },
    );
    check('json_patch', ['{"a":{"b":1,"c":2}}', '{"a":{"b":null,"d":{"e":null,"f":3}},"x":null}']);
  });

  it('json_array / json_object / json_quote with SQL values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(arbValueUtf8.filter((v) => !(v instanceof Uint8Array) || !jt.isJsonb(v)), arbSqlArg), { maxLength: 4 }), (args) => {
        check('json_array', args);
        check('json_object', args);
        if (args.length) check('json_quote', [args[0]!]);
        check('json_object', args.flatMap((a, i) => [`k${i}`, a]));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('JSON subtype: JSON results nest as JSON, plain text nests as a string', () => {
    const j = '{"a":[1,2],"b":"x"}';
    const sub = (name: string, args: SqlValue[]) => {
      const o: CallOptions = {};
      const v = call(name, args, o);
      return { v, json: o.jsonResult === true };
    };
    // json_array(json(?)), json_array(?), json_object('k', json_extract(?, '$.a')), json_object('k', json_extract(?, '$.b'))
    const inner = sub('json', [j]);
    expect(inner.json).toBe(true);
    expectSame({ value: call('json_array', [inner.v], { jsonArgs: 1 }) }, sqliteValue('SELECT json_array(json(?))', [j]), 'json_array(json(x))');
    expectSame({ value: call('json_array', [j]) }, sqliteValue('SELECT json_array(?)', [j]), 'json_array(x)');
    const ea = sub('json_extract', [j, '$.a']);
    expect(ea.json).toBe(true);
    expectSame({ value: call('json_object', ['k', ea.v], { jsonArgs: ea.json ? 2 : 0 }) }, sqliteValue("SELECT json_object('k', json_extract(?, '$.a'))", [j]), 'object of extract array');
    const eb = sub('json_extract', [j, '$.b']);
    expect(eb.json).toBe(false);
    expectSame({ value: call('json_object', ['k', eb.v], { jsonArgs: eb.json ? 2 : 0 }) }, sqliteValue("SELECT json_object('k', json_extract(?, '$.b'))", [j]), 'object of extract string');
    const arrow = jsonArrow(j, '$.b', false);
    expectSame({ value: call('json_set', ['{}', '$.z', arrow], { jsonArgs: 4 }) }, sqliteValue("SELECT json_set('{}', '$.z', ? -> '$.b')", [j]), 'json_set with ->');
    expectSame({ value: call('json_quote', [inner.v], { jsonArgs: 1 }) }, sqliteValue('SELECT json_quote(json(?))', [j]), 'json_quote(json(x))');
  });

  it('errors carry SQLite messages and stable codes', () => {
    check('json', ['{']);
    check('json_extract', ['{}', 'a']);
    check('json_object', ['a']);
    check('json_object', [1n, 2n]);
    check('json_set', ['{}', '$.a', 1n, '$.b']);
    check('json_array', [new Uint8Array([1])]);
    expect(() => call('json', ['{'])).toThrow(expect.objectContaining({ code: 'JSON_MALFORMED' }));
    expect(() => call('json_extract', ['{}', 'a'])).toThrow(expect.objectContaining({ code: 'JSON_PATH' }));
  });
});

describe('json_each / json_tree', () => {
  const cols = ['key', 'value', 'type', 'atom', 'id', 'parent', 'fullkey', 'path'] as const;
  function checkEach(fn: 'json_each' | 'json_tree', j: SqlValue, root?: SqlValue): void {
    const sql = `SELECT ${cols.join(', ')} FROM ${fn}(?${root === undefined ? '' : ', ?'})`;
    let expected: SqlValue[][] | { error: string };
    try {
      expected = sqliteRows(sql, root === undefined ? [j] : [j, root]);
    } catch (e) {
      expected = { error: (e as Error).message };
    }
    let mine: SqlValue[][] | { error: string };
    try {
      const gen = fn === 'json_each' ? jsonEach(j, root) : jsonTree(j, root);
      mine = [...gen].map((r) => cols.map((c) => r[c]));
    } catch (e) {
      mine = { error: (e as Error).message };
    }
    if ('error' in expected || 'error' in mine) {
      expect(mine, `${fn}(${String(j)}, ${String(root)})`).toEqual(expected);
      return;
    }
    expect(mine.length, `${fn}(${String(j)}, ${String(root)}) row count`).toBe(expected.length);
    mine.forEach((row, i) => row.forEach((v, k) => expectSame({ value: v }, { value: expected[i]![k]! } as { value: SqlValue }, `${fn}(${String(j)}, ${String(root)}) row ${i} ${cols[k]}`)));
  }

  it('rows match SQLite', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, arbJsonb), fc.option(arbPath, { nil: undefined }), (j, root) => {
        checkEach('json_each', j, root);
        checkEach('json_tree', j, root);
      }),
      { numRuns: RUNS * 5 },
    );
    checkEach('json_each', null);
    checkEach('json_each', '{bad');
    checkEach('json_tree', '{"a":{"b":[1,{"c":2}]},"d e":3}', '$.a.b');
  });
});

describe('JSON aggregates', () => {
  db.exec('CREATE TABLE jg(k, v)');
  const ins = db.prepare('INSERT INTO jg VALUES (?, ?)');
  it('json_group_array and json_group_object match SQLite', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.constantFrom('a', 'b', null), arbSqlArg), arbSqlArg), { maxLength: 6 }), (rows) => {
        db.exec('DELETE FROM jg');
        for (const [k, v] of rows) ins.run(k, v);
        const ga = aggregateFunctions.get('json_group_array')!;
        const go = aggregateFunctions.get('json_group_object')!;
        const runArray = () => {
          let sa = ga.init();
          for (const [, v] of rows) sa = ga.step(sa, [v]);
          return ga.final(sa);
        };
        const runObject = () => {
          let so = go.init();
          for (const [k, v] of rows) so = go.step(so, [k, v]);
          return go.final(so);
        };
        expectSame(ours(runArray), sqliteValue('SELECT json_group_array(v) FROM jg'), 'json_group_array');
        expectSame(ours(runObject), sqliteValue('SELECT json_group_object(k, v) FROM jg'), 'json_group_object');
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('JSON validation for JSON columns (deliberate: strict RFC 8259)', () => {
  it('isValidJson accepts exactly what json_valid(x, 1) accepts', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, brokenText, fc.json()), (j) => {
        expectSame({ value: isValidJson(j) ? 1n : 0n }, sqliteValue('SELECT json_valid(?, 1)', [j]), `json_valid(${j})`);
      }),
      { numRuns: RUNS * 3 },
    );
  });
  it('CAST(x AS JSON) validates (SQLite would cast to NUMERIC)', () => {
    expect(castValue('{"a":1}', 'JSON')).toBe('{"a":1}');
    expect(castValue(5n, 'JSON')).toBe('5');
    expect(castValue(null, 'JSON')).toBeNull();
    expect(() => castValue('{a:1}', 'JSON')).toThrow(expect.objectContaining({ code: 'JSON_MALFORMED' }));
  });
});
