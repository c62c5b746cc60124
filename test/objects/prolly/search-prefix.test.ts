/**
 * Searching nodes whose keys share a prefix: the first bytes of the prefix are checked in the
 * node's index, the rest in the key bytes. Probes that leave the prefix at any byte (below,
 * above, or shorter than it), with prefixes shorter and longer than the part kept in the
 * index, must answer get / has / countRange like a sorted array.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProllyTree, type TreeEntry } from '../../../src/objects/index.js';
import { cmp, newStore } from './helpers.js';

function rankOf(sorted: TreeEntry[], key: Uint8Array, inclusive: boolean): number {
  let n = 0;
  for (const e of sorted) {
    const c = cmp(e.key, key);
    if (c < 0 || (inclusive && c === 0)) n++;
  }
  return n;
}

describe('node search with shared key prefixes', () => {
  it('get, has and countRange agree with a sorted array for probes around the prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 2500 }),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 1 }), fc.nat()), { minLength: 1, maxLength: 60 }),
        (plen, n, fill, probeSpecs) => {
          const prefix = new Uint8Array(plen).map((_, i) => (fill + 37 * i) & 255);
          const entries: TreeEntry[] = [];
          for (let i = 0; i < n; i++) {
            const k = new Uint8Array(plen + 3);
            k.set(prefix);
            k[plen] = (i * 7) >>> 8;
            k[plen + 1] = (i * 7) & 255;
            k[plen + 2] = i % 3;
            entries.push({ key: k, value: new Uint8Array([i & 255, i >>> 8]) });
          }
          const { ns } = newStore();
          const t = ProllyTree.build(ns, entries);
          for (const [at, dir, pick] of probeSpecs) {
            // a stored key, bent at byte `at` (within or past the prefix), or cut short there
            const base = entries[pick % n]!.key;
            const pos = at % (base.length + 1);
            let probe: Uint8Array;
            if (dir === 0 || pos === base.length) probe = base.slice(0, dir === 0 ? pos : base.length);
            else {
              probe = base.slice();
              probe[pos] = dir < 0 ? Math.max(0, probe[pos]! - 1) : Math.min(255, probe[pos]! + 1);
            }
            const want = entries.find((e) => cmp(e.key, probe) === 0)?.value;
            expect(t.get(probe)).toEqual(want);
            expect(t.has(probe)).toBe(want !== undefined);
            expect(t.countRange({ end: probe })).toBe(rankOf(entries, probe, false));
            expect(t.countRange({ end: probe, endInclusive: true })).toBe(rankOf(entries, probe, true));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
