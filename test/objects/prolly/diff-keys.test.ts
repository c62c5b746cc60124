/**
 * Diff ordering of keys that differ late, or in length: the leaf merge orders two differing
 * keys by the first differing byte of their encodings, so keys that share long prefixes, keys
 * that are prefixes of one another, and lengths on both sides of a CBOR head boundary (23/24,
 * 255/256 bytes) must still come out in key order and equal a naive diff.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type TreeEntry } from '../../../src/objects/index.js';
import { cmp, hex, naiveDiff, newStore, showDiff } from './helpers.js';

/** A key: a long shared stem, then a short tail over a tiny alphabet (many near-equal keys). */
function keyOf(stem: number, tail: number[]): Uint8Array {
  const k = new Uint8Array(stem + tail.length);
  k.fill(0x61, 0, stem);
  k.set(tail, stem);
  return k;
}

function sortedUnique(entries: TreeEntry[]): TreeEntry[] {
  const m = new Map<string, TreeEntry>();
  for (const e of entries) m.set(hex(e.key), e);
  return [...m.values()].sort((a, b) => cmp(a.key, b.key));
}

describe('diff: key order across lengths and shared prefixes', () => {
  it('equals a naive diff when keys share prefixes and straddle head-size boundaries', () => {
    const entry = fc
      .record({
        stem: fc.constantFrom(0, 5, 18, 20, 22, 23, 24, 250, 253, 254, 255, 256),
        tail: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 4 }),
        value: fc.integer({ min: 0, max: 3 }),
      })
      .map(({ stem, tail, value }) => ({ key: keyOf(stem, tail), value: new Uint8Array(40).fill(value) }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 400 }), fc.array(entry, { maxLength: 400 }), fc.array(fc.nat(), { maxLength: 200 }), (base, extra, drops) => {
        const a = sortedUnique(base);
        const dropped = new Set(drops.map((d) => (a.length === 0 ? -1 : d % a.length)));
        const b = sortedUnique([...a.filter((_, i) => !dropped.has(i)), ...extra]);
        const { ns } = newStore();
        const ta = ProllyTree.build(ns, a);
        const tb = ProllyTree.build(ns, b);
        expect(showDiff(ta.diff(tb))).toEqual(showDiff(naiveDiff(a, b)));
        expect(showDiff(tb.diff(ta))).toEqual(showDiff(naiveDiff(b, a)));
      }),
      { numRuns: 150 },
    );
  });
});
