/**
 * Node format and boundary rule: the hand-written encoder produces canonical dag-cbor (the
 * same bytes as @ipld/dag-cbor), encode/decode round trips, IPLD tools can walk the links,
 * malformed bytes raise DecodeError (never another exception), and built trees respect the
 * documented size bounds of chunker.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { cidOf } from '../../../src/hash/index.js';
import { DecodeError } from '../../../src/errors/index.js';
import {
  BIG_ENTRY_BYTES,
  decodeNode,
  EMPTY_ROOT,
  encodeInternal,
  encodeLeaf,
  NODE_MAX_BYTES,
  NODE_MIN_BYTES,
  ProllyTree,
  type ProllyNode,
} from '../../../src/objects/index.js';
import { murmur3 } from '../../../src/objects/prolly/chunker.js';
import { nodeCid } from '../../../src/objects/prolly/node.js';
import { commonPrefix, equalSpan } from '../../../src/objects/prolly/bytes.js';
import { bytes, cmp, fixedEntry, hex, newStore, prng, randomKey, randomValue, type Shape } from './helpers.js';

const sortedEntries = fc
  .uniqueArray(fc.record({ key: fc.uint8Array({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 300 }) }), {
    selector: (e) => hex(e.key),
    maxLength: 60,
  })
  .map((es) => es.sort((a, b) => cmp(a.key, b.key)));

function leafObject(node: ProllyNode): unknown {
  const k: Uint8Array[] = [];
  const v: Uint8Array[] = [];
  for (let i = 0; i < node.size; i++) {
    k.push(node.keyAt(i));
    v.push(node.valueAt(i));
  }
  return { k, l: 0, v };
}

/** All nodes of a tree, level by level. */
function allNodes(t: ProllyTree): ProllyNode[][] {
  const levels: ProllyNode[][] = [[t.rootNode]];
  while (levels[0]![0]!.level > 0) {
    const below: ProllyNode[] = [];
    for (const n of levels[0]!) for (const c of n.children) below.push(t.ns.getNode(c));
    levels.unshift(below);
  }
  return levels;
}

