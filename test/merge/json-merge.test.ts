/**
 * JSON cells merged key by key: the text-level merge (mergeJsonText) and the same through
 * mergeRows with `jsonTags`, in both directions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMergeableJson, mergeJsonText, mergeRows } from '../../src/merge/index.js';
import { hex, keyOf, newNs, prng, rowOf, treeOf, type Row, type Table } from './helpers.js';

/** Merge both ways; a clean merge must give the same text both ways. */
function both(base: string | null, ours: string, theirs: string) {
  const r1 = mergeJsonText(base, ours, theirs);
  const r2 = mergeJsonText(base, theirs, ours);
  return { r1, r2 };
}

describe('mergeJsonText', () => {
  it.each([
    // [case, base, x, y, merged]
    ['different keys changed', '{"a":1,"b":2}', '{"a":10,"b":2}', '{"a":1,"b":20}', '{"a":10,"b":20}'],
    ['keys added on each side', '{"a":1}', '{"a":1,"x":true}', '{"a":1,"y":null}', '{"a":1,"x":true,"y":null}'],
    ['same key added with the same value', '{"a":1}', '{"a":1,"n":[1,2]}', '{"a":1,"n":[1,2],"m":0}', '{"a":1,"n":[1,2],"m":0}'],
    ['removed on one side, another key changed on the other', '{"a":1,"b":2}', '{"b":2}', '{"a":1,"b":3}', '{"b":3}'],
    ['removed on both sides', '{"a":1,"b":2,"c":3}', '{"b":2,"c":3}', '{"b":2,"c":4}', '{"b":2,"c":4}'],
    ['nested objects merge key by key', '{"p":{"x":1,"y":1},"q":0}', '{"p":{"x":2,"y":1},"q":0}', '{"p":{"x":1,"y":2},"q":0}', '{"p":{"x":2,"y":2},"q":0}'],
    ['base NULL: both sides set objects with different keys', null, '{"a":1}', '{"b":2}', '{"a":1,"b":2}'],
    ['whitespace and key order do not matter', '{ "a" : 1 , "b" : 2 }', '{"b":2,"a":1,"c":3}', '{"a":1,\n "b":5}', '{"a":1,"b":5,"c":3}'],
    ['numbers keep their exact text', '{"n":12345678901234567890123,"m":1}', '{"n":12345678901234567890123,"m":2}', '{"n":12345678901234567890124,"m":1}', '{"n":12345678901234567890124,"m":2}'],
    ['escapes compare by meaning', '{"s":"\\u0041","t":1}', '{"s":"A","t":1}', '{"s":"\\u0041","t":2}', '{"s":"A","t":2}'],
  ])('%s', (_name, base, x, y, merged) => {
    const { r1, r2 } = both(base, x, y);
    expect(r1).toEqual({ text: merged, conflicts: [] });
    expect(r2).toEqual({ text: merged, conflicts: [] });
    expect(JSON.parse(r1!.text)).toEqual(JSON.parse(merged));
  });

  it.each([
    ['same key changed differently', '{"a":1,"b":2}', '{"a":10,"b":2}', '{"a":11,"b":2}', [['a']]],
    ['removed on one side, changed on the other', '{"a":1,"b":2}', '{"b":2}', '{"a":5,"b":2}', [['a']]],
    ['same key added with different values', '{}', '{"k":1}', '{"k":2}', [['k']]],
    ['nested key changed differently', '{"p":{"x":1,"y":1}}', '{"p":{"x":2,"y":1}}', '{"p":{"x":3,"y":2}}', [['p', 'x']]],
    ['object against scalar', '{"p":{"x":1}}', '{"p":{"x":2}}', '{"p":7}', [['p']]],
    ['arrays compare whole', '{"l":[1,2]}', '{"l":[1,2,3]}', '{"l":[0,1,2]}', [['l']]],
    ['two keys at once', '{"a":1,"b":1,"c":1}', '{"a":2,"b":2,"c":1}', '{"a":3,"b":3,"c":2}', [['a'], ['b']]],
  ])('conflict: %s', (_name, base, x, y, paths) => {
    const { r1, r2 } = both(base, x, y);
    expect(r1!.conflicts).toEqual(paths);
    expect(r2!.conflicts).toEqual(paths);
  });

  it('resolves conflicting keys to the preferred side and merges the rest', () => {
    const base = '{"a":1,"b":1,"c":1}';
    const ours = '{"a":2,"b":1,"c":5}';
    const theirs = '{"a":3,"b":9,"c":1}';
    expect(mergeJsonText(base, ours, theirs, 'theirs')).toEqual({ text: '{"a":3,"b":9,"c":5}', conflicts: [['a']] });
    expect(mergeJsonText(base, ours, theirs, 'ours')).toEqual({ text: '{"a":2,"b":9,"c":5}', conflicts: [['a']] });
    // a key removed by the preferred side stays removed
    expect(mergeJsonText('{"a":1,"b":1}', '{"b":1}', '{"a":2,"b":2}', 'ours')).toEqual({ text: '{"b":2}', conflicts: [['a']] });
  });

  it('refuses what cannot merge key by key: non-objects, invalid JSON, duplicate keys, non-object base', () => {
    expect(mergeJsonText('[1]', '[1,2]', '[0,1]')).toBeUndefined();
    expect(mergeJsonText('{"a":1}', '{"a":2', '{"a":3}')).toBeUndefined();
    expect(mergeJsonText('{"a":1}', '{"a":2}', "{'a':3}")).toBeUndefined();
    expect(mergeJsonText('{"a":1}', '{"a":2,"a":3}', '{"a":1,"b":1}')).toBeUndefined();
    expect(mergeJsonText('"s"', '{"a":2}', '{"b":3}')).toBeUndefined();
    expect(mergeJsonText('{"a":1}', '{"a":01}', '{"b":3}')).toBeUndefined();
    expect(mergeJsonText('{"a":1}', '{"a":2} x', '{"b":3}')).toBeUndefined();
    for (const bad of ['{"a":"\u0001"}', '{"a":"\\x"}', '{"a":tru}', '{"a":-}', '{"a":1.}', '{,}', '{"a" 1}']) {
      expect(isMergeableJson(bad), bad).toBe(false);
    }
    expect(isMergeableJson(' {"a":[{"b":-1.5e+3}],"c":"\\ud83d\\ude00"} ')).toBe(true);
    expect(isMergeableJson('[{}]')).toBe(false);
  });
});

