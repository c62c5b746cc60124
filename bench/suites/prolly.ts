/**
 * Prolly tree benchmarks on 1M entries (100K with --quick), ~40-byte keys and values, side
 * by side with SQLite (better-sqlite3, `kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID`):
 * bulk build on the memory store and on LevelDB, random gets with a warm and a cold node
 * cache, 1K scattered mutations in one batch (values of the same size, and resized), diff of
 * trees differing in one entry and in 1%, and the node size distribution.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NodeStore, ProllyTree, type ProllyNode, type TreeEntry } from '../../src/objects/index.js';
import { LevelChunkStore, MemoryChunkStore } from '../../src/store/index.js';
import { median, now, rateRow, rng, round, timeMedian, timeRow, type BenchResult, type Suite } from '../lib.js';

const enc = new TextEncoder();

/**
 * The data set: key i is 40 bytes (`user/0000000042/profile/settings-v1....`), ascending
 * with i; value i is 40 pseudo-random bytes. Both live in one buffer; `entries()` streams
 * views of them, as a loader or the SQL layer would produce them.
 */
class DataSet {
  readonly buf: Uint8Array;
  constructor(readonly n: number) {
    const r = rng(1);
    this.buf = new Uint8Array(n * 80);
    for (let i = 0; i < n; i++) {
      enc.encodeInto(`user/${String(i).padStart(10, '0')}/profile/settings-v1`.padEnd(40, '.'), this.buf.subarray(i * 80, i * 80 + 40));
      for (let j = 40; j < 80; j++) this.buf[i * 80 + j] = Math.floor(r() * 256);
    }
  }
  key(i: number): Uint8Array {
    return this.buf.subarray(i * 80, i * 80 + 40);
  }
  value(i: number): Uint8Array {
    return this.buf.subarray(i * 80 + 40, i * 80 + 80);
  }
  *entries(): IterableIterator<TreeEntry> {
    for (let i = 0; i < this.n; i++) yield { key: this.key(i), value: this.value(i) };
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Every node of the tree, level 0 first. */
function nodesOf(t: ProllyTree): ProllyNode[][] {
  const levels: ProllyNode[][] = [[t.rootNode]];
  while (levels[0]![0]!.level > 0) {
    const below: ProllyNode[] = [];
    for (const n of levels[0]!) for (let i = 0; i < n.size; i++) below.push(t.ns.child(n, i));
    levels.unshift(below);
  }
  return levels;
}

export default {
  name: 'prolly',
  async run(ctx) {
    const N = ctx.quick ? 100_000 : 1_000_000;
    const GETS = 100_000;
    const out: BenchResult[] = [];
    const data = new DataSet(N);
    const r = rng(42);
    const probes = Array.from({ length: GETS }, () => data.key(Math.floor(r() * N)).slice());
    ctx.log(`${N} entries, key 40 B, value 40 B`);
    // HDB_PROLLY=get,diff runs only those parts (build, get, cold — needs build, mutate, diff, sizes) after
    // the bulk build on the memory store, for quick before/after measurements; the rows of
    // the parts left out are missing from that run (and from the results.json it writes)
    const parts = process.env.HDB_PROLLY?.split(',').map((x) => x.trim());
    const on = (part: string): boolean => parts === undefined || parts.includes(part);
    const getAll = (t: ProllyTree): number => {
      let hits = 0;
      for (let i = 0; i < GETS; i++) if (t.get(probes[i]!) !== undefined) hits++;
      return hits;
    };

    // ── bulk build, memory store ──
    let memTree: ProllyTree | undefined;
    let memNs: NodeStore | undefined;
    const buildMem = await timeMedian(async () => {
      memNs = new NodeStore(new MemoryChunkStore(), { cacheBytes: 512 << 20 });
      memTree = ProllyTree.build(memNs, data.entries());
      await memNs.flush();
    }, 3, 1);
    const tree = memTree!;
    const ns = memNs!;

    // SQLite, in memory: one transaction
    const sqlMem = new Database(':memory:');
    sqlMem.exec('CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID');
    const sqlMemInsert = sqlMem.transaction(() => {
      const ins = sqlMem.prepare('INSERT INTO kv VALUES (?, ?)');
      for (const e of data.entries()) ins.run(e.key, e.value);
    });
    const sqlBuildMem = await timeMedian(() => {
      sqlMem.exec('DELETE FROM kv');
      sqlMemInsert();
    }, 3, 1);
    out.push(rateRow('bulk build, memory store', 'entries/s', (N / buildMem) * 1000, (N / sqlBuildMem) * 1000, '≥ 1M entries/s', 'sqlite: :memory:, one transaction'));

    if (on('build')) {
      // ── bulk build, LevelDB ──
      let run = 0;
      const buildLevel = await timeMedian(async () => {
        const store = await LevelChunkStore.open(join(ctx.tmpDir, `level-${run++}`));
        const lns = new NodeStore(store);
        ProllyTree.build(lns, data.entries());
        await lns.flush();
        await store.close();
      }, 3, 1);
      let sqlRun = 0;
      const sqlBuildFile = await timeMedian(() => {
        const db = new Database(join(ctx.tmpDir, `sqlite-${sqlRun++}.db`));
        db.pragma('journal_mode = WAL');
        db.exec('CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID');
        const ins = db.prepare('INSERT INTO kv VALUES (?, ?)');
        db.transaction(() => {
          for (const e of data.entries()) ins.run(e.key, e.value);
        })();
        db.close();
      }, 3, 1);
      out.push(rateRow('bulk build, LevelDB', 'entries/s', (N / buildLevel) * 1000, (N / sqlBuildFile) * 1000, '≥ 300K entries/s', 'one putMany batch; sqlite: file, WAL, one transaction'));
    }
    if (on('get')) {
      // ── random gets, warm cache ──
      if (getAll(tree) !== GETS) throw new Error('bench: missing keys');
      const warmMs = await timeMedian(() => getAll(tree), 5, 1);
      const sel = sqlMem.prepare('SELECT v FROM kv WHERE k = ?').pluck();
      const sqlGets = (): number => {
        let hits = 0;
        for (let i = 0; i < GETS; i++) if (sel.get(probes[i]!) !== undefined) hits++;
        return hits;
      };
      const sqlWarmMs = await timeMedian(sqlGets, 5, 1);
      out.push(rateRow('100K random gets, warm cache', 'ops/s', (GETS / warmMs) * 1000, (GETS / sqlWarmMs) * 1000, '≥ 1M ops/s', 'whole tree in the node cache; sqlite: :memory:'));
      const sorted = probes.slice().sort((a, b) => Buffer.compare(a, b));
      const sortedMs = await timeMedian(() => {
        for (let i = 0; i < GETS; i++) tree.get(sorted[i]!);
      }, 5, 1);
      out.push(rateRow('100K gets in key order, warm cache', 'ops/s', (GETS / sortedMs) * 1000, undefined, undefined, 'same keys, sorted: CPU caches help'));
    }
    if (on('cold')) {
      // ── random gets, cold cache (LevelDB) ──
      const coldStore = await LevelChunkStore.open(join(ctx.tmpDir, 'cold'));
      {
        const lns = new NodeStore(coldStore);
        ProllyTree.build(lns, data.entries());
        await lns.flush();
      }
      const coldRuns: number[] = [];
      let reads = 0;
      for (let i = 0; i < 3; i++) {
        const cns = new NodeStore(coldStore, { cacheBytes: 512 << 20 });
        const t0 = now();
        const t = ProllyTree.load(cns, tree.root);
        getAll(t);
        coldRuns.push(now() - t0);
        reads = cns.stats().storeReads;
      }
      const coldMs = median(coldRuns);
      const sqlColdRuns: number[] = [];
      for (let i = 0; i < 3; i++) {
        const db = new Database(join(ctx.tmpDir, 'sqlite-0.db'), { readonly: true });
        const s = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
        const t0 = now();
        for (let j = 0; j < GETS; j++) s.get(probes[j]!);
        sqlColdRuns.push(now() - t0);
        db.close();
      }
      out.push(rateRow('100K random gets, cold cache (LevelDB)', 'ops/s', (GETS / coldMs) * 1000, (GETS / median(sqlColdRuns)) * 1000, undefined, `empty node cache each run (reads + re-hashes + decodes ${reads} chunks); sqlite: fresh connection to the file`));
      await coldStore.close();
    }
    if (on('mutate')) {
      // ── 1K scattered mutations in one batch ──
      const M = 1000;
      const mr = rng(7);
      const edits = Array.from({ length: M }, () => {
        const key = data.key(Math.floor(mr() * N));
        const value = new Uint8Array(40).fill(Math.floor(mr() * 256));
        return { key, value };
      });
      let chunks = 0;
      let bytes = 0;
      const mutMs = await timeMedian(async () => {
        ns.resetStats();
        tree.mutate(edits);
        const f = await ns.flush();
        chunks = f.chunks;
        bytes = f.bytes;
      }, 5, 1);
      const sqlUpd = sqlMem.prepare('UPDATE kv SET v = ? WHERE k = ?');
      const sqlMutate = sqlMem.transaction(() => {
        for (const e of edits) sqlUpd.run(e.value, e.key);
      });
      const sqlMutMs = await timeMedian(() => sqlMutate(), 5, 1);
      out.push(timeRow('1K scattered updates, one batch (+flush)', mutMs, sqlMutMs, undefined, `writes ${chunks} chunks, ${round(bytes / 1024 / 1024)} MiB (depth ${tree.depth}); sqlite: one transaction, :memory:`));
      out.push({ name: '1K scattered updates: chunks written', unit: 'chunks', heliosdb: chunks });
      out.push({ name: '1K scattered updates: bytes written', unit: 'bytes', heliosdb: bytes });

      // the same keys, values 4 bytes shorter: sizes change, so leaves are re-chunked (an SQL
      // UPDATE that changes a row's encoded length), while parents keep their boundaries
      const resized = edits.map((e) => ({ key: e.key, value: e.value.subarray(0, 36) }));
      let rchunks = 0;
      const resizeMs = await timeMedian(async () => {
        tree.mutate(resized);
        rchunks = (await ns.flush()).chunks;
      }, 5, 1);
      const sqlResize = sqlMem.transaction(() => {
        for (const e of resized) sqlUpd.run(e.value, e.key);
      });
      const sqlResizeRuns: number[] = [];
      for (let i = 0; i < 6; i++) {
        sqlMutate(); // back to 40-byte values, untimed
        const t0 = now();
        sqlResize();
        if (i > 0) sqlResizeRuns.push(now() - t0);
      }
      out.push(timeRow('1K scattered updates, resized values (+flush)', resizeMs, median(sqlResizeRuns), undefined, `writes ${rchunks} chunks; sqlite: 40 → 36-byte values each run`));

      // one-entry mutation: chunks written (depth + 1 at most is the target)
      const one: number[] = [];
      for (let i = 0; i < 200; i++) {
        const key = data.key(Math.floor(mr() * N));
        const before = ns.stats().chunksPut;
        tree.mutate([{ key, value: null }]);
        one.push(ns.stats().chunksPut - before);
      }
      await ns.flush();
      out.push({ name: 'one-entry delete: chunks written (median)', unit: 'chunks', heliosdb: median(one), target: `≤ ${tree.depth + 1} (depth + 1)`, note: `max ${Math.max(...one)} over 200` });
    }
    if (on('diff')) {
      // ── diff ──
      const b1 = tree.mutate([{ key: data.key(Math.floor(N / 3)), value: new Uint8Array([1, 2, 3]) }]);
      const diff1 = await timeMedian(() => {
        let n = 0;
        for (const d of tree.diff(b1)) if (d) n++;
        if (n !== 1) throw new Error('bench: diff');
      }, 21, 3);
      const pr = rng(9);
      // 1%: a third updates (same size), a third deletes, a third inserts (new keys)
      const pct = Array.from({ length: N / 100 }, (_, i) => {
        const key = data.key(Math.floor(pr() * N));
        if (i % 3 === 0) return { key, value: new Uint8Array(40).fill(i & 255) };
        if (i % 3 === 1) return { key, value: null };
        const fresh = key.slice();
        fresh[39] = 0x2f; // sorts right before the next key: a new entry
        return { key: fresh, value: new Uint8Array(40).fill(1) };
      });
      const b2 = tree.mutate(pct);
      const diffPct = await timeMedian(() => {
        for (const d of tree.diff(b2)) if (!d) throw new Error('bench: diff');
      }, 7, 1);
      out.push(timeRow('diff, trees differing in 1 entry', diff1, undefined, '≤ 1 ms'));
      out.push(timeRow('diff, trees differing in 1% of entries', diffPct, undefined, '≤ 30 ms', `${pct.length} random updates/deletes/inserts`));
    }
    if (on('sizes')) {
      // ── node sizes ──
      const levels = nodesOf(tree);
      const leafSizes = levels[0]!.map((n) => n.bytes.length).sort((a, b) => a - b);
      const innerSizes = levels.slice(1).flat().map((n) => n.bytes.length).sort((a, b) => a - b);
      const note = `${leafSizes.length} leaves, ${innerSizes.length} internal nodes, depth ${tree.depth}`;
      out.push({ name: 'leaf size min', unit: 'bytes', heliosdb: leafSizes[0]!, note });
      out.push({ name: 'leaf size median', unit: 'bytes', heliosdb: percentile(leafSizes, 0.5), target: '≈ 4096' });
      out.push({ name: 'leaf size p99', unit: 'bytes', heliosdb: percentile(leafSizes, 0.99) });
      out.push({ name: 'leaf size max', unit: 'bytes', heliosdb: leafSizes[leafSizes.length - 1]!, target: '≤ 16404' });
      out.push({ name: 'internal node size median', unit: 'bytes', heliosdb: percentile(innerSizes, 0.5), note: `min ${innerSizes[0]}, max ${innerSizes[innerSizes.length - 1]}` });
    }
    sqlMem.close();
    return out;
  },
} satisfies Suite;
