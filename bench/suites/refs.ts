/**
 * Refs layer on LevelDB: AS OF resolution through the ref log (100K entries on one branch),
 * branch creation, synced commits/ref moves per second, resolve and merge base.
 * No SQLite equivalent for most rows; the issue-4 targets are given where they exist.
 */
import { join } from 'node:path';
import { cidOf, type CID } from '../../src/hash/index.js';
import { openStorage } from '../../src/store/index.js';
import { RefStore } from '../../src/refs/index.js';
import { median, now, rng, round, type BenchResult, type Suite } from '../lib.js';

const root = (n: number): CID => cidOf(new TextEncoder().encode(`root ${n}`));

export default {
  name: 'refs',
  async run(ctx) {
    const N = ctx.quick ? 10_000 : 100_000;
    const out: BenchResult[] = [];

    // ── 1. a branch with N ref-log entries (unsynced build), then AS OF lookups ──
    let storage = await openStorage(join(ctx.tmpDir, 'db'));
    let clock = 1_700_000_000_000;
    let refs = await RefStore.open(storage.meta, storage.chunks, { now: () => clock, sync: false });
    const c0 = (await refs.writeCommit({ root: root(0), parents: [], author: 'b', message: 'init', timestamp: clock, transaction: 0, scn: 0 })).cid;
    await refs.createBranch('main', c0);
    let head = c0;
    const t0 = now();
    for (let i = 1; i < N; i++) {
      clock += 1000;
      const txn = refs.allocateTxn();
      head = (await refs.commit('main', { expectedHead: head, root: root(i), author: 'b', message: `c${i}`, txn })).cid;
    }
    ctx.log(`built ${N} commits in ${round(now() - t0)} ms`);
    await refs.close();
    await storage.close();

    storage = await openStorage(join(ctx.tmpDir, 'db'));
    refs = await RefStore.open(storage.meta, storage.chunks, { now: () => clock });
    const start = 1_700_000_000_000;
    let t = now();
    await refs.headAt('main', { time: start });
    const loadMs = now() - t;
    const rand = rng(7);
    const M = 20_000;
    const times = Array.from({ length: M }, () => start + Math.floor(rand() * N) * 1000 + 500);
    const lookups = async (f: (i: number) => Promise<unknown>): Promise<number> => {
      const runs: number[] = [];
      for (let r = 0; r < 3; r++) {
        const s = now();
        for (let i = 0; i < M; i++) await f(i);
        runs.push(((now() - s) / M) * 1000);
      }
      return median(runs);
    };
    const byTime = await lookups((i) => refs.headAt('main', { time: times[i] as number }));
    const scnBase = refs.requireBranch('main').scn - N + 1;
    const byScn = await lookups((i) => refs.headAt('main', { scn: scnBase + ((i * 7919) % N) }));
    const byTxn = await lookups((i) => refs.headAt('main', { txn: 1 + ((i * 7919) % (N - 1)) }));
    const same = await lookups(() => refs.headAt('main', { time: start + 5000 * 1000 }));
    out.push(
      { name: `AS OF TIMESTAMP resolution, ${N} commits on the branch`, unit: 'µs', heliosdb: round(byTime), target: '≤ 100 µs', note: 'random times; binary search + entry decode' },
      { name: 'AS OF SCN resolution', unit: 'µs', heliosdb: round(byScn) },
      { name: 'AS OF TRANSACTION resolution', unit: 'µs', heliosdb: round(byTxn), note: 'txn→SCN index read, then binary search' },
      { name: 'AS OF repeated point (decoded-entry cache)', unit: 'µs', heliosdb: round(same) },
      { name: `ref-log index load (${N} entries, once per branch)`, unit: 'ms', heliosdb: round(loadMs) },
    );

    // ── 2. resolve and graph on that history ──
    const resolveUs = await lookups(() => refs.resolve('main~10'));
    const prefix = head.toString().slice(0, 14);
    const prefixUs = await lookups(() => refs.resolve(prefix));
    out.push(
      { name: "resolve('main~10')", unit: 'µs', heliosdb: round(resolveUs) },
      { name: 'resolve(commit-id prefix)', unit: 'µs', heliosdb: round(prefixUs) },
    );

    // ── 3. synced: branch creation and commits ──
    const created: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = now();
      await refs.createBranch(`b${i}`, 'main');
      created.push(now() - s);
    }
    out.push({ name: `branch creation (history ${N} commits), synced`, unit: 'ms', heliosdb: round(median(created)), target: '≤ 1 ms', note: 'one fsync' });
    const K = ctx.quick ? 100 : 500;
    t = now();
    let h = refs.requireBranch('b0').head;
    for (let i = 0; i < K; i++) h = (await refs.commit('b0', { expectedHead: h, root: root(N + i), author: 'b', message: 'x' })).cid;
    out.push({ name: 'commit() + synced ref move', unit: 'ops/s', heliosdb: Math.round(K / ((now() - t) / 1000)), note: 'one fsync each' });
    const mb: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = now();
      refs.mergeBase(h, head);
      mb.push(now() - s);
    }
    out.push({ name: `mergeBase across ${K} + 1 commits`, unit: 'ms', heliosdb: round(median(mb)) });
    await refs.close();
    await storage.close();
    return out;
  },
} satisfies Suite;
