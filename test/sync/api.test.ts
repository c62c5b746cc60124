/** The sync API end to end: remotes, clone, fetch, pull, push, bundles, serve — over every kind of remote. */
import { afterEach, describe, expect, it } from 'vitest';
import { CarReader } from '@ipld/car';
import { readFileSync } from 'node:fs';
import * as dagCbor from '@ipld/dag-cbor';
import { clone, open, type Database } from '../../src/index.js';
import { TempDirs, headOf, insertRows, seeded, snapshot } from './helpers.js';

const tmp = new TempDirs();
const open_: Database[] = [];
afterEach(async () => {
  for (const db of open_.splice(0)) await db.close();
  tmp.cleanup();
});
function keep(db: Database): Database {
  open_.push(db);
  return db;
}

describe('remotes', () => {
  it('adds, lists, refuses duplicates and removes', async () => {
    const db = keep(await open(tmp.make()));
    await db.remotes.add('origin', 'http://127.0.0.1:9999/');
    await db.remotes.add('usb', '/media/stick/edge.car');
    expect(await db.remotes.list()).toEqual([
      { name: 'origin', url: 'http://127.0.0.1:9999' },
      { name: 'usb', url: '/media/stick/edge.car' },
    ]);
    await expect(db.remotes.add('origin', 'http://x')).rejects.toMatchObject({ code: 'REMOTE_EXISTS' });
    await db.remotes.remove('usb');
    expect((await db.remotes.list()).map((r) => r.name)).toEqual(['origin']);
    await expect(db.remotes.remove('usb')).rejects.toMatchObject({ code: 'REMOTE_NOT_FOUND' });
    await expect(db.fetch('nowhere')).rejects.toMatchObject({ code: 'REMOTE_NOT_FOUND' });
  });

  it('keeps remotes across reopen', async () => {
    const dir = tmp.make();
    const db = await open(dir);
    await db.remotes.add('origin', '/srv/hub');
    await db.close();
    const again = keep(await open(dir));
    expect(await again.remotes.get('origin')).toEqual({ name: 'origin', url: '/srv/hub' });
  });
});

type Kind = 'folder' | 'http';

/** A hub database reachable as a folder or over HTTP. */
async function hub(kind: Kind, rows: number): Promise<{ url: string; db?: Database; dir: string; stop(): Promise<void> }> {
  const dir = tmp.make();
  const db = await seeded(dir, rows);
  if (kind === 'folder') {
    await db.close();
    return { url: dir, dir, stop: async () => undefined };
  }
  const s = await db.serve();
  return {
    url: s.url,
    db,
    dir,
    stop: async () => {
      await s.close();
      await db.close();
    },
  };
}

describe.each<Kind>(['folder', 'http'])('clone / push / pull over %s', (kind) => {
  it('clones every row, sets origin and remote-tracking refs', async () => {
    const h = await hub(kind, 300);
    try {
      const c = keep(await clone(h.url, tmp.path('c')));
      expect(await c.get('SELECT count(*) AS n FROM t')).toEqual({ n: 300 });
      expect((await c.remotes.list())[0]?.name).toBe('origin');
      expect((await c.resolve('origin/main')).kind).toBe('remote');
      expect(await headOf(c, 'origin/main')).toBe(await headOf(c, 'main'));
      expect(await c.get("SELECT v FROM t AS OF 'origin/main' WHERE id = 7")).toEqual({ v: 'r-7-xxxxxxx' });
    } finally {
      await h.stop();
    }
  });

  it('pushes a fast-forward, refuses a diverged push unless forced, and pulls', async () => {
    const h = await hub(kind, 50);
    try {
      const a = keep(await clone(h.url, tmp.path('a')));
      const b = keep(await clone(h.url, tmp.path('b')));
      await insertRows(a, 51, 60, 'a');
      const pushed = await a.push();
      expect(pushed.upToDate).toBe(false);
      expect(pushed.chunks).toBeGreaterThan(0);
      expect((await a.push()).upToDate).toBe(true);

      await insertRows(b, 61, 62, 'b');
      await expect(b.push()).rejects.toMatchObject({ code: 'NON_FAST_FORWARD' });

      // b pulls a's rows: b has its own commit, so this needs a merge — or b resets: pull on a fresh clone fast-forwards.
      const c = keep(await clone(h.url, tmp.path('c2')));
      expect(await c.get('SELECT count(*) AS n FROM t')).toEqual({ n: 60 });
      await insertRows(a, 63, 64, 'a');
      await a.push();
      const pr = await c.pull();
      expect(pr.kind).toBe('fast-forward');
      expect(await c.get('SELECT count(*) AS n FROM t')).toEqual({ n: 62 });
      expect(await headOf(c)).toBe(await headOf(a));
      expect((await c.pull()).kind).toBe('up-to-date');

      const forced = await b.push('origin', 'main', { force: true });
      expect(forced.upToDate).toBe(false);
      await c.pull('origin', 'main').catch(() => undefined);
      await c.fetch();
      expect(await headOf(c, 'origin/main')).toBe(await headOf(b));
    } finally {
      await h.stop();
    }
  });

  it('pull merges diverged histories through the merge engine', async () => {
    const h = await hub(kind, 30);
    try {
      const a = keep(await clone(h.url, tmp.path('a')));
      const b = keep(await clone(h.url, tmp.path('b')));
      await insertRows(a, 100, 105, 'a');
      await a.push();
      await insertRows(b, 200, 203, 'b');
      const r = await b.pull();
      expect(r.kind).toBe('merge');
      expect(await b.get('SELECT count(*) AS n FROM t')).toEqual({ n: 40 });
      const log = await b.log('main', { limit: 1 });
      expect(log[0]!.parents.length).toBe(2);
      await b.push();
      expect((await a.pull()).kind).toBe('fast-forward');
      expect(await snapshot(a)).toBe(await snapshot(b));
    } finally {
      await h.stop();
    }
  });

  it('pushes a new branch and fetches all branches', async () => {
    const h = await hub(kind, 20);
    try {
      const a = keep(await clone(h.url, tmp.path('a')));
      await a.branches.create('feature');
      const s = await a.session({ branch: 'feature' });
      await s.run("INSERT INTO t (id, v) VALUES (1000, 'feature')");
      await s.close();
      await a.push('origin', 'feature');
      const c = keep(await clone(h.url, tmp.path('c')));
      expect(await c.get("SELECT v FROM t AS OF 'origin/feature' WHERE id = 1000")).toEqual({ v: 'feature' });
      expect(await headOf(c, 'origin/feature')).toBe(await headOf(a, 'feature'));
    } finally {
      await h.stop();
    }
  });
});

