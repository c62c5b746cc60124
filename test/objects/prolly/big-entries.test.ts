/**
 * Entries larger than a node's target size (values up to 64 KiB, keys up to the 4 KiB limit):
 * random puts and deletes applied through batched mutation, one edit at a time, and through
 * the editor give the same root as a bulk build of the same entries (history independence),
 * hold exactly the entries of a Map model, and keep every node within NODE_MAX_BYTES (plus
 * framing) except a leaf that holds one over-large entry alone. Regression: appending past
 * a last leaf that holds one over-large entry used to re-seek the same leaf forever.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BIG_ENTRY_BYTES,
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  NODE_MAX_BYTES,
  ProllyTree,
  type NodeStore,
  type TreeEdit,
} from '../../../src/objects/index.js';
import { hex, Model, newStore, show } from './helpers.js';

/** Bytes of a node beyond its entries' weights (CBOR framing of the node). */
const FRAMING = 20;

/** CBOR head length of a byte string of length n (written from the format description). */
function head(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
}

function leafWeight(k: Uint8Array, v: Uint8Array): number {
  return head(k.length) + k.length + head(v.length) + v.length;
}

/** Every node of `t` within the size limit, except an over-large leaf entry alone in its leaf. */
function checkNodeSizes(ns: NodeStore, t: ProllyTree): void {
  const stack = [t.rootNode];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.level > 0) {
      expect(n.bytes.length).toBeLessThanOrEqual(NODE_MAX_BYTES + FRAMING);
      for (let i = 0; i < n.size; i++) stack.push(ns.child(n, i));
      continue;
    }
    const big: number[] = [];
    for (let i = 0; i < n.size; i++) if (leafWeight(n.keyAt(i), n.valueAt(i)) > BIG_ENTRY_BYTES) big.push(i);
    if (big.length > 0) expect(n.size).toBe(1);
    else expect(n.bytes.length).toBeLessThanOrEqual(NODE_MAX_BYTES + FRAMING);
  }
}

function expectMatches(ns: NodeStore, t: ProllyTree, m: Model): void {
  const want = m.sorted();
  expect(show(t.entries())).toEqual(show(want));
  expect(t.count).toBe(want.length);
  expect(t.root.toString()).toBe(ProllyTree.build(newStore().ns, want).root.toString());
  checkNodeSizes(ns, t);
}

/** Value sizes concentrated around the thresholds: tiny, near BIG_ENTRY_BYTES, big, up to 64 KiB. */
const valueLen = fc.oneof(
  fc.integer({ min: 0, max: 64 }),
  fc.integer({ min: 3900, max: 4300 }),
  fc.integer({ min: 4300, max: 16_000 }),
  fc.integer({ min: 0, max: 64 * 1024 }),
);

/** Keys from a small space so that edits collide; a few long keys near the key limit. */
const keyArb = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 0, 0, 200, 4000, MAX_KEY_BYTES - 3))
  .map(([id, pad]) => {
    const k = new Uint8Array(3 + pad);
    k[0] = 0x6b;
    k[1] = id;
    k[2] = pad & 0xff;
    k.fill(0x61, 3);
    return k;
  });

const editArb = fc.record({
  key: keyArb,
  len: fc.option(valueLen, { freq: 4 }),
  fill: fc.integer({ min: 0, max: 255 }),
});

type GenEdit = { key: Uint8Array; len: number | null; fill: number };

function toEdit(g: GenEdit): TreeEdit {
  return { key: g.key, value: g.len === null ? null : new Uint8Array(g.len).fill(g.fill) };
}

function apply(m: Model, e: TreeEdit): void {
  if (e.value === null) m.delete(e.key);
  else m.put(e.key, e.value);
}

describe('entries larger than the target node size', () => {
  it('batched mutation, single edits and the editor match a bulk build and a Map model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(editArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
        (batches) => {
          const { ns } = newStore();
          const m = new Model();
          let batched = ProllyTree.empty(ns);
          let single = ProllyTree.empty(ns);
          let ed = ProllyTree.empty(ns).editor();
          for (const b of batches) {
            const edits = b.map(toEdit);
            batched = batched.mutate(edits);
            for (const e of edits) {
              single = single.mutate([e]);
              if (e.value === null) ed.delete(e.key);
              else ed.put(e.key, e.value);
              apply(m, e);
            }
            expectMatches(ns, batched, m);
            expect(single.root.toString()).toBe(batched.root.toString());
            const flushed = ed.flush();
            expect(flushed.root.toString()).toBe(batched.root.toString());
            ed = flushed.editor();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ascending appends, descending prepends and deletes of 5,000-byte values (the SQL insert pattern)', () => {
    const key = (i: number): Uint8Array => new Uint8Array([0x72, i >> 8, i & 255]);
    for (const len of [5000, 100_000, MAX_VALUE_BYTES]) {
      const { ns } = newStore();
      const m = new Model();
      let up = ProllyTree.empty(ns);
      let down = ProllyTree.empty(ns);
      const n = len === MAX_VALUE_BYTES ? 4 : 12;
      for (let i = 0; i < n; i++) {
        const e = { key: key(i), value: new Uint8Array(len).fill(i) };
        up = up.mutate([e]);
        apply(m, e);
        const d = { key: key(n - 1 - i), value: new Uint8Array(len).fill(n - 1 - i) };
        down = down.mutate([d]);
      }
      expectMatches(ns, up, m);
      expect(down.root.toString()).toBe(up.root.toString());
      // small entries appended after and between the big ones, then big ones deleted
      for (let i = 0; i < n; i++) {
        const e = { key: new Uint8Array([0x72, i >> 8, i & 255, 1]), value: new Uint8Array(10).fill(i) };
        up = up.mutate([e]);
        apply(m, e);
      }
      expectMatches(ns, up, m);
      for (let i = 0; i < n; i += 2) {
        up = up.mutate([{ key: key(i), value: null }]);
        m.delete(key(i));
      }
      expectMatches(ns, up, m);
      expect(hex(up.last()!.key)).toBe(hex(m.sorted().at(-1)!.key));
    }
  });
});
