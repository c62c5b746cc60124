/**
 * Storage-level three-way row merge (src/merge `mergeRows`) on a 1M-row table (100K with
 * --quick), 1,000 and 10,000 changed rows per side (updates, inserts, deletes; a tenth of
 * theirs touching rows ours also changed, in another column, so they merge cell by cell):
 * merge alone, merge + applying the edits to ours (the new tree), with a warm and a cold node
 * cache (cold: every node read from the chunk store and re-hashed), and the nodes read cold.
 * Issue-5 targets are for the whole SQL merge (≤ 100 ms and ≤ 1 s); this level must be well
 * under. For reference, the same two diffs through the prolly tree's own `Tree.diff`.
 * No SQLite equivalent.
 */
import { mergeRows } from '../../src/merge/index.js';
import { encodeKey, encodeRow, NodeStore, ProllyTree, type TreeEdit, type TreeEntry } from '../../src/objects/index.js';
import { MemoryChunkStore } from '../../src/store/index.js';
import { median, now, rng, round, timeMedian, timeRow, type BenchResult, type Suite } from '../lib.js';

function row(i: number, name: string): Uint8Array {
  return encodeRow([1, 2, 3], [name, BigInt(i) * 3n, i * 0.25]);
}

/** K changes on ids below N: 70% updates of column 1, 15% inserts above N, 15% deletes. */
function changes(N: number, K: number, seed: number, side: string, overlapWith?: number[]): { edits: TreeEdit[]; ids: number[] } {
  const r = rng(seed);
  const used = new Set<number>();
  const edits: TreeEdit[] = [];
  const ids: number[] = [];
  for (let j = 0; j < K; j++) {
    const roll = r();
    if (overlapWith !== undefined && j < K / 10) {
      // a row the other side updated: change column 2 (a cell merge)
      const id = overlapWith[j]!;
      used.add(id);
      ids.push(id);
      edits.push({ key: encodeKey([BigInt(id)]), value: encodeRow([1, 2, 3], [`name-${id}`, -BigInt(id), id * 0.25]) });
      continue;
    }
    let id: number;
    if (roll < 0.15) id = N + Math.floor(r() * N);
    else id = Math.floor(r() * N);
    if (used.has(id)) {
      j--;
      continue;
    }
    used.add(id);
    ids.push(id);
    const key = encodeKey([BigInt(id)]);
    if (roll < 0.15) edits.push({ key, value: row(id, `${side}-new-${id}`) });
    else if (roll < 0.3) edits.push({ key, value: null });
    else edits.push({ key, value: row(id, `${side}-${id}`) });
  }
  return { edits, ids };
}

export default {
  name: 'merge-rows',
  async run(ctx) {
    const N = ctx.quick ? 100_000 : 1_000_000;
    const out: BenchResult[] = [];
    const ns = new NodeStore(new MemoryChunkStore(), { cacheBytes: 1024 << 20 });
    const t0 = now();
    const entries: TreeEntry[] = new Array<TreeEntry>(N);
    for (let i = 0; i < N; i++) entries[i] = { key: encodeKey([BigInt(i)]), value: row(i, `name-${i}`) };
    const base = ProllyTree.build(ns, entries);
    await ns.flush();
    ctx.log(`base: ${N} rows, depth ${base.depth}, built in ${round(now() - t0)} ms`);

    for (const K of [1_000, 10_000]) {
      const o = changes(N, K, 1, 'o');
      const updatedByOurs = o.ids.filter((id, j) => id < N && o.edits[j]!.value !== null);
      const t = changes(N, K, 2, 't', updatedByOurs);
      const ours = base.mutate(o.edits);
      const theirs = base.mutate(t.edits);
      await ns.flush();
      const probe = mergeRows(base, ours, theirs);
      const s = probe.stats;
      ctx.log(
        `K=${K}: ${s.oursChanges}/${s.theirsChanges} changes, ${s.bothChanged} on both sides, ${s.cellMerged} cell-merged, ` +
          `${s.conflicts} conflicts, ${s.edits} edits`,
      );
      const label = `${K.toLocaleString('en')} changed rows per side`;
      const target = K === 1_000 ? '≪ 100 ms (SQL level ≤ 100 ms)' : '≪ 1 s (SQL level ≤ 1 s)';

      const warm = await timeMedian(() => mergeRows(base, ours, theirs), 5, 1);
      out.push(timeRow(`mergeRows, ${label}, warm cache`, warm, undefined, target, `${N.toLocaleString('en')} rows`));
      const apply = await timeMedian(() => ours.mutate(mergeRows(base, ours, theirs).edits), 5, 1);
      out.push(timeRow(`mergeRows + apply edits to ours, ${label}, warm`, apply, undefined, target));

      const coldTimes: number[] = [];
      let reads = 0;
      for (let i = 0; i < 4; i++) {
        ns.clearCache();
        const before = ns.stats().storeReads;
        const c0 = now();
        ours.mutate(mergeRows(base, ours, theirs).edits);
        coldTimes.push(now() - c0);
        reads = ns.stats().storeReads - before;
      }
      ns.clearCache();
      const scanBefore = ns.stats().storeReads;
      for (const _ of base.entries()) void _;
      const totalNodes = ns.stats().storeReads - scanBefore;
      out.push(
        timeRow(`mergeRows + apply, ${label}, cold cache`, median(coldTimes), undefined, target, `${reads} nodes read of ${totalNodes} in the base tree (×3 trees)`),
      );

      // reference: the same two diffs through the prolly tree's cursor diff
      const ref = await timeMedian(() => {
        for (const _ of base.diff(ours)) void _;
        for (const _ of base.diff(theirs)) void _;
      }, 5, 1);
      ns.clearCache();
      const refBefore = ns.stats().storeReads;
      for (const _ of base.diff(ours)) void _;
      for (const _ of base.diff(theirs)) void _;
      const refReads = ns.stats().storeReads - refBefore;
      out.push(timeRow(`reference: two Tree.diff walks, ${label}, warm`, ref, undefined, undefined, `cold: ${refReads} nodes read`));
    }
    return out;
  },
} satisfies Suite;