describe('serve', () => {
  it('refuses pushes when read-only and without the token', async () => {
    const dir = tmp.make();
    const srv = keep(await seeded(dir, 10));
    const ro = await srv.serve({ readOnly: true });
    const tok = await srv.serve({ token: 's3cret' });
    try {
      const a = keep(await clone(ro.url, tmp.path('a')));
      await insertRows(a, 11, 12);
      await expect(a.push(ro.url)).rejects.toMatchObject({ code: 'REMOTE_READ_ONLY' });
      await expect(a.push(tok.url)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(a.push(tok.url, 'main', { token: 'wrong' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await a.push(tok.url, 'main', { token: 's3cret' });
      // The serving database sees the pushed rows at once.
      expect(await srv.get('SELECT count(*) AS n FROM t')).toEqual({ n: 12 });
      expect(ro.url.startsWith('http://127.0.0.1:')).toBe(true);
    } finally {
      await ro.close();
      await tok.close();
    }
  });
});

describe('bundles', () => {
  it('writes a standard CARv1 whose roots are the manifest and the heads, and imports it', async () => {
    const src = keep(await seeded(tmp.make(), 40));
    await src.tags.create('v1');
    const file = tmp.path('edge.car');
    const r = await src.bundle.create(file, ['main', 'v1']);
    expect(r.chunks).toBeGreaterThan(2);

    const reader = await CarReader.fromBytes(readFileSync(file));
    const roots = await reader.getRoots();
    const head = await headOf(src);
    expect(roots.map(String)).toContain(head);
    const manifest = dagCbor.decode((await reader.get(roots[0]!))!.bytes) as { heliosdb: string; branches: Record<string, unknown>; tags: Record<string, unknown> };
    expect(manifest.heliosdb).toBe('bundle');
    expect(String(manifest.branches.main)).toBe(head);
    expect(String(manifest.tags.v1)).toBe(head);
    let blocks = 0;
    for await (const _ of reader.blocks()) blocks++;
    expect(blocks).toBe(r.chunks + 1);

    const dst = keep(await open(tmp.make()));
    const imp = await dst.bundle.import(file, { as: 'edge' });
    expect(imp.updated.map((u) => u.ref).sort()).toEqual(['edge/main', 'v1']);
    expect(await dst.get("SELECT count(*) AS n FROM t AS OF 'edge/main'")).toEqual({ n: 40 });
    expect(await headOf(dst, 'v1')).toBe(head);

    const c = keep(await clone(file, tmp.path('c')));
    expect(await snapshot(c)).toBe(await snapshot(src));
  });

  it('a thin bundle (since) leaves out what the receiver has and still imports', async () => {
    const a = keep(await seeded(tmp.make(), 500));
    const full = tmp.path('full.car');
    await a.bundle.create(full);
    const b = keep(await clone(full, tmp.path('b')));
    await a.branches.create('sent', { from: 'main' });
    await a.run("UPDATE t SET v = 'changed' WHERE id = 250");
    const thin = tmp.path('thin.car');
    const t = await a.bundle.create(thin, ['main'], { since: ['sent'] });
    const f = await a.bundle.create(tmp.path('full2.car'), ['main']);
    expect(t.bytes).toBeLessThan(f.bytes / 4);
    const imp = await b.bundle.import(thin, { as: 'edge' });
    expect(imp.chunks).toBeLessThan(20);
    expect((await b.pull(thin)).kind).toBe('fast-forward');
    expect(await snapshot(b)).toBe(await snapshot(a));
  });
});
