/**
 * Bundles with bounded memory: `bundle create` streams a standard CARv1 to disk, import and
 * clone read the file by position through an index, a bundle remote takes pushes through a
 * spool; every block is still verified against its CID, a cut import resumes, and live memory
 * stays far below the bundle's size (measured in a child process with a forced GC).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dagCbor from '@ipld/dag-cbor';
import { CarBlockIterator } from '@ipld/car';
import { clone, open, type Database } from '../../src/index.js';
import { bytesMatchCid, cidFromBytes } from '../../src/hash/index.js';
import { TempDirs, headOf, insertRows, seeded, snapshot } from './helpers.js';

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

/** Every block of a CAR file, read by a standard streaming reader, with the roots. */
async function readCar(file: string): Promise<{ roots: string[]; blocks: { cid: string; cidBytes: Uint8Array; bytes: Uint8Array }[] }> {
  const it = await CarBlockIterator.fromIterable(createReadStream(file));
  const blocks: { cid: string; cidBytes: Uint8Array; bytes: Uint8Array }[] = [];
  for await (const b of it) blocks.push({ cid: b.cid.toString(), cidBytes: b.cid.bytes, bytes: b.bytes });
  return { roots: (await it.getRoots()).map(String), blocks };
}

describe('bundle create (streamed)', () => {
  it('writes a CARv1 that standard readers accept: manifest first, every block matching its CID, no temporary files left', async () => {
    const db = keep(await seeded(tmp.make(), 3000));
    await db.tags.create('v1');
    await insertRows(db, 3001, 3100);
    const file = tmp.path('b.car');
    let reports = 0;
    const r = await db.bundle.create(file, ['main', 'v1'], { onProgress: () => reports++ });
    expect(reports).toBeGreaterThan(1);
    const car = await readCar(file);
    expect(car.blocks.length).toBe(r.chunks + 1);
    expect(car.roots[0]).toBe(car.blocks[0]!.cid);
    const manifest = dagCbor.decode(car.blocks[0]!.bytes) as { heliosdb: string; branches: Record<string, unknown>; tags: Record<string, unknown>; defaultBranch: string };
    expect(manifest.heliosdb).toBe('bundle');
    expect(String(manifest.branches.main)).toBe(await headOf(db));
    expect(String(manifest.tags.v1)).toBe(await headOf(db, 'v1'));
    expect(manifest.defaultBranch).toBe('main');
    expect(car.roots.slice(1).sort()).toEqual([await headOf(db), await headOf(db, 'v1')].sort());
    expect(car.blocks.every((b) => bytesMatchCid(cidFromBytes(b.cidBytes), b.bytes))).toBe(true);
    expect(new Set(car.blocks.map((b) => b.cid)).size).toBe(car.blocks.length);
    expect(readdirSync(dirname(file))).toEqual(['b.car']);
  });

  it('replaces an existing file only when complete: a cancelled create leaves the old bundle as it was', async () => {
    const db = keep(await seeded(tmp.make(), 3000));
    const file = tmp.path('b.car');
    writeFileSync(file, 'old contents');
    const ac = new AbortController();
    let reports = 0;
    const cut = db.bundle.create(file, ['main'], {
      signal: ac.signal,
      onProgress: (p) => {
        reports++;
        if (!p.done) ac.abort();
      },
    });
    await expect(cut).rejects.toThrow();
    expect(reports).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe('old contents');
    expect(readdirSync(dirname(file))).toEqual(['b.car']);
    await db.bundle.create(file, ['main']);
    const dst = keep(await open(tmp.make()));
    await dst.bundle.import(file, { as: 'x' });
    expect(await dst.get("SELECT count(*) AS n FROM t AS OF 'x/main'")).toEqual({ n: 3000 });
  });
});

