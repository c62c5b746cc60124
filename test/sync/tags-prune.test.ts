/**
 * Tags in sync and pruning: `push --tags` (tags never move unless forced), fetch's tag
 * auto-follow and `tags: true`, tags are local refs (never `origin/<tag>`), bundle import takes
 * the bundle's tags, and `prune` deletes remote-tracking refs of branches gone from the remote.
 * Over a database folder and over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clone, open, type Database } from '../../src/index.js';
import { TempDirs, headOf, insertRows, seeded } from './helpers.js';

const tmp = new TempDirs();
const opened: Database[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  tmp.cleanup();
});
function keep(db: Database): Database {
  opened.push(db);
  return db;
}

type Kind = 'folder' | 'http';

/**
 * A hub reachable as `url`; `withHub(fn)` runs `fn` on the hub database (opened for the call
 * when the remote is a folder, the served database over HTTP).
 */
async function hub(kind: Kind, rows: number): Promise<{ url: string; withHub<T>(fn: (db: Database) => Promise<T>): Promise<T> }> {
  const dir = tmp.make();
  const db = await seeded(dir, rows);
  if (kind === 'folder') {
    await db.close();
    return {
      url: dir,
      async withHub(fn) {
        const h = await open(dir);
        try {
          return await fn(h);
        } finally {
          await h.close();
        }
      },
    };
  }
  keep(db);
  const s = await db.serve();
  opened.unshift({ close: () => s.close() } as unknown as Database);
  return { url: s.url, withHub: (fn) => fn(db) };
}

function refNames(db: Database): string[] {
  return db.tags.list().map((t) => t.name);
}

describe.each<Kind>(['folder', 'http'])('tags and prune over %s', (kind) => {
  it('push --tags creates the remote tags; a tag never moves unless forced', async () => {
    const h = await hub(kind, 50);
    const node = keep(await clone(h.url, tmp.path('node')));
    await node.tags.create('v1');
    await insertRows(node, 51, 60);
    await node.tags.create('v2');

    const plain = await node.push('origin', 'main');
    expect(plain.tags).toEqual([]);
    expect(await h.withHub(async (d) => refNames(d))).toEqual([]);

    const withTags = await node.push('origin', 'main', { tags: true });
    expect(withTags.tags.map((t) => [t.ref, t.from, t.to])).toEqual([
      ['v1', null, await headOf(node, 'v1')],
      ['v2', null, await headOf(node, 'v2')],
    ]);
    expect(withTags.chunks).toBe(0); // the branch push sent every chunk already
    expect(await h.withHub(async (d) => [refNames(d), await headOf(d, 'v1')])).toEqual([['v1', 'v2'], await headOf(node, 'v1')]);
    expect((await node.push('origin', 'main', { tags: true })).upToDate).toBe(true);

    // The same tag name at another commit: refused before anything is sent, the remote keeps its tag and branch.
    await node.tags.drop('v1');
    await insertRows(node, 61, 70);
    await node.tags.create('v1');
    const hubHead = await h.withHub((d) => headOf(d));
    await expect(node.push('origin', 'main', { tags: true })).rejects.toMatchObject({ code: 'NON_FAST_FORWARD', message: expect.stringContaining('v1') });
    expect(await h.withHub(async (d) => [await headOf(d), await headOf(d, 'v1')])).toEqual([hubHead, withTags.tags[0]!.to]);
    const forced = await node.push('origin', 'main', { tags: true, force: true });
    expect(forced.tags.map((t) => [t.ref, t.from])).toEqual([['v1', withTags.tags[0]!.to]]);
    expect(await h.withHub((d) => headOf(d, 'v1'))).toBe(await headOf(node, 'v1'));
  });

  it('fetch follows the tags on the fetched history; tags: true takes all; tags are never remote-tracking refs', async () => {
    const h = await hub(kind, 40);
    const node = keep(await clone(h.url, tmp.path('node')));
    await h.withHub(async (d) => {
      await insertRows(d, 41, 45);
      await d.tags.create('v1');
      await d.branches.create('side', { from: 'main~1' });
      const s = await d.session({ branch: 'side' });
      await s.run("INSERT INTO t (id, v) VALUES (9999, 'side')");
      await s.close();
      await d.tags.create('side-tag', { ref: 'side' });
    });
    const f = await node.fetch('origin', ['main']);
    expect(f.updated.map((u) => u.ref).sort()).toEqual(['origin/main', 'v1']);
    expect(refNames(node)).toEqual(['v1']);
    await expect(node.resolve('origin/v1')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });

    const all = await node.fetch('origin', ['main'], { tags: true });
    expect(all.updated.map((u) => u.ref)).toEqual(['side-tag']);
    expect(await node.get("SELECT v FROM t AS OF 'side-tag' WHERE id = 9999")).toEqual({ v: 'side' });

    // A remote tag whose name is taken locally by another commit is rejected, the local one stays.
    await h.withHub(async (d) => {
      await insertRows(d, 46, 46);
      await d.tags.create('mine');
    });
    await node.tags.create('mine', { ref: 'main~1' });
    const mine = await headOf(node, 'mine');
    const r = await node.fetch('origin', undefined, { tags: true });
    expect(r.rejected.map((x) => [x.ref, x.from])).toEqual([['mine', mine]]);
    expect(await headOf(node, 'mine')).toBe(mine);
  });

  it('prune deletes the remote-tracking refs of branches gone from the remote', async () => {
    const h = await hub(kind, 20);
    await h.withHub(async (d) => {
      await d.branches.create('feature');
      await d.branches.create('old');
    });
    const node = keep(await clone(h.url, tmp.path('node')));
    expect(node.vc.refs.listRemoteRefs('origin').map((r) => r.name)).toEqual(['origin/feature', 'origin/main', 'origin/old']);
    await h.withHub((d) => d.branches.drop('old'));
    const kept = await node.fetch();
    expect(kept.pruned).toEqual([]);
    expect(node.vc.refs.listRemoteRefs('origin').map((r) => r.name)).toContain('origin/old');
    const pruned = await node.fetch('origin', undefined, { prune: true });
    expect(pruned.pruned).toEqual(['origin/old']);
    expect(node.vc.refs.listRemoteRefs('origin').map((r) => r.name)).toEqual(['origin/feature', 'origin/main']);
    // Another remote's refs are not touched.
    await node.vc.refs.putRemoteRef('other/old', node.vc.refs.requireBranch('main').head);
    await node.fetch('origin', ['main'], { prune: true });
    expect(node.vc.refs.listRemoteRefs().map((r) => r.name)).toEqual(['origin/feature', 'origin/main', 'other/old']);
  });
});

describe('tags in bundles', () => {
  it('bundle import takes every tag the bundle names, and prunes its own refs on request', async () => {
    const a = keep(await seeded(tmp.make(), 30));
    await a.tags.create('v1');
    await a.branches.create('topic');
    await insertRows(a, 31, 35);
    const file = tmp.path('b.car');
    await a.bundle.create(file, ['main', 'topic', 'v1']);
    const b = keep(await open(tmp.make()));
    const imp = await b.bundle.import(file, { as: 'edge' });
    expect(imp.updated.map((u) => u.ref).sort()).toEqual(['edge/main', 'edge/topic', 'v1']);
    await a.bundle.create(file, ['main']);
    const again = await b.bundle.import(file, { as: 'edge', prune: true });
    expect(again.pruned).toEqual(['edge/topic']);
    expect(b.vc.refs.listRemoteRefs().map((r) => r.name)).toEqual(['edge/main']);
  });
});
