/**
 * The transport conformance suite: the same behaviour from every remote kind — another
 * database folder, the HTTP server, a CAR bundle file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesMatchCid, cidOf, type CID } from '../../../src/hash/index.js';
import { openStorage, type Storage } from '../../../src/store/index.js';
import { RefStore } from '../../../src/refs/index.js';
import { CarTransport, FolderTransport, HttpTransport, startSyncServer, transfer, type SyncServer, type Transport } from '../../../src/sync/index.js';
import { TempDirs, insertRows, seeded } from '../helpers.js';

const tmp = new TempDirs();
let source: Storage;
let sourceRefs: RefStore;
let head1: CID;
let head2: CID;
let side: CID;

beforeAll(async () => {
  const dir = tmp.make();
  const db = await seeded(dir, 400);
  await insertRows(db, 401, 450);
  await db.branches.create('side', { from: 'main~1' });
  const s = await db.session({ branch: 'side' });
  await s.run("INSERT INTO t (id, v) VALUES (9999, 'side')");
  await s.close();
  await db.close();
  source = await openStorage(dir);
  sourceRefs = await RefStore.open(source.meta, source.chunks);
  head2 = sourceRefs.requireBranch('main').head;
  head1 = (await sourceRefs.resolve('main~1')).commit;
  side = sourceRefs.requireBranch('side').head;
});

afterAll(async () => {
  await sourceRefs.close();
  await source.close();
  tmp.cleanup();
});

interface Kind {
  name: string;
  /** A transport to an empty remote. */
  empty(): Promise<{ fresh(): Transport; stop(): Promise<void> }>;
}

const kinds: Kind[] = [
  {
    name: 'folder',
    async empty() {
      const dir = tmp.path('remote');
      return { fresh: () => new FolderTransport(dir, { create: true }), stop: async () => undefined };
    },
  },
  {
    name: 'http',
    async empty() {
      const st = await openStorage(tmp.path('remote'));
      const refs = await RefStore.open(st.meta, st.chunks);
      const srv: SyncServer = await startSyncServer({ chunks: st.chunks, refs });
      return {
        fresh: () => new HttpTransport(srv.url),
        stop: async () => {
          await srv.close();
          await refs.close();
          await st.close();
        },
      };
    },
  },
  {
    name: 'car',
    async empty() {
      const file = tmp.path('remote.car');
      return { fresh: () => new CarTransport(file), stop: async () => undefined };
    },
  },
];

async function send(t: Transport, heads: CID[]) {
  return transfer({ source: source.chunks, dest: t, heads, verify: false });
}

describe.each(kinds)('transport conformance: $name', (kind) => {
  it('an empty remote has no refs and no chunks; unknown chunks cannot be read', async () => {
    const r = await kind.empty();
    const t = r.fresh();
    try {
      const refs = await t.listRefs();
      expect(refs.branches).toEqual({});
      expect(refs.tags).toEqual({});
      expect(await t.hasMany([head1, cidOf(new Uint8Array([1, 2, 3]))])).toEqual([false, false]);
      await expect(t.getMany([head1])).rejects.toHaveProperty('code');
    } finally {
      await t.close();
      await r.stop();
    }
  });

  it('puts chunks and gets the same bytes back; they persist across reopen', async () => {
    const r = await kind.empty();
    const t = r.fresh();
    const bytes = [new Uint8Array([0xa1, 0x61, 0x61, 0x01]), new Uint8Array([0xa1, 0x61, 0x61, 0x02])];
    const cids = bytes.map((b) => cidOf(b));
    try {
      await t.putMany(cids.map((cid, i) => ({ cid, bytes: bytes[i]! })));
      expect(await t.hasMany([cids[1]!, head1, cids[0]!])).toEqual([true, false, true]);
      const got = await t.getMany(cids);
      expect(got.map((g) => [...g])).toEqual(bytes.map((b) => [...b]));
      await t.close();
      const t2 = r.fresh();
      expect(await t2.hasMany(cids)).toEqual([true, true]);
      await t2.close();
    } finally {
      await r.stop();
    }
  });

  it('receives a whole history, then moves refs by compare-and-swap only', async () => {
    const r = await kind.empty();
    let t = r.fresh();
    try {
      const sent = await send(t, [head1]);
      expect(sent.chunks).toBeGreaterThan(5);
      expect(sent.commits.length).toBe(3); // init, CREATE TABLE, the 400-row insert
      await t.updateRef({ kind: 'branch', name: 'pushed', expected: null, next: head1, commits: sent.commits });
      await t.updateRef({ kind: 'tag', name: 'v1', expected: null, next: head1 });
      expect((await t.listRefs()).branches.pushed?.toString()).toBe(head1.toString());
      // A second transfer sends only what is new (one commit and its changed path).
      const more = await send(t, [head2]);
      expect(more.commits.length).toBe(1);
      expect(more.chunks).toBeLessThan(sent.chunks);
      expect(more.skipped).toBeGreaterThan(0);
      await expect(t.updateRef({ kind: 'branch', name: 'pushed', expected: null, next: head2 })).rejects.toMatchObject({ code: 'NON_FAST_FORWARD' });
      await expect(t.updateRef({ kind: 'branch', name: 'pushed', expected: head2, next: head2 })).rejects.toMatchObject({ code: 'NON_FAST_FORWARD' });
      await t.updateRef({ kind: 'branch', name: 'pushed', expected: head1, next: head2 });
      expect((await t.listRefs()).branches.pushed?.toString()).toBe(head2.toString());
      // Forced: any head.
      await send(t, [side]);
      await t.updateRef({ kind: 'branch', name: 'pushed', expected: null, next: side, force: true });
      await t.close();
      t = r.fresh();
      const refs = await t.listRefs();
      expect(refs.branches.pushed?.toString()).toBe(side.toString());
      expect(refs.tags.v1?.toString()).toBe(head1.toString());
      // Every chunk of the history is there and matches its id.
      const back = await transfer({ source: t, dest: (await openStorage()).chunks, heads: [side, head2] });
      expect(back.chunks).toBeGreaterThan(sent.chunks);
      const all = await t.getMany(back.commits);
      all.forEach((b, i) => expect(bytesMatchCid(back.commits[i]!, b)).toBe(true));
    } finally {
      await t.close();
      await r.stop();
    }
  });

  it('refuses a ref to a commit it does not hold', async () => {
    const r = await kind.empty();
    const t = r.fresh();
    try {
      await expect(t.updateRef({ kind: 'branch', name: 'x', expected: null, next: head1 })).rejects.toHaveProperty('code');
      expect((await t.listRefs()).branches).toEqual({});
    } finally {
      await t.close();
      await r.stop();
    }
  });
});
