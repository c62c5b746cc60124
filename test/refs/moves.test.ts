import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CID } from '../../src/hash/index.js';
import { ChunkNotFoundError, RefMovedError } from '../../src/errors/index.js';
import { decodeCommit } from '../../src/objects/index.js';
import { fakeRoot, fixture } from './helpers.js';

describe('ref moves', () => {
  it('moveBranch is a compare-and-swap: a stale expected head fails with REF_MOVED and changes nothing', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    const a = await f.refs.writeCommit({ root: fakeRoot(1), parents: [f.root], author: 'x', message: 'a', timestamp: 1, transaction: 0, scn: 0 });
    const b = await f.refs.writeCommit({ root: fakeRoot(2), parents: [f.root], author: 'x', message: 'b', timestamp: 1, transaction: 0, scn: 0 });
    await f.refs.moveBranch('main', f.root, a.cid, { message: 'to a' });
    const scn = f.refs.latestScn;
    const err = await f.refs.moveBranch('main', f.root, b.cid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefMovedError);
    expect(err).toMatchObject({ code: 'REF_MOVED', expected: f.root.toString(), actual: a.cid.toString() });
    expect(f.refs.requireBranch('main').head.equals(a.cid)).toBe(true);
    expect(f.refs.latestScn).toBe(scn);
    expect((await f.refs.reflog('main')).map((e) => e.message)).toEqual(['to a', `created from ${f.root.toString()}`]);
  });

  it('concurrent moves from the same head: exactly one wins, every other gets REF_MOVED', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 12 }), async (n) => {
        const f = await fixture();
        await f.refs.createBranch('main', f.root);
        const targets: CID[] = [];
        for (let i = 0; i < n; i++) {
          targets.push(
            (await f.refs.writeCommit({ root: fakeRoot(i), parents: [f.root], author: 'x', message: `t${i}`, timestamp: 1, transaction: 0, scn: 0 })).cid,
          );
        }
        const results = await Promise.allSettled(targets.map((t) => f.refs.moveBranch('main', f.root, t)));
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(won.length).toBe(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RefMovedError);
        expect(f.refs.requireBranch('main').head.equals(targets[won[0] as number] as CID)).toBe(true);
        expect((await f.refs.reflog('main')).length).toBe(2);
      }),
      { numRuns: 20 },
    );
  });

  it('concurrent commits chained on the observed head all land in order, each on its predecessor', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    // Writers that retry on REF_MOVED, as the transaction layer does.
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        for (;;) {
          const head = f.refs.requireBranch('main').head;
          try {
            await f.refs.commit('main', { expectedHead: head, root: fakeRoot(w * 100 + i), author: `w${w}`, message: `${w}.${i}` });
            break;
          } catch (err) {
            if (!(err instanceof RefMovedError)) throw err;
          }
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
    const log = [...f.refs.log(f.refs.requireBranch('main').head, { firstParent: true })];
    expect(log.length).toBe(21);
    const reflog = await f.refs.reflog('main');
    expect(reflog.length).toBe(21);
    // the ref log is newest first and chains: each entry's old head is the next entry's new head
    for (let i = 0; i + 1 < reflog.length; i++) {
      expect(reflog[i]?.oldHead?.equals(reflog[i + 1]?.newHead as CID)).toBe(true);
      expect(reflog[i]?.scn).toBeGreaterThan(reflog[i + 1]?.scn as number);
      expect(reflog[i]?.time).toBeGreaterThanOrEqual(reflog[i + 1]?.time as number);
    }
    // scn of each commit equals its ref-log entry's
    for (const e of reflog.slice(0, 20)) expect(f.refs.readCommit(e.newHead).scn).toBe(e.scn);
  });

  it('a move is one synced batch with head, ref-log entry and counters; a failed batch changes nothing', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    await f.refs.reflog('main'); // load the index so the in-memory side is exercised too
    const txn = f.refs.allocateTxn();
    const before = f.meta.batches.length;
    const r = await f.refs.commit('main', { expectedHead: f.root, root: fakeRoot(1), author: 'a', message: 'one', txn });
    const written = f.meta.batches.slice(before);
    expect(written.length).toBe(1);
    expect(written[0]?.sync).toBe(true);
    expect((written[0]?.ops ?? []).map((o) => o.key.split(':').slice(0, 2).join(':')).sort()).toEqual(
      ['refs:branch', 'refs:commit', 'refs:counters', 'refs:reflog', 'refs:txn'],
    );

    const head = r.cid;
    const scn = f.refs.latestScn;
    const reflog = await f.refs.reflog('main');
    f.meta.failNext = 1;
    await expect(
      f.refs.commit('main', { expectedHead: head, root: fakeRoot(2), author: 'a', message: 'two' }),
    ).rejects.toThrow('injected write failure');
    expect(f.refs.requireBranch('main').head.equals(head)).toBe(true);
    expect(await f.refs.reflog('main')).toEqual(reflog);
    // a reopened store sees the same: nothing of the failed move reached the meta store
    const again = await f.reopen();
    expect(again.requireBranch('main').head.equals(head)).toBe(true);
    expect(await again.reflog('main')).toEqual(reflog);
    // the store keeps working, with SCNs still increasing
    const next = await f.refs.commit('main', { expectedHead: head, root: fakeRoot(3), author: 'a', message: 'three' });
    expect(next.entry.scn).toBeGreaterThan(scn);
  });

  it('commit() records the commit fields: parents, generation, txn, scn, timestamp', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    await f.refs.createBranch('dev', f.root);
    f.clock.t = 2_000_000;
    const d = await f.refs.commit('dev', { expectedHead: f.root, root: fakeRoot(1), author: 'd', message: 'dev work' });
    const txn = f.refs.allocateTxn();
    f.clock.t = 3_000_000;
    const m = await f.refs.commit('main', {
      expectedHead: f.root,
      parents: [f.root, d.cid],
      root: fakeRoot(2),
      author: 'm',
      message: 'merge dev\n\ndetails',
      txn,
    });
    const stored = decodeCommit(await f.chunks.get(m.cid));
    expect(stored).toEqual(m.commit);
    expect(stored).toMatchObject({ author: 'm', transaction: txn, scn: m.entry.scn, timestamp: 3_000_000, generation: 3 });
    expect(stored.parents.map(String)).toEqual([f.root.toString(), d.cid.toString()]);
    expect(m.entry).toMatchObject({ branch: 'main', txn, time: 3_000_000, message: 'commit: merge dev' });
    expect(m.entry.oldHead?.equals(f.root)).toBe(true);
  });

  it('moves refuse a target that is not a stored commit', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    await expect(f.refs.moveBranch('main', f.root, fakeRoot(5))).rejects.toBeInstanceOf(ChunkNotFoundError);
    expect(f.refs.requireBranch('main').head.equals(f.root)).toBe(true);
  });

  it('SCNs: one counter for every ref change; explicit SCNs must be allocated and in order', async () => {
    const f = await fixture();
    const s0 = f.refs.latestScn;
    await f.refs.createBranch('main', f.root);
    await f.refs.createTag('t', f.root);
    await f.refs.putRemoteRef('o/main', f.root);
    expect(f.refs.latestScn).toBe(s0 + 3);
    const c = await f.refs.writeCommit({ root: fakeRoot(1), parents: [f.root], author: 'x', message: 'm', timestamp: 1, transaction: 0, scn: 0 });
    const mine = f.refs.allocateScn();
    await expect(f.refs.moveBranch('main', f.root, c.cid, { scn: mine + 1 })).rejects.toBeInstanceOf(RangeError);
    const e = await f.refs.moveBranch('main', f.root, c.cid, { scn: mine });
    expect(e.scn).toBe(mine);
    const stale = f.refs.allocateScn();
    await f.refs.moveBranch('main', c.cid, f.root); // takes a newer SCN first
    await expect(f.refs.moveBranch('main', f.root, c.cid, { scn: stale })).rejects.toThrow(/not above the latest/);
    await expect(f.refs.moveBranch('main', f.root, c.cid, { txn: f.refs.latestTxn + 1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('the ref-log clock never goes backwards, even when the wall clock does', async () => {
    const f = await fixture();
    f.clock.t = 5_000;
    await f.refs.createBranch('main', f.root);
    f.clock.t = 4_000;
    const r = await f.refs.commit('main', { expectedHead: f.root, root: fakeRoot(1), author: 'a', message: 'x' });
    expect(r.entry.time).toBe(5_000);
  });

  it('counters and ref logs survive reopening; allocation continues above them', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    const t1 = f.refs.allocateTxn();
    const r = await f.refs.commit('main', { expectedHead: f.root, root: fakeRoot(1), author: 'a', message: 'x', txn: t1 });
    const again = await f.reopen();
    expect(again.latestScn).toBe(f.refs.latestScn);
    expect(again.latestTxn).toBe(t1);
    expect(again.allocateTxn()).toBe(t1 + 1);
    expect(await again.reflog('main')).toEqual(await f.refs.reflog('main'));
    expect((await again.headAt('main', { txn: t1 })).newHead.equals(r.cid)).toBe(true);
  });
});
