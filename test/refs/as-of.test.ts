import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CID } from '../../src/hash/index.js';
import {
  AsOfBeforeBranchError,
  AsOfInFutureError,
  RefNotFoundError,
  TransactionNotCommittedError,
} from '../../src/errors/index.js';
import type { ReflogEntry } from '../../src/refs/index.js';
import { fakeRoot, fixture, type Fixture } from './helpers.js';

/** main created at t=1000; commits at t=2000, 3000, 3000 (same ms), 5000, each by its own txn. */
async function history(): Promise<{ f: Fixture; heads: CID[]; entries: ReflogEntry[]; txns: number[] }> {
  const f = await fixture();
  f.clock.t = 1000;
  await f.refs.createBranch('main', f.root);
  const heads = [f.root];
  const txns: number[] = [];
  for (const t of [2000, 3000, 3000, 5000]) {
    f.clock.t = t;
    const txn = f.refs.allocateTxn();
    txns.push(txn);
    const r = await f.refs.commit('main', { expectedHead: heads[heads.length - 1] as CID, root: fakeRoot(t + heads.length), author: 'a', message: `at ${t}`, txn });
    heads.push(r.cid);
  }
  const entries = (await f.refs.reflog('main')).reverse();
  return { f, heads, entries, txns };
}

describe('headAt (AS OF on a branch)', () => {
  it('by time: the entry in force at each instant, exact boundaries included', async () => {
    const { f, heads } = await history();
    const at = async (time: number) => (await f.refs.headAt('main', { time })).newHead.toString();
    expect(await at(1000)).toBe(heads[0]?.toString());
    expect(await at(1999)).toBe(heads[0]?.toString());
    expect(await at(2000)).toBe(heads[1]?.toString());
    expect(await at(2999.5)).toBe(heads[1]?.toString());
    // two moves in the same ms: the later one is in force at that ms
    expect(await at(3000)).toBe(heads[3]?.toString());
    expect(await at(4999)).toBe(heads[3]?.toString());
    expect(await at(5000)).toBe(heads[4]?.toString());
    // a time after the latest move gives the current head
    expect(await at(9_999_999)).toBe(heads[4]?.toString());
  });

  it('by time before the branch existed: AS_OF_BEFORE_BRANCH naming the branch and its start', async () => {
    const { f } = await history();
    const err = await f.refs.headAt('main', { time: 999 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsOfBeforeBranchError);
    expect(err).toMatchObject({ code: 'AS_OF_BEFORE_BRANCH', branch: 'main' });
    expect((err as Error).message).toContain(new Date(1000).toISOString());
  });

  it('by SCN: exact SCNs, SCNs between moves, the latest SCN, and errors on both sides', async () => {
    const { f, entries, heads } = await history();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as ReflogEntry;
      expect((await f.refs.headAt('main', { scn: e.scn })).newHead.equals(heads[i] as CID)).toBe(true);
    }
    // an SCN used by another ref (a tag) between two moves: the earlier move is in force
    f.clock.t = 6000;
    const tag = await f.refs.createTag('v1', 'main');
    const r = await f.refs.commit('main', { expectedHead: heads[4] as CID, root: fakeRoot(99), author: 'a', message: 'after tag' });
    expect((await f.refs.headAt('main', { scn: tag.scn })).newHead.equals(heads[4] as CID)).toBe(true);
    expect((await f.refs.headAt('main', { scn: f.refs.latestScn })).newHead.equals(r.cid)).toBe(true);
    await expect(f.refs.headAt('main', { scn: f.refs.latestScn + 1 })).rejects.toBeInstanceOf(AsOfInFutureError);
    await expect(f.refs.headAt('main', { scn: f.refs.latestScn + 1 })).rejects.toMatchObject({ code: 'AS_OF_IN_FUTURE' });
    const first = (entries[0] as ReflogEntry).scn;
    await expect(f.refs.headAt('main', { scn: first - 1 })).rejects.toMatchObject({ code: 'AS_OF_BEFORE_BRANCH' });
  });

  it('by transaction: the state right after it committed, on this branch or another', async () => {
    const { f, heads, txns } = await history();
    for (let i = 0; i < txns.length; i++) {
      expect((await f.refs.headAt('main', { txn: txns[i] as number })).newHead.equals(heads[i + 1] as CID)).toBe(true);
    }
    // a transaction on another branch: main as it was when that transaction committed
    await f.refs.createBranch('dev', 'main~2');
    const t = f.refs.allocateTxn();
    await f.refs.commit('dev', { expectedHead: f.refs.requireBranch('dev').head, root: fakeRoot(7), author: 'a', message: 'on dev', txn: t });
    await f.refs.commit('main', { expectedHead: heads[4] as CID, root: fakeRoot(8), author: 'a', message: 'later on main' });
    expect((await f.refs.headAt('main', { txn: t })).newHead.equals(heads[4] as CID)).toBe(true);
    // ...and dev did not exist when the first transactions committed
    await expect(f.refs.headAt('dev', { txn: txns[0] as number })).rejects.toBeInstanceOf(AsOfBeforeBranchError);
  });

  it('by transaction: a future id is AS_OF_IN_FUTURE; an id that committed nothing is TRANSACTION_NOT_COMMITTED', async () => {
    const { f } = await history();
    await expect(f.refs.headAt('main', { txn: f.refs.latestTxn + 1 })).rejects.toBeInstanceOf(AsOfInFutureError);
    const idle = f.refs.allocateTxn();
    await expect(f.refs.headAt('main', { txn: idle })).rejects.toBeInstanceOf(TransactionNotCommittedError);
    await expect(f.refs.headAt('main', { txn: idle })).rejects.toMatchObject({ code: 'TRANSACTION_NOT_COMMITTED' });
    await expect(f.refs.headAt('main', { txn: 0 })).rejects.toBeInstanceOf(TypeError);
    await expect(f.refs.headAt('main', { scn: -1 })).rejects.toBeInstanceOf(TypeError);
    await expect(f.refs.headAt('main', { time: Number.NaN })).rejects.toBeInstanceOf(TypeError);
  });

  it('an unknown branch is REF_NOT_FOUND', async () => {
    const { f } = await history();
    await expect(f.refs.headAt('nope', { time: 1 })).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it('the loaded index stays current: moves after the first lookup are found, also after reopening', async () => {
    const { f, heads } = await history();
    await f.refs.headAt('main', { time: 1000 });
    f.clock.t = 7000;
    const r = await f.refs.commit('main', { expectedHead: heads[4] as CID, root: fakeRoot(70), author: 'a', message: 'x' });
    expect((await f.refs.headAt('main', { time: 7000 })).newHead.equals(r.cid)).toBe(true);
    const again = await f.reopen();
    expect((await again.headAt('main', { time: 6999 })).newHead.equals(heads[4] as CID)).toBe(true);
    expect((await again.headAt('main', { time: 7000 })).newHead.equals(r.cid)).toBe(true);
  });

  it('matches a linear scan of the ref log for random histories and queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 20 }),
        async (gaps, probes) => {
          const f = await fixture();
          f.clock.t = 100;
          await f.refs.createBranch('main', f.root);
          let head = f.root;
          for (const [i, g] of gaps.entries()) {
            f.clock.t += g;
            head = (await f.refs.commit('main', { expectedHead: head, root: fakeRoot(i), author: 'a', message: `${i}` })).cid;
          }
          const log = (await f.refs.reflog('main')).reverse();
          for (const p of probes) {
            const t = 100 + (p % (f.clock.t - 100 + 2)) - 1;
            const byTime = log.filter((e) => e.time <= t).pop();
            if (byTime === undefined) await expect(f.refs.headAt('main', { time: t })).rejects.toBeInstanceOf(AsOfBeforeBranchError);
            else expect(await f.refs.headAt('main', { time: t })).toEqual(byTime);
            const s = p % (f.refs.latestScn + 2);
            const byScn = log.filter((e) => e.scn <= s).pop();
            if (s > f.refs.latestScn) await expect(f.refs.headAt('main', { scn: s })).rejects.toBeInstanceOf(AsOfInFutureError);
            else if (byScn === undefined) await expect(f.refs.headAt('main', { scn: s })).rejects.toBeInstanceOf(AsOfBeforeBranchError);
            else expect(await f.refs.headAt('main', { scn: s })).toEqual(byScn);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