describe('mergeRows with JSON columns', () => {
  const J = 2;
  function run(base: string | null, ours: string | null, theirs: string | null, jsonTags = new Set([J]), strategy?: 'ours' | 'theirs') {
    const ns = newNs();
    const t = (doc: string | null): Table => new Map<number, Row>([[1, doc === null ? { 1: 'x' } : { 1: 'x', [J]: doc }]]);
    const [tb, to, tt] = [treeOf(ns, t(base)), treeOf(ns, t(ours)), treeOf(ns, t(theirs))];
    const opts = strategy === undefined ? { jsonTags } : { jsonTags, strategy };
    const r = mergeRows(tb, to, tt, opts);
    const back = mergeRows(tb, tt, to, opts);
    const merged = to.mutate(r.edits);
    const mergedBack = tt.mutate(back.edits);
    const k = keyOf(1);
    return {
      r,
      back,
      cell: rowOf(merged.get(k)!)[J] ?? null,
      same: hex(merged.get(k)!) === hex(mergedBack.get(k)!),
    };
  }

  it('merges different keys of one JSON cell, the same both ways', () => {
    const m = run('{"a":1,"b":2}', '{"a":10,"b":2}', '{"a":1,"b":20}');
    expect(m.r.conflicts).toEqual([]);
    expect(m.cell).toBe('{"a":10,"b":20}');
    expect(m.same).toBe(true);
    expect(m.r.stats.jsonMerged).toBe(1);
    expect(m.r.stats.cellMerged).toBe(1);
  });

  it('reports the same key changed differently, with its path, mirrored', () => {
    const m = run('{"a":1,"b":2}', '{"a":10,"b":2}', '{"a":11,"b":3}');
    expect(m.r.conflicts).toHaveLength(1);
    expect(m.r.conflicts[0]!.reason).toBe('cells');
    expect(m.r.conflicts[0]!.tags).toEqual([J]);
    expect(m.r.conflicts[0]!.jsonPaths).toEqual([{ tag: J, path: ['a'] }]);
    expect(m.back.conflicts[0]!.jsonPaths).toEqual([{ tag: J, path: ['a'] }]);
    expect(m.cell).toBe('{"a":10,"b":2}'); // ours kept
  });

  it('strategy theirs takes their value for the colliding key only', () => {
    const m = run('{"a":1,"b":2}', '{"a":10,"b":2}', '{"a":11,"b":3}', new Set([J]), 'theirs');
    expect(m.r.conflicts).toEqual([]);
    expect(m.r.stats.resolved).toBe(1);
    expect(m.cell).toBe('{"a":11,"b":3}');
  });

  it('falls back to whole-cell comparison for non-objects, invalid JSON, a NULLed cell, and non-JSON columns', () => {
    for (const [b, o, t] of [
      ['[1]', '[1,2]', '[0,1]'],
      ['{"a":1}', 'not json', '{"a":1,"b":2}'],
      ['{"a":1}', null, '{"a":1,"b":2}'],
    ] as const) {
      const m = run(b, o, t);
      expect(m.r.conflicts.map((c) => c.tags)).toEqual([[J]]);
      expect(m.r.conflicts[0]!.jsonPaths).toEqual([]);
    }
    const plain = run('{"a":1,"b":2}', '{"a":10,"b":2}', '{"a":1,"b":20}', new Set());
    expect(plain.r.conflicts.map((c) => c.tags)).toEqual([[J]]);
  });

  it('takes one side whole (text untouched) when only that side changed the cell', () => {
    const m = run('{"a":1}', '{"a":1}', '{ "a" : 1 , "b" : 2 }');
    expect(m.cell).toBe('{ "a" : 1 , "b" : 2 }');
  });
});

