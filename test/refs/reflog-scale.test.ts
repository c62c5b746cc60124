/**
 * headAt with 100,000 ref-log entries on one branch: correct answers at random points, and the
 * lookup cost printed (no timing assertion). HDB_LONG=1 uses 1,000,000 entries.
 */
import { describe, expect, it } from 'vitest';
import type { CID } from '../../src/hash/index.js';
import { fakeRoot, fixture } from './helpers.js';

const N = process.env.HDB_LONG === '1' ? 1_000_000 : 100_000;

describe(`headAt with ${N} ref-log entries`, () => {
  it('answers by time, SCN and transaction with a binary search', async () => {
    const f = await fixture({ sync: false });
    f.clock.t = 1_000_000;
    await f.refs.createBranch('main', f.root);
    const other = (
      await f.refs.writeCommit({ root: fakeRoot(1), parents: [f.root], author: 'a', message: 'b', timestamp: 0, transaction: 0, scn: 0 })
    ).cid;
    const heads: CID[] = [f.root, other];
    const t0 = performance.now();
    // entry i is at time 1_000_000 + 2i with head heads[i % 2]; entries i ≥ 1 are made by transaction i
    for (let i = 1; i < N; i++) {
      f.clock.t = 1_000_000 + 2 * i;
      const txn = f.refs.allocateTxn();
      await f.refs.moveBranch('main', heads[(i + 1) % 2] as CID, heads[i % 2] as CID, { txn, message: `m${i}` });
    }
    const buildMs = performance.now() - t0;
    const scn0 = f.refs.requireBranch('main').scn - (N - 1);
    const expectedAt = (i: number) => (heads[i % 2] as CID).toString();

    // A fresh store on the same data: the first lookup loads the index.
    const refs = await f.reopen();
    const l0 = performance.now();
    expect((await refs.headAt('main', { time: 1_000_000 })).newHead.toString()).toBe(f.root.toString());
    const loadMs = performance.now() - l0;

    const M = 20_000;
    const picks = Array.from({ length: M }, (_, k) => (k * 7919) % N);
    let ms = performance.now();
    for (const i of picks) {
      const e = await refs.headAt('main', { time: 1_000_000 + 2 * i + 1 });
      if (e.newHead.toString() !== expectedAt(i)) expect(e.newHead.toString()).toBe(expectedAt(i));
    }
    const perTime = ((performance.now() - ms) / M) * 1000;
    ms = performance.now();
    for (const i of picks) {
      const e = await refs.headAt('main', { scn: scn0 + i });
      if (e.scn !== scn0 + i) expect(e.scn).toBe(scn0 + i);
    }
    const perScn = ((performance.now() - ms) / M) * 1000;
    ms = performance.now();
    for (const i of picks) {
      if (i === 0) continue;
      const e = await refs.headAt('main', { txn: i });
      if (e.txn !== i) expect(e.txn).toBe(i);
    }
    const perTxn = ((performance.now() - ms) / M) * 1000;
    expect((await refs.reflog('main', { limit: 3 })).map((e) => e.message)).toEqual([`m${N - 1}`, `m${N - 2}`, `m${N - 3}`]);
    console.log(
      `[refs] ${N} ref-log entries: built in ${buildMs.toFixed(0)} ms (${((buildMs / N) * 1000).toFixed(1)} µs/move, memory, unsynced); ` +
        `index load ${loadMs.toFixed(1)} ms; headAt by time ${perTime.toFixed(2)} µs, by SCN ${perScn.toFixed(2)} µs, ` +
        `by txn ${perTxn.toFixed(2)} µs (first txn lookups read the MetaStore)`,
    );
  });
});