describe('bundle import (indexed reads)', () => {
  it('verifies every block against its CID: a corrupted block fails with CHUNK_MISMATCH and moves no ref', async () => {
    const db = keep(await seeded(tmp.make(), 1500));
    const file = tmp.path('b.car');
    await db.bundle.create(file, ['main']);
    const bytes = readFileSync(file);
    // Flip one byte inside the last block's data (a commit or a node: either is read by the import).
    const car = await readCar(file);
    const last = car.blocks[car.blocks.length - 1]!;
    const at = bytes.lastIndexOf(Buffer.from(last.bytes));
    expect(at).toBeGreaterThan(0);
    bytes[at + last.bytes.length - 1]! ^= 0xff;
    const bad = tmp.path('bad.car');
    writeFileSync(bad, bytes);
    const dst = keep(await open(tmp.make()));
    await expect(dst.bundle.import(bad, { as: 'x' })).rejects.toMatchObject({ code: 'CHUNK_MISMATCH' });
    await expect(dst.resolve('x/main')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
  });

  it('a cut import resumes: the second run sends only what is missing', async () => {
    const db = keep(await seeded(tmp.make(), 4000));
    const file = tmp.path('b.car');
    const full = await db.bundle.create(file, ['main']);
    const dst = keep(await open(tmp.make()));
    const ac = new AbortController();
    let seen = 0;
    await expect(
      dst.bundle.import(file, {
        as: 'x',
        batchChunks: 16,
        signal: ac.signal,
        onProgress: (p) => {
          seen = p.chunks;
          if (p.chunks >= 32) ac.abort();
        },
      }),
    ).rejects.toThrow();
    expect(seen).toBeGreaterThanOrEqual(32);
    const again = await dst.bundle.import(file, { as: 'x' });
    expect(again.skipped).toBeGreaterThan(0);
    // What the first run wrote is found by the has-checks, not sent again.
    expect(again.chunks).toBeLessThanOrEqual(full.chunks - seen);
    expect(await dst.get("SELECT count(*) AS n FROM t AS OF 'x/main'")).toEqual({ n: 4000 });
  });

  it('a bundle remote takes pushes through its spool and keeps what it had', async () => {
    const db = keep(await seeded(tmp.make(), 1200));
    const file = tmp.path('usb.car');
    await db.remotes.add('usb', file);
    await db.push('usb', 'main');
    await insertRows(db, 1201, 1300);
    await db.tags.create('v2');
    const second = await db.push('usb', 'main', { tags: true });
    expect(second.skipped).toBeGreaterThan(0);
    expect(second.tags.map((t) => t.ref)).toEqual(['v2']);
    const car = await readCar(file);
    expect(new Set(car.blocks.map((b) => b.cid)).size).toBe(car.blocks.length);
    const c = keep(await clone(file, tmp.path('c')));
    expect(await snapshot(c)).toBe(await snapshot(db));
    expect(await headOf(c, 'v2')).toBe(await headOf(db));
    expect(readdirSync(dirname(file))).toEqual(['usb.car']);
  });
});

const FIXTURE = fileURLToPath(new URL('./fixtures/bundle-memory.ts', import.meta.url));
const LONG = process.env.HDB_LONG === '1';

describe('bundle memory', () => {
  it(
    'create, import and clone keep live memory far below the bundle size',
    () => {
      // HDB_LONG=1: a 200K-row database; by default 30K rows of 800 characters (about 25 MB).
      const [rows, blob] = LONG ? [200_000, 120] : [30_000, 400];
      const dir = tmp.make('hdb-bundle-mem-');
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', FIXTURE, dir, String(rows), String(blob)], { encoding: 'utf8', timeout: 280_000 });
      expect(r.stderr.replace(/.*ExperimentalWarning.*\n?/g, '')).toBe('');
      const m = JSON.parse(r.stdout) as { bundleBytes: number; create: number; import: number; clone: number; same: boolean };
      console.log(`bundle ${(m.bundleBytes / 1e6).toFixed(1)} MB; live memory growth: create ${(m.create / 1e6).toFixed(1)} MB, import ${(m.import / 1e6).toFixed(1)} MB, clone ${(m.clone / 1e6).toFixed(1)} MB`);
      expect(m.same).toBe(true);
      expect(m.bundleBytes).toBeGreaterThan(20e6);
      for (const k of ['create', 'import', 'clone'] as const) expect(m[k]).toBeLessThan(m.bundleBytes / 2);
    },
    300_000,
  );
});
