import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CID } from '../../src/hash/index.js';
import { openStorage, type Storage } from '../../src/store/index.js';
import { RefStore } from '../../src/refs/index.js';
import { fakeRoot } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function open(dir: string): Promise<{ s: Storage; refs: RefStore }> {
  const s = await openStorage(dir);
  return { s, refs: await RefStore.open(s.meta, s.chunks) };
}

describe('refs on LevelDB', () => {
  it('everything survives closing and reopening the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hdb-refs-'));
    dirs.push(dir);
    let { s, refs } = await open(dir);
    const initial = await refs.writeCommit({ root: fakeRoot(0), parents: [], author: 'a', message: 'init', timestamp: 1, transaction: 0, scn: 0 });
    await refs.createBranch('main', initial.cid, { description: 'trunk' });
    await refs.setDefaultBranch('main');
    let head: CID = initial.cid;
    const txns: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const txn = refs.allocateTxn();
      txns.push(txn);
      head = (await refs.commit('main', { expectedHead: head, root: fakeRoot(i), author: 'a', message: `c${i}`, txn })).cid;
    }
    await refs.createBranch('audit/q1', 'main~5', { readOnly: true });
    await refs.createTag('v1', 'main~10', { message: 'release', author: 'rel' });
    await refs.putRemoteRef('origin/main', head);
    await refs.putMergeState('main', new Uint8Array([9, 9]));
    const reflog = await refs.reflog('main');
    const scn = refs.latestScn;
    const branches = refs.listBranches();
    await refs.close();
    await s.close();

    ({ s, refs } = await open(dir));
    expect(refs.listBranches()).toEqual(branches);
    expect(refs.defaultBranch).toBe('main');
    expect(refs.latestScn).toBe(scn);
    expect(refs.latestTxn).toBe(txns[txns.length - 1]);
    expect(await refs.reflog('main')).toEqual(reflog);
    expect(refs.getTag('v1')).toMatchObject({ message: 'release', author: 'rel' });
    expect(refs.getRemoteRef('origin/main')?.head.equals(head)).toBe(true);
    expect(await refs.getMergeState('main')).toEqual(new Uint8Array([9, 9]));
    expect((await refs.resolve('audit/q1')).commit.equals((await refs.resolve('main~5')).commit)).toBe(true);
    expect((await refs.resolve(head.toString().slice(0, 14))).commit.equals(head)).toBe(true);
    expect((await refs.headAt('main', { txn: txns[4] as number })).newHead.equals((await refs.resolve('main~15')).commit)).toBe(true);
    expect([...refs.log(head)].length).toBe(21);
    const next = await refs.commit('main', { expectedHead: head, root: fakeRoot(99), author: 'a', message: 'after reopen' });
    expect(next.entry.scn).toBe(scn + 1);
    await refs.close();
    await s.close();
  });
});
