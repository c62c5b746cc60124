/**
 * GC and storage benchmarks (issue 7 targets):
 *
 * - bytes on disk per one-row commit (autocommit UPDATE of one row of a 100K-row table; 20K with
 *   --quick), before GC, after a GC that keeps every version (LevelDB compaction of the write-ahead
 *   log into snappy-compressed tables, each chunk a newer version replaced stored as a zlib delta
 *   against it), and after a GC with max_snapshots=1;
 * - GC throughput in MB/s of chunks visited (kept + swept);
 * - on-disk size after 10 rounds of updating 1% random rows of 100K (one transaction per round),
 *   after GC (max_snapshots=1), against a plain SQLite file (better-sqlite3, VACUUMed) of the same
 *   final data: target ≤ 2×.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { open, type Database } from '../../src/index.js';
import { rng, round, type BenchResult, type Suite } from '../lib.js';

const DDL = 'CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT, balance REAL, updated INTEGER)';

function dirSize(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const st = statSync(join(dir, f));
    n += st.isDirectory() ? dirSize(join(dir, f)) : st.size;
  }
  return n;
}

async function load(db: Database, n: number, seed: number): Promise<void> {
  const rand = rng(seed);
  await db.exec(DDL);
  const ins = db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
  await db.transaction(async () => {
    for (let i = 0; i < n; i++) await ins.run(i + 1, `name-${i + 1}`, Math.round(rand() * 1e6) / 100, 1_700_000_000 + i);
  })();
}

export default {
  name: 'gc',
  async run(ctx) {
    const out: BenchResult[] = [];
    const N = ctx.quick ? 20_000 : 100_000;

    // ── 1. bytes per one-row commit ──
    const dir1 = join(ctx.tmpDir, 'onerow');
    const db1 = await open(dir1, { synchronous: 'normal' });
    await load(db1, N, 1);
    await db1.gc();
    const C = ctx.quick ? 300 : 1000;
    const s0 = dirSize(dir1);
    const upd = db1.prepare('UPDATE accounts SET balance = ? WHERE id = ?');
    const rand = rng(2);
    for (let i = 0; i < C; i++) await upd.run(i, 1 + Math.floor(rand() * N));
    const s1 = dirSize(dir1);
    const keepAll = await db1.gc();
    const s2 = dirSize(dir1);
    const again = await db1.gc();
    await db1.retentionPolicy.set({ maxSnapshots: 1 });
    const pruned = await db1.gc();
    const s3 = dirSize(dir1);
    const perBefore = (s1 - s0) / C;
    const perAfter = (s2 - s0) / C;
    out.push({ name: `bytes on disk per one-row commit (${N / 1000}K rows), before GC`, unit: 'B', heliosdb: Math.round(perBefore), note: `${C} autocommit UPDATEs; LevelDB write-ahead log, uncompressed` });
    out.push({ name: 'bytes on disk per one-row commit, after GC keeping every version', unit: 'B', heliosdb: Math.round(perAfter), note: `history delta-packed (each replaced chunk stored as zlib against its newer version, src/store/packs.ts), compacted into snappy-compressed tables; ${round(perBefore / Math.max(1, perAfter))}× smaller` });
    out.push({ name: 'bytes on disk per one-row commit, after GC with max_snapshots=1', unit: 'B', heliosdb: Math.round((s3 - s0) / C), note: `${pruned.commitsPruned} versions pruned, ${pruned.chunksSwept} chunks swept` });
    out.push({ name: 'GC keeping every version, run again (history already packed)', unit: 'ms', heliosdb: Math.round(again.durationMs), note: `first run ${Math.round(keepAll.durationMs)} ms (mark + sweep + delta packing + compaction)` });
    const mbs = (r: typeof keepAll): number => (r.bytesKept + r.bytesSwept) / 1024 / 1024 / (r.durationMs / 1000);
    out.push({ name: 'GC throughput, keep everything (mark + scan)', unit: 'MB/s', heliosdb: round(mbs(keepAll)), note: `${round((keepAll.bytesKept + keepAll.bytesSwept) / 1048576)} MB of chunks in ${Math.round(keepAll.durationMs)} ms` });
    out.push({ name: 'GC throughput, pruning (mark + sweep + compact)', unit: 'MB/s', heliosdb: round(mbs(pruned)), note: `${round(pruned.bytesSwept / 1048576)} MB swept, ${round(pruned.bytesKept / 1048576)} MB kept in ${Math.round(pruned.durationMs)} ms` });
    await db1.close();

    // ── 2. 10 rounds of 1% random updates, then GC, vs SQLite ──
    const dir2 = join(ctx.tmpDir, 'rounds');
    const db2 = await open(dir2, { synchronous: 'normal' });
    await load(db2, N, 3);
    const sq = new BetterSqlite3(join(ctx.tmpDir, 'rounds.sqlite'));
    sq.pragma('journal_mode = WAL');
    sq.pragma('synchronous = NORMAL');
    sq.exec(DDL);
    const r3 = rng(3);
    const sqIns = sq.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
    sq.transaction(() => {
      for (let i = 0; i < N; i++) sqIns.run(i + 1, `name-${i + 1}`, Math.round(r3() * 1e6) / 100, 1_700_000_000 + i);
    })();
    const sqUpd = sq.prepare('UPDATE accounts SET balance = ?, updated = ? WHERE id = ?');
    const u2 = db2.prepare('UPDATE accounts SET balance = ?, updated = ? WHERE id = ?');
    const r4 = rng(4);
    for (let round_ = 0; round_ < 10; round_++) {
      const edits: [number, number, number][] = [];
      for (let i = 0; i < N / 100; i++) edits.push([Math.round(r4() * 1e6) / 100, round_, 1 + Math.floor(r4() * N)]);
      await db2.transaction(async () => {
        for (const e of edits) await u2.run(...e);
      })();
      sq.transaction(() => {
        for (const e of edits) sqUpd.run(...e);
      })();
    }
    sq.pragma('wal_checkpoint(TRUNCATE)');
    sq.exec('VACUUM');
    sq.close();
    const sqSize = statSync(join(ctx.tmpDir, 'rounds.sqlite')).size;
    const before = dirSize(dir2);
    const g1 = await db2.gc();
    const keptAll = dirSize(dir2);
    await db2.retentionPolicy.set({ maxSnapshots: 1 });
    const g2 = await db2.gc();
    const after = dirSize(dir2);
    await db2.close();
    out.push({ name: `on disk after 10 rounds of 1% updates of ${N / 1000}K rows, all history kept (after GC)`, unit: 'MB', heliosdb: round(keptAll / 1048576), sqlite: round(sqSize / 1048576), ratio: round(keptAll / sqSize), note: `before GC ${round(before / 1048576)} MB; GC ${Math.round(g1.durationMs)} ms; SQLite keeps no history` });
    out.push({ name: `on disk after 10 rounds of 1% updates of ${N / 1000}K rows, after GC (max_snapshots=1)`, unit: 'MB', heliosdb: round(after / 1048576), sqlite: round(sqSize / 1048576), ratio: round(after / sqSize), target: '≤ 2×', note: `${g2.commitsPruned} versions pruned in ${Math.round(g2.durationMs)} ms` });
    return out;
  },
} satisfies Suite;