describe('mergeJsonText property', () => {
  type J = number | string | J[] | { [k: string]: J };
  const leaf: fc.Arbitrary<J> = fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constantFrom('s', 't'), fc.constant<J>([1, 2]));
  const obj: fc.Arbitrary<{ [k: string]: J }> = fc.dictionary(
    fc.constantFrom('a', 'b', 'c', 'd'),
    fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('x', 'y', 'z'), leaf, { maxKeys: 3 }) as fc.Arbitrary<J> }),
    { maxKeys: 4 },
  );
  /** A side's edit: per top-level key keep / set / delete, per nested key likewise. */
  function edit(base: { [k: string]: J }, r: () => number, pool: J[]): { [k: string]: J } {
    const out: { [k: string]: J } = {};
    for (const k of ['a', 'b', 'c', 'd']) {
      const v = base[k];
      const roll = r();
      if (roll < 0.5) {
        if (v !== undefined) out[k] = v;
      } else if (roll < 0.65) {
        // delete
      } else if (roll < 0.8 && v !== undefined && typeof v === 'object' && !Array.isArray(v)) {
        const inner: { [k: string]: J } = {};
        for (const x of ['x', 'y', 'z']) {
          const iv = v[x];
          const rr = r();
          if (rr < 0.6) {
            if (iv !== undefined) inner[x] = iv;
          } else if (rr < 0.8) inner[x] = pool[Math.floor(r() * pool.length)]!;
        }
        out[k] = inner;
      } else out[k] = pool[Math.floor(r() * pool.length)]!;
    }
    return out;
  }
  const canon = (v: J | undefined): string =>
    v === undefined ? '∅' : typeof v === 'object' && !Array.isArray(v) ? '{' + Object.keys(v).sort().map((k) => k + ':' + canon(v[k])).join(',') + '}' : JSON.stringify(v);
  const isObj = (v: J | undefined): v is { [k: string]: J } => typeof v === 'object' && !Array.isArray(v);
  function model(b: { [k: string]: J } | undefined, o: { [k: string]: J }, t: { [k: string]: J }, path: string[], conflicts: string[][]): { [k: string]: J } {
    const out: { [k: string]: J } = {};
    for (const k of new Set([...Object.keys(b ?? {}), ...Object.keys(o), ...Object.keys(t)])) {
      const [x, y, z] = [b?.[k], o[k], t[k]];
      let v: J | undefined;
      if (canon(y) === canon(z) || canon(x) === canon(z)) v = y;
      else if (canon(x) === canon(y)) v = z;
      else if (isObj(y) && isObj(z) && (x === undefined || isObj(x))) v = model(x, y, z, [...path, k], conflicts);
      else {
        conflicts.push([...path, k]);
        v = y;
      }
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  it('matches a model of key-by-key merging, both ways', () => {
    fc.assert(
      fc.property(obj, fc.integer(), fc.integer(), (base, s1, s2) => {
        const pool: J[] = [0, 1, 2, 's', [1, 2], { x: 1 }, { y: 2, z: 's' }];
        const o = edit(base, prng(s1), pool);
        const t = edit(base, prng(s2), pool);
        const conflicts: string[][] = [];
        const expected = model(base, o, t, [], conflicts);
        const r = mergeJsonText(JSON.stringify(base), JSON.stringify(o), JSON.stringify(t))!;
        const back = mergeJsonText(JSON.stringify(base), JSON.stringify(t), JSON.stringify(o))!;
        const key = (p: string[]) => p.join('.');
        expect(r.conflicts.map(key).sort()).toEqual(conflicts.map(key).sort());
        expect(back.conflicts.map(key).sort()).toEqual(conflicts.map(key).sort());
        if (conflicts.length === 0) {
          expect(JSON.parse(r.text)).toEqual(expected);
          expect(back.text).toBe(r.text);
        }
      }),
      { numRuns: Number(process.env.HDB_LONG) ? 5000 : 500 },
    );
  });
});
