/**
 * Write amplification: a batched mutation rewrites only the changed paths. A one-entry
 * update that keeps the value's size writes exactly `depth` chunks; single inserts and
 * deletes write at most depth + 1 chunks except when a boundary shift spills into a
 * neighbouring node (a few percent); the median is `depth`.
 */
import { describe, expect, it } from 'vitest';
import { ProllyTree } from '../../../src/objects/index.js';
import { bytes, fixedEntry, newStore, prng } from './helpers.js';

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

describe('write amplification', () => {
  const N = 100_000;
  const { ns } = newStore(256 << 20);
  // even keys present; odd keys free for inserts
  const t = ProllyTree.build(ns, Array.from({ length: N }, (_, i) => fixedEntry(2 * i)));

  function written(edit: { key: Uint8Array; value: Uint8Array | null }): { chunks: number; tree: ProllyTree } {
    const before = ns.stats().chunksPut;
    const tree = t.mutate([edit]);
    return { chunks: ns.stats().chunksPut - before, tree };
  }

  it('a same-size update writes exactly depth chunks', async () => {
    await ns.flush();
    const r = prng(3);
    expect(t.depth).toBe(3);
    for (let j = 0; j < 300; j++) {
      const i = Math.floor(r() * N);
      const { chunks, tree } = written({ key: fixedEntry(2 * i).key, value: bytes(`VALUE-${String(j).padStart(6, '0')}`) });
      expect(chunks).toBe(t.depth);
      expect(tree.depth).toBe(t.depth);
      await ns.flush();
    }
  });

  it('single inserts and deletes: median depth, at most depth + 1 in ≥ 95% of cases', async () => {
    const r = prng(4);
    for (const kind of ['insert', 'delete', 'resize'] as const) {
      const counts: number[] = [];
      for (let j = 0; j < 400; j++) {
        const i = Math.floor(r() * N);
        const key = fixedEntry(kind === 'insert' ? 2 * i + 1 : 2 * i).key;
        const value = kind === 'delete' ? null : bytes('v'.repeat(1 + Math.floor(r() * 80)));
        counts.push(written({ key, value }).chunks);
        await ns.flush();
      }
      expect(median(counts)).toBe(t.depth);
      expect(counts.filter((c) => c <= t.depth + 1).length).toBeGreaterThanOrEqual(0.95 * counts.length);
      expect(Math.max(...counts)).toBeLessThan(4 * t.depth);
    }
  });

  it('1K scattered edits rewrite a fraction of the tree, not all of it', () => {
    const r = prng(5);
    const edits = Array.from({ length: 1000 }, () => {
      const i = Math.floor(r() * N);
      return { key: fixedEntry(2 * i).key, value: bytes('changed') };
    });
    const before = ns.stats().chunksPut;
    const u = t.mutate(edits);
    const chunks = ns.stats().chunksPut - before;
    expect(u.count).toBe(N);
    const leaves = Math.ceil((N * 20) / 4096);
    expect(chunks).toBeLessThan(leaves); // some leaves get two edits; none is rewritten twice
    expect(chunks).toBeGreaterThan(100);
  });
});