describe('node encoding', () => {
  it('the empty leaf has fixed bytes and CID', () => {
    const n = encodeLeaf([]);
    expect(hex(n.bytes)).toBe('a3616b80616c00617680');
    expect(n.cid.equals(EMPTY_ROOT)).toBe(true);
    expect(n.cid.equals(cidOf(dagCbor.encode({ k: [], l: 0, v: [] })))).toBe(true);
  });

  it('leaves: same bytes as @ipld/dag-cbor, and decode round-trips', () => {
    fc.assert(
      fc.property(sortedEntries, (entries) => {
        const n = encodeLeaf(entries);
        expect(hex(n.bytes)).toBe(hex(dagCbor.encode({ k: entries.map((e) => e.key), l: 0, v: entries.map((e) => e.value) })));
        const d = decodeNode(n.cid, n.bytes);
        expect(d.level).toBe(0);
        expect(d.size).toBe(entries.length);
        for (let i = 0; i < entries.length; i++) {
          expect(hex(d.keyAt(i))).toBe(hex(entries[i]!.key));
          expect(hex(d.valueAt(i))).toBe(hex(entries[i]!.value));
        }
      }),
    );
  });

  it('internal nodes: same bytes as @ipld/dag-cbor, links are IPLD links, decode round-trips', () => {
    fc.assert(
      fc.property(
        sortedEntries.filter((e) => e.length > 0),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER >>> 10 }), { minLength: 60, maxLength: 60 }),
        (entries, level, counts) => {
          const refs = entries.map((e, i) => ({ key: e.key, cid: cidOf(e.value), count: counts[i]! }));
          const n = encodeInternal(level, refs);
          const obj = { c: refs.map((r) => r.cid), k: refs.map((r) => r.key), l: level, n: refs.map((r) => r.count) };
          expect(hex(n.bytes)).toBe(hex(dagCbor.encode(obj)));
          const generic = dagCbor.decode<{ c: CID[] }>(n.bytes);
          expect(generic.c.map((c) => CID.asCID(c)!.toString())).toEqual(refs.map((r) => r.cid.toString()));
          const d = decodeNode(n.cid, n.bytes);
          expect(d.level).toBe(level);
          expect(d.total).toBe(refs.reduce((s, r) => s + r.count, 0));
          for (let i = 0; i < refs.length; i++) {
            expect(d.children[i]!.equals(refs[i]!.cid)).toBe(true);
            expect(d.countAt(i)).toBe(refs[i]!.count);
            expect(hex(d.keyAt(i))).toBe(hex(refs[i]!.key));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('nodes written by the tree builder are canonical dag-cbor and decode to the same entries', () => {
    for (const shape of ['small', 'mixed', 'bigkeys', 'bigvalues'] as Shape[]) {
      const r = prng(11);
      const m = new Map<string, { key: Uint8Array; value: Uint8Array }>();
      for (let i = 0; i < 700; i++) {
        const key = randomKey(r, shape, 5000);
        m.set(hex(key), { key, value: randomValue(r, shape) });
      }
      const { ns } = newStore();
      const t = ProllyTree.build(ns, [...m.values()].sort((a, b) => cmp(a.key, b.key)));
      for (const level of allNodes(t)) {
        for (const n of level) {
          expect(hex(dagCbor.encode(dagCbor.decode(n.bytes)))).toBe(hex(n.bytes));
          expect(n.cid.equals(cidOf(n.bytes))).toBe(true);
          const d = decodeNode(n.cid, n.bytes);
          expect(d.size).toBe(n.size);
          expect(d.total).toBe(n.total);
          if (n.level === 0) {
            const generic = dagCbor.decode<{ k: Uint8Array[]; v: Uint8Array[] }>(n.bytes);
            const mine = leafObject(n) as { k: Uint8Array[]; v: Uint8Array[] };
            expect(generic.k.map(hex).join()).toBe(mine.k.map(hex).join());
            expect(generic.v.map(hex).join()).toBe(mine.v.map(hex).join());
          }
        }
      }
    }
  });

  it('malformed bytes raise DecodeError and nothing else', () => {
    const good = encodeLeaf([fixedEntry(1), fixedEntry(2), fixedEntry(3)]);
    const internal = encodeInternal(1, [
      { key: bytes('a'), cid: good.cid, count: 3 },
      { key: bytes('b'), cid: good.cid, count: 2 },
    ]);
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      good.bytes.subarray(0, good.bytes.length - 1),
      new Uint8Array([...good.bytes, 0]),
      dagCbor.encode({ k: [bytes('b'), bytes('a')], l: 0, v: [bytes('1'), bytes('2')] }), // unsorted
      dagCbor.encode({ k: [bytes('a'), bytes('a')], l: 0, v: [bytes('1'), bytes('2')] }), // duplicate
      dagCbor.encode({ k: [bytes('a')], l: 0, v: [] }), // lengths differ
      dagCbor.encode({ k: [bytes('a')], l: 1, v: [bytes('1')] }), // leaf with level 1
      dagCbor.encode({ c: [], k: [], l: 1, n: [] }), // internal without children
      dagCbor.encode({ c: [good.cid], k: [bytes('a')], l: 1, n: [0] }), // empty child
      dagCbor.encode({ c: [good.cid], k: [bytes('a')], l: 0, n: [1] }), // internal at level 0
      dagCbor.encode({ c: [bytes('x')], k: [bytes('a')], l: 1, n: [1] }), // not a link
      dagCbor.encode({ k: [new Uint8Array(4097)], l: 0, v: [bytes('1')] }), // key over the limit
      dagCbor.encode({ a: 1, b: 2, c: 3 }),
      dagCbor.encode([1, 2, 3]),
      dagCbor.encode('hello'),
    ];
    for (const b of cases) expect(() => decodeNode(cidOf(b), b)).toThrow(DecodeError);
    fc.assert(
      fc.property(fc.constantFrom(good.bytes, internal.bytes), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (src, pos, val, cut) => {
        const b = src.slice();
        const p = pos % b.length;
        const mutated = cut ? b.subarray(0, p) : (b.fill(val, p, p + 1), b);
        try {
          const n = decodeNode(cidOf(mutated), mutated);
          // still well formed: it must then re-encode to the same bytes
          const again = n.level === 0 ? encodeLeaf(Array.from({ length: n.size }, (_, i) => ({ key: n.keyAt(i), value: n.valueAt(i) }))) : null;
          if (again) expect(hex(again.bytes)).toBe(hex(mutated));
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('node memory form', () => {
  it('node CIDs are the CIDs of the bytes (cidOf)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), (b) => {
        const c = nodeCid(b);
        const want = cidOf(b);
        expect(c.equals(want)).toBe(true);
        expect(c.toString()).toBe(want.toString());
        expect(CID.asCID(c)).toBe(c);
        expect(hex(c.multihash.digest)).toBe(hex(want.multihash.digest));
      }),
      { numRuns: 300 },
    );
  });

  it('a decoded node keeps its own copy of the bytes', () => {
    const src = encodeLeaf([fixedEntry(1), fixedEntry(2)]).bytes.slice();
    const d = decodeNode(cidOf(src), src);
    const before = hex(d.valueAt(1));
    src.fill(0);
    expect(hex(d.valueAt(1))).toBe(before);
    expect(hex(d.keyAt(0))).toBe(hex(fixedEntry(1).key));
  });
});

describe('byte helpers', () => {
  it('equalSpan and commonPrefix agree with a byte loop, short and long spans', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (base, x, y, flip, v) => {
        const a = new Uint8Array([1, 2, 3, ...base, 9]);
        const b = new Uint8Array([7, ...base, 5, 5]);
        if (base.length > 0 && flip % 3 === 0) b[1 + (flip % base.length)] = v;
        const as = 3 + (x % (base.length + 1));
        const bs = 1 + (as - 3);
        const len = y % (base.length - (as - 3) + 1);
        let same = 0;
        while (same < len && a[as + same] === b[bs + same]) same++;
        expect(equalSpan(a, as, b, bs, len)).toBe(same === len);
        const da = new DataView(a.buffer);
        const db = new DataView(b.buffer);
        expect(commonPrefix(a, da, as, b, db, bs, len)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });
});

describe('boundary rule', () => {
  it('murmur3-x86-32 matches published test vectors', () => {
    expect(murmur3(new Uint8Array(0), 0, 0, 0)).toBe(0);
    expect(murmur3(new Uint8Array(0), 0, 0, 1)).toBe(0x514e28b7);
    expect(murmur3(new Uint8Array(0), 0, 0, 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0, 4, 0)).toBe(0x76293b50);
    expect(murmur3(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0, 4, 0)).toBe(0xf55b516b);
    expect(murmur3(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0, 4, 0x5082edee)).toBe(0x2362f9de);
    expect(murmur3(new Uint8Array([0x21, 0x43, 0x65]), 0, 3, 0)).toBe(0x7e4a8634);
    expect(murmur3(new Uint8Array([0x21, 0x43]), 0, 2, 0)).toBe(0xa0f7b07a);
    expect(murmur3(new Uint8Array([0x21]), 0, 1, 0)).toBe(0x72661cf4);
    const s = bytes('The quick brown fox jumps over the lazy dog');
    expect(murmur3(s, 0, s.length, 0x9747b28c)).toBe(0x2fa826cd);
    // a range inside a larger buffer hashes like the bytes alone
    const wrapped = new Uint8Array([9, 9, ...s, 9]);
    expect(murmur3(wrapped, 2, 2 + s.length, 7)).toBe(murmur3(s, 0, s.length, 7));
  });

  it('built trees respect the size bounds and fan-out rules', () => {
    for (const shape of ['small', 'mixed', 'bigkeys', 'bigvalues'] as Shape[]) {
      const r = prng(23);
      const m = new Map<string, { key: Uint8Array; value: Uint8Array }>();
      for (let i = 0; i < 4000; i++) {
        const key = randomKey(r, shape, 20000);
        m.set(hex(key), { key, value: randomValue(r, shape) });
      }
      const { ns } = newStore();
      const t = ProllyTree.build(ns, [...m.values()].sort((a, b) => cmp(a.key, b.key)));
      const levels = allNodes(t);
      for (const level of levels) {
        level.forEach((n, i) => {
          const last = i === level.length - 1;
          if (n.level > 0 && !last) expect(n.size).toBeGreaterThanOrEqual(2);
          const bigAlone = n.level === 0 && n.size === 1 && n.bytes.length > BIG_ENTRY_BYTES;
          if (!bigAlone) expect(n.bytes.length).toBeLessThanOrEqual(NODE_MAX_BYTES + 20);
          const nextIsBig = n.level === 0 && !last && level[i + 1]!.size === 1 && level[i + 1]!.bytes.length > BIG_ENTRY_BYTES;
          if (!last && !bigAlone && !nextIsBig) expect(n.bytes.length).toBeGreaterThanOrEqual(NODE_MIN_BYTES);
        });
      }
    }
  });

  it('small entries give nodes of about 4 KiB on average', () => {
    const { ns } = newStore();
    const t = ProllyTree.build(ns, Array.from({ length: 50_000 }, (_, i) => fixedEntry(i)));
    const leaves = allNodes(t)[0]!;
    const avg = leaves.reduce((s, n) => s + n.bytes.length, 0) / leaves.length;
    expect(avg).toBeGreaterThan(3300);
    expect(avg).toBeLessThan(5000);
  });
});
