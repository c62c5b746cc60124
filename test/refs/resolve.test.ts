import { describe, expect, it } from 'vitest';
import type { CID } from '../../src/hash/index.js';
import { AmbiguousRefError, InvalidRefNameError, RefNotFoundError } from '../../src/errors/index.js';
import { makeCommit } from '../../src/objects/index.js';
import { fakeRoot, fixture, type Fixture } from './helpers.js';

/**
 * root ← c1 ← c2 ← c3 (main); c1 ← d1 (dev); m = merge(c3, d1) on main.
 * main = m, main^ = c3, main^2 = d1, main~2 = c2, main~3 = c1, main^2^ = c1.
 */
async function graph(): Promise<{ f: Fixture; c: Record<string, CID> }> {
  const f = await fixture();
  await f.refs.createBranch('main', f.root);
  const c: Record<string, CID> = { root: f.root };
  let head = f.root;
  for (const n of ['c1', 'c2', 'c3']) {
    head = (await f.refs.commit('main', { expectedHead: head, root: fakeRoot(n.length + Number(n[1])), author: 'a', message: n })).cid;
    c[n] = head;
  }
  await f.refs.createBranch('dev', 'main~2');
  c.d1 = (await f.refs.commit('dev', { expectedHead: c.c1 as CID, root: fakeRoot(50), author: 'b', message: 'd1' })).cid;
  c.m = (await f.refs.commit('main', { expectedHead: head, parents: [head, c.d1 as CID], root: fakeRoot(60), author: 'a', message: 'merge' })).cid;
  return { f, c };
}

describe('resolve', () => {
  it('branches, tags and remote-tracking refs, with their kind and name', async () => {
    const { f, c } = await graph();
    await f.refs.createTag('v1', 'main~2');
    await f.refs.putRemoteRef('origin/main', c.c1 as CID);
    expect(await f.refs.resolve('main')).toEqual({ commit: c.m, kind: 'branch', name: 'main' });
    expect(await f.refs.resolve('v1')).toEqual({ commit: c.c2, kind: 'tag', name: 'v1' });
    expect(await f.refs.resolve('origin/main')).toEqual({ commit: c.c1, kind: 'remote', name: 'origin/main' });
  });

  it('~k, ^, ^n, ^0 and combinations', async () => {
    const { f, c } = await graph();
    const r = async (ref: string) => (await f.refs.resolve(ref)).commit.toString();
    expect(await r('main^')).toBe(c.c3?.toString());
    expect(await r('main~')).toBe(c.c3?.toString());
    expect(await r('main~1')).toBe(c.c3?.toString());
    expect(await r('main^1')).toBe(c.c3?.toString());
    expect(await r('main^2')).toBe(c.d1?.toString());
    expect(await r('main^0')).toBe(c.m?.toString());
    expect(await r('main~0')).toBe(c.m?.toString());
    expect(await r('main~2')).toBe(c.c2?.toString());
    expect(await r('main~2^')).toBe(c.c1?.toString());
    expect(await r('main^^')).toBe(c.c2?.toString());
    expect(await r('main^2^')).toBe(c.c1?.toString());
    expect(await r('main^2~1^0')).toBe(c.c1?.toString());
    expect(await r('main~4')).toBe(c.root?.toString());
    expect(await f.refs.resolve('main~1')).toEqual({ commit: c.c3, kind: 'commit' });
    expect(await r(`${c.m?.toString()}~2`)).toBe(c.c2?.toString());
  });

  it('walking past the history or to a missing parent is REF_NOT_FOUND', async () => {
    const { f } = await graph();
    await expect(f.refs.resolve('main~5')).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(f.refs.resolve('main^3')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await expect(f.refs.resolve('main^^2')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
  });

  it('full commit ids and unique prefixes (at least 11 characters)', async () => {
    const { f, c } = await graph();
    const text = (c.c2 as CID).toString();
    expect(await f.refs.resolve(text)).toEqual({ commit: c.c2, kind: 'commit' });
    for (const n of [11, 20, text.length - 1]) {
      expect((await f.refs.resolve(text.slice(0, n))).commit.equals(c.c2 as CID)).toBe(true);
    }
    expect((await f.refs.resolve(`${text.slice(0, 16)}^`)).commit.equals(c.c1 as CID)).toBe(true);
    // too short to be a prefix: treated as a name, which does not exist
    await expect(f.refs.resolve(text.slice(0, 10))).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it('a CID that is not a commit here, or a prefix nothing matches, is REF_NOT_FOUND', async () => {
    const { f } = await graph();
    await expect(f.refs.resolve(fakeRoot(12345).toString())).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(f.refs.resolve('bafyreizzzzzzzzzzzz')).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it('an ambiguous prefix is AMBIGUOUS_REF listing the candidates', async () => {
    const f = await fixture();
    await f.refs.createBranch('main', f.root);
    // find two commits whose CIDs share an 11-character prefix
    const seen = new Map<string, number>();
    let pair: [number, number] | undefined;
    const make = (i: number) =>
      makeCommit({ root: fakeRoot(i), parents: [f.root], author: 'x', message: `${i}`, timestamp: 0, transaction: 0, scn: 0, generation: 2 });
    for (let i = 0; pair === undefined; i++) {
      const p = make(i).cid.toString().slice(0, 11);
      const j = seen.get(p);
      if (j !== undefined) pair = [j, i];
      else seen.set(p, i);
    }
    const [a, b] = pair.map(make) as [ReturnType<typeof make>, ReturnType<typeof make>];
    await f.chunks.putMany([a, b]);
    await f.refs.indexCommits([a.cid, b.cid]);
    const prefix = a.cid.toString().slice(0, 11);
    const err = await f.refs.resolve(prefix).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousRefError);
    expect((err as AmbiguousRefError).code).toBe('AMBIGUOUS_REF');
    expect([...(err as AmbiguousRefError).candidates].sort()).toEqual([a.cid.toString(), b.cid.toString()].sort());
    // one more character (where they differ) resolves
    let n = 12;
    while (a.cid.toString().slice(0, n) === b.cid.toString().slice(0, n)) n++;
    expect((await f.refs.resolve(a.cid.toString().slice(0, n))).commit.equals(a.cid)).toBe(true);
  });

  it('bad syntax or names are INVALID_REF_NAME; unknown names REF_NOT_FOUND', async () => {
    const { f } = await graph();
    for (const bad of ['', 'main~x', '~1', 'a b', 'x..y', 'main^a']) {
      await expect(f.refs.resolve(bad)).rejects.toBeInstanceOf(InvalidRefNameError);
    }
    await expect(f.refs.resolve('nope')).rejects.toBeInstanceOf(RefNotFoundError);
    await expect(f.refs.resolve('nope~1')).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it('names take precedence over commit-id prefixes', async () => {
    const { f, c } = await graph();
    const prefix = (c.c2 as CID).toString().slice(0, 12);
    await f.refs.createBranch(prefix, 'main');
    expect(await f.refs.resolve(prefix)).toEqual({ commit: c.m, kind: 'branch', name: prefix });
  });
});
