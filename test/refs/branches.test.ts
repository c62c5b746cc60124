import { describe, expect, it } from 'vitest';
import type { CID } from '../../src/hash/index.js';
import {
  BranchInUseError,
  InvalidRefNameError,
  ReadOnlyBranchError,
  RefExistsError,
  RefNotFoundError,
} from '../../src/errors/index.js';
import { fakeRoot, fixture, type Fixture } from './helpers.js';

async function commitN(f: Fixture, branch: string, n: number): Promise<CID> {
  let head = f.refs.requireBranch(branch).head;
  for (let i = 0; i < n; i++) {
    f.clock.t += 10;
    head = (await f.refs.commit(branch, { expectedHead: head, root: fakeRoot(i + 1), author: 'a', message: `c${i}` })).cid;
  }
  return head;
}

describe('branches', () => {
  it('creates, lists, gets, describes, sets read-only, renames and drops', async () => {
    const f = await fixture();
    const main = await f.refs.createBranch('main', f.root, { description: 'trunk' });
    expect(main).toMatchObject({ name: 'main', readOnly: false, description: 'trunk', createdAt: f.clock.t });
    expect(main.head.equals(f.root)).toBe(true);
    expect(main.createdFrom.ref).toBe(f.root.toString());

    f.clock.t += 5;
    const dev = await f.refs.createBranch('feature/dev', 'main', { readOnly: true });
    expect(dev.createdFrom.ref).toBe('main');
    expect(dev.createdFrom.commit.equals(f.root)).toBe(true);
    expect(dev.readOnly).toBe(true);
    expect(f.refs.listBranches().map((b) => b.name)).toEqual(['feature/dev', 'main']);

    expect((await f.refs.setBranchDescription('feature/dev', 'work')).description).toBe('work');
    expect((await f.refs.setBranchReadOnly('feature/dev', false)).readOnly).toBe(false);
    const renamed = await f.refs.renameBranch('feature/dev', 'dev');
    expect(renamed).toMatchObject({ name: 'dev', description: 'work', createdAt: dev.createdAt });
    expect(f.refs.getBranch('feature/dev')).toBeUndefined();
    expect((await f.refs.reflog('dev')).length).toBe(1);

    await f.refs.dropBranch('dev');
    expect(f.refs.getBranch('dev')).toBeUndefined();
    expect(f.refs.listBranches().map((b) => b.name)).toEqual(['main']);
    // the name is free again, with a fresh ref log
    await f.refs.createBranch('dev', 'main');
    expect((await f.refs.reflog('dev')).length).toBe(1);
  });

  it('refuses invalid names, duplicates and names taken by a tag', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    await expect(f.refs.createBranch('bad name', f.root)).rejects.toBeInstanceOf(InvalidRefNameError);
    await expect(f.refs.createBranch('a~1', f.root)).rejects.toMatchObject({ code: 'INVALID_REF_NAME' });
    await expect(f.refs.createBranch('main', f.root)).rejects.toBeInstanceOf(RefExistsError);
    await f.refs.createTag('v1', 'main');
    await expect(f.refs.createBranch('v1', f.root)).rejects.toMatchObject({ code: 'REF_EXISTS' });
    await expect(f.refs.createTag('main', f.root)).rejects.toMatchObject({ code: 'REF_EXISTS' });
    await expect(f.refs.renameBranch('main', 'v1')).rejects.toMatchObject({ code: 'REF_EXISTS' });
    await expect(f.refs.renameBranch('main', 'x..y')).rejects.toMatchObject({ code: 'INVALID_REF_NAME' });
    await expect(f.refs.createBranch('x', 'nope')).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(f.refs.dropBranch('nope')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await expect(f.refs.setBranchReadOnly('nope', true)).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
  });

  it('read-only branches refuse moves, commits and drops with the exact message, and change nothing', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    const head = await commitN(f, 'main', 1);
    await f.refs.createBranch('audit', 'main', { readOnly: true });
    const before = await f.refs.reflog('audit');
    const batches = f.meta.batches.length;
    const attempts = [
      f.refs.moveBranch('audit', head, f.root),
      f.refs.commit('audit', { expectedHead: head, root: fakeRoot(9), author: 'a', message: 'x' }),
      f.refs.dropBranch('audit'),
    ];
    for (const a of attempts) {
      await expect(a).rejects.toBeInstanceOf(ReadOnlyBranchError);
      await expect(a).rejects.toThrow(/^Cannot modify read-only branch: audit$/);
      await expect(a).rejects.toMatchObject({ code: 'READ_ONLY_BRANCH' });
    }
    expect(f.meta.batches.length).toBe(batches);
    expect(f.refs.requireBranch('audit').head.equals(head)).toBe(true);
    expect(await f.refs.reflog('audit')).toEqual(before);
    await f.refs.setBranchReadOnly('audit', false);
    await f.refs.moveBranch('audit', head, f.root);
    expect(f.refs.requireBranch('audit').head.equals(f.root)).toBe(true);
  });

  it('the default branch follows renames and cannot be dropped', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    await f.refs.createBranch('other', f.root);
    await f.refs.setDefaultBranch('main');
    expect(f.refs.defaultBranch).toBe('main');
    await expect(f.refs.dropBranch('main')).rejects.toBeInstanceOf(BranchInUseError);
    await f.refs.renameBranch('main', 'trunk');
    expect(f.refs.defaultBranch).toBe('trunk');
    const again = await f.reopen();
    expect(again.defaultBranch).toBe('trunk');
    await expect(f.refs.setDefaultBranch('nope')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await f.refs.setDefaultBranch('other');
    await f.refs.dropBranch('trunk');
  });

  it('creating a branch is O(1): one synced batch of the same few keys whatever the history size', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    const sizes: number[] = [];
    for (const extra of [0, 50, 500]) {
      await commitN(f, 'main', extra);
      await f.refs.reflog('main'); // load the ref-log index: creation must not depend on it either
      const before = f.meta.batches.length;
      await f.refs.createBranch(`b${extra}`, 'main');
      const written = f.meta.batches.slice(before);
      expect(written.length).toBe(1);
      expect(written[0]?.sync).toBe(true);
      sizes.push(written[0]?.ops.length as number);
      const namespaces = (written[0]?.ops ?? []).map((o) => o.key.split(':').slice(0, 2).join(':'));
      expect(namespaces.sort()).toEqual(['refs:branch', 'refs:commit', 'refs:counters', 'refs:reflog']);
    }
    expect(new Set(sizes).size).toBe(1);
  });

  it('tags: create from a ref or CID with message and author, list, get, drop', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    const head = await commitN(f, 'main', 2);
    const t = await f.refs.createTag('v1.0', 'main~1', { message: 'first release', author: 'ann' });
    expect(t).toMatchObject({ name: 'v1.0', message: 'first release', author: 'ann', createdAt: f.clock.t });
    await f.refs.createTag('v2.0', head);
    expect(f.refs.listTags().map((x) => x.name)).toEqual(['v1.0', 'v2.0']);
    expect(f.refs.getTag('v2.0')?.commit.equals(head)).toBe(true);
    await expect(f.refs.createTag('v1.0', head)).rejects.toBeInstanceOf(RefExistsError);
    await f.refs.dropTag('v1.0');
    expect(f.refs.getTag('v1.0')).toBeUndefined();
    await expect(f.refs.dropTag('v1.0')).rejects.toBeInstanceOf(RefNotFoundError);
    const again = await f.reopen();
    expect(again.listTags().map((x) => x.name)).toEqual(['v2.0']);
  });

  it('remote-tracking refs: put, get, list by remote, delete', async () => {
    const f = await fixture();
    await f.refs.putRemoteRef('origin/main', f.root);
    await f.refs.putRemoteRef('origin/feature/x', f.root);
    await f.refs.putRemoteRef('edge/main', f.root);
    expect(f.refs.listRemoteRefs('origin').map((r) => r.name)).toEqual(['origin/feature/x', 'origin/main']);
    expect(f.refs.getRemoteRef('origin/feature/x')).toMatchObject({ remote: 'origin', branch: 'feature/x' });
    await expect(f.refs.putRemoteRef('origin', f.root)).rejects.toBeInstanceOf(InvalidRefNameError);
    await f.refs.putRemoteRef('origin/main', null);
    expect(f.refs.getRemoteRef('origin/main')).toBeUndefined();
    const again = await f.reopen();
    expect(again.listRemoteRefs().map((r) => r.name)).toEqual(['edge/main', 'origin/feature/x']);
    expect(again.refRoots().length).toBe(2);
  });

  it('merge-in-progress records: put, get, clear, follow renames, cleared atomically by a move, dropped with the branch', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    const state = new Uint8Array([1, 2, 3]);
    expect(await f.refs.getMergeState('main')).toBeUndefined();
    await f.refs.putMergeState('main', state);
    expect(await f.refs.getMergeState('main')).toEqual(state);
    await f.refs.renameBranch('main', 'trunk');
    expect(await f.refs.getMergeState('trunk')).toEqual(state);
    const head = await commitN(f, 'trunk', 1);
    const before = f.meta.batches.length;
    await f.refs.moveBranch('trunk', head, f.root, { mergeState: null });
    expect(f.meta.batches.length).toBe(before + 1);
    expect(await f.refs.getMergeState('trunk')).toBeUndefined();
    await f.refs.putMergeState('trunk', state);
    await f.refs.dropBranch('trunk');
    await f.refs.createBranch('trunk', f.root);
    expect(await f.refs.getMergeState('trunk')).toBeUndefined();
    await expect(f.refs.putMergeState('nope', state)).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
  });

  it('dropping a branch deletes its ref log in the same batch', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    await f.refs.createBranch('dev', f.root);
    await commitN(f, 'dev', 5);
    await f.refs.dropBranch('dev');
    const keys: string[] = [];
    for await (const [k] of f.meta.entries('refs:reflog:')) keys.push(k);
    expect(keys.length).toBe(1); // main's creation entry only
  });
});
