/**
 * Faults: a transfer cut at a random point (server killed, client aborted) leaves both sides
 * valid and resumes without resending; a peer sending bytes that do not match their CID is
 * rejected with nothing updated; of two concurrent pushes to one branch exactly one wins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { clone, open, type Database } from '../../src/index.js';
import { cidOf } from '../../src/hash/index.js';
import { openStorage } from '../../src/store/index.js';
import { RefStore } from '../../src/refs/index.js';
import { HttpTransport, startSyncServer } from '../../src/sync/index.js';
import { decodeBlobs, encodeBlobs, decodeCidList } from '../../src/sync/http-protocol.js';
import { TempDirs, headOf, insertRows, seeded } from './helpers.js';

const tmp = new TempDirs();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

const CHILD = fileURLToPath(new URL('./fixtures/serve-child.ts', import.meta.url));

function serveChild(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ url: (JSON.parse(out.slice(0, nl)) as { url: string }).url, child });
    });
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
  });
}

async function chunkCount(dir: string): Promise<number> {
  const st = await openStorage(dir);
  let n = 0;
  for await (const _ of st.chunks.cids()) n++;
  await st.close();
  return n;
}

describe('a cut transfer', () => {
  it('server killed at a random point: both sides stay valid and the next fetch sends only the rest', async () => {
    const hubDir = tmp.make();
    const hub = await seeded(hubDir, 12000);
    await insertRows(hub, 12001, 20000, 'second');
    const hubHead = await headOf(hub);
    await hub.close();

    // Reference: what a full fetch into a fresh database transfers.
    const ref = await open(tmp.make());
    const { url: url0, child: c0 } = await serveChild(hubDir);
    const full = await ref.fetch(url0, undefined, { batchChunks: 8 });
    await ref.close();
    c0.kill('SIGKILL');
    await new Promise((r) => c0.once('exit', r));

    const localDir = tmp.make();
    let local = await open(localDir);
    await local.close();
    const before = await chunkCount(localDir);
    local = await open(localDir);
    const { url, child } = await serveChild(hubDir);
    await local.remotes.add('origin', url);
    const cutAt = 8 + Math.floor(Math.random() * (full.chunks / 3));
    // Kill, then hold the client for a moment so the kill lands before its next request.
    const kill = () => {
      if (child.exitCode !== null || child.killed) return;
      child.kill('SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    };
    let failed = false;
    try {
      await local.fetch('origin', undefined, { batchChunks: 8, onProgress: (p) => (p.chunks >= cutAt ? kill() : undefined) });
    } catch (err) {
      failed = true;
      expect((err as { code?: string }).code).toBe('REMOTE_ERROR');
    }
    expect(failed).toBe(true);
    await expect(local.resolve('origin/main')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await local.close();
    const arrived = (await chunkCount(localDir)) - before;
    expect(arrived).toBeGreaterThanOrEqual(cutAt);
    expect(arrived).toBeLessThan(full.chunks);
    if (process.env.HDB_DEBUG) console.log("cut", { failed, arrived, full: full.chunks, cutAt });

    // The hub folder is intact.
    const hubAgain = await open(hubDir);
    expect(await hubAgain.get('SELECT count(*) AS n FROM t')).toEqual({ n: 20000 });
    await hubAgain.close();

    const { url: url2 } = await serveChild(hubDir);
    local = await open(localDir);
    await local.remotes.remove('origin');
    await local.remotes.add('origin', url2);
    const second = await local.fetch('origin', undefined, { batchChunks: 8 });
    expect(second.chunks + arrived).toBe(full.chunks);
    expect(await headOf(local, 'origin/main')).toBe(hubHead);
    expect(await local.get("SELECT count(*) AS n FROM t AS OF 'origin/main'")).toEqual({ n: 20000 });
    await local.close();
  });

  it('client aborted mid-push: the remote ref does not move, and the next push sends only the rest', async () => {
    const st = await openStorage(tmp.make());
    const refs = await RefStore.open(st.meta, st.chunks);
    const srv = await startSyncServer({ chunks: st.chunks, refs });
    const count = async () => {
      let n = 0;
      for await (const _ of st.chunks.cids()) n++;
      return n;
    };
    try {
      const a = await seeded(tmp.make(), 8000);
      const ac = new AbortController();
      const cutAt = 8 + Math.floor(Math.random() * 40);
      const first = await a.push(srv.url, 'main', { batchChunks: 8, signal: ac.signal, onProgress: (p) => (p.chunks >= cutAt ? ac.abort() : undefined) }).then(
        () => 'done',
        (e: unknown) => e,
      );
      expect(first).not.toBe('done');
      expect(refs.getBranch('main')).toBeUndefined();
      const arrived = await count();
      expect(arrived).toBeGreaterThanOrEqual(cutAt);
      if (process.env.HDB_DEBUG) console.log('abort', { first: String(first), arrived });
      const second = await a.push(srv.url, 'main', { batchChunks: 8 });
      expect(second.upToDate).toBe(false);
      expect(arrived + second.chunks).toBe(await count());
      expect(refs.getBranch('main')?.head.toString()).toBe(await headOf(a));
      const c = await clone(srv.url, tmp.path('c'));
      expect(await c.get('SELECT count(*) AS n FROM t')).toEqual({ n: 8000 });
      await c.close();
      await a.close();
    } finally {
      await srv.close();
      await refs.close();
      await st.close();
    }
  });
});

describe('a lying peer', () => {
  it('fetch rejects chunks that do not match their id; no ref is written and the bad chunk is not stored', async () => {
    const hub = await seeded(tmp.make(), 500);
    const real = await hub.serve();
    let corrupted = '';
    const proxy = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (b: Buffer) => parts.push(b));
      req.on('end', async () => {
        const body = Buffer.concat(parts);
        const r = await fetch(real.url + req.url, { method: req.method!, ...(req.method === 'POST' ? { body } : {}) });
        let out: Uint8Array = new Uint8Array(await r.arrayBuffer());
        if (req.url === '/get' && r.ok) {
          const cids = decodeCidList(new Uint8Array(body));
          const blobs = decodeBlobs(out, cids.length).map((b) => Uint8Array.from(b));
          const i = blobs.findIndex((b) => b.length > 64);
          if (i >= 0 && corrupted === '') {
            blobs[i]![40] ^= 0xff;
            corrupted = cids[i]!.toString();
          }
          out = encodeBlobs(blobs);
        }
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' });
        res.end(out);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const localDir = tmp.make();
    const local = await open(localDir);
    try {
      await local.remotes.add('origin', proxyUrl);
      const mainBefore = await headOf(local);
      await expect(local.fetch()).rejects.toMatchObject({ code: 'CHUNK_MISMATCH' });
      expect(corrupted).not.toBe('');
      await expect(local.resolve('origin/main')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
      expect(await headOf(local)).toBe(mainBefore);
    } finally {
      await local.close();
      proxy.closeAllConnections();
      proxy.close();
      await real.close();
      await hub.close();
    }
    const st = await openStorage(localDir);
    const { parseCid } = await import('../../src/hash/index.js');
    expect(await st.chunks.has(parseCid(corrupted))).toBe(false);
    await st.close();
  });

  it('the server rejects pushed chunks that do not match their id and stores none of the batch', async () => {
    const hub = await seeded(tmp.make(), 10);
    const s = await hub.serve();
    try {
      const t = new HttpTransport(s.url);
      const good = new Uint8Array([0xa1, 0x61, 0x78, 0x01]);
      const bad = new Uint8Array([0xa1, 0x61, 0x78, 0x02]);
      const goodCid = cidOf(good);
      const claimed = cidOf(new Uint8Array([0xa1, 0x61, 0x78, 0x03]));
      await expect(t.putMany([{ cid: goodCid, bytes: good }, { cid: claimed, bytes: bad }])).rejects.toMatchObject({ code: 'CHUNK_MISMATCH' });
      expect(await t.hasMany([goodCid, claimed])).toEqual([false, false]);
    } finally {
      await s.close();
      await hub.close();
    }
  });
});

describe('concurrent pushes', () => {
  it('two pushes to one branch: exactly one wins, the other gets NON_FAST_FORWARD', async () => {
    const hub = await seeded(tmp.make(), 200);
    const s = await hub.serve();
    try {
      for (let round = 0; round < 4; round++) {
        const a = await clone(s.url, tmp.path('a'));
        const b = await clone(s.url, tmp.path('b'));
        await insertRows(a, 1000 + round * 10, 1000 + round * 10 + 3, 'a');
        await insertRows(b, 5000 + round * 10, 5000 + round * 10 + 3, 'b');
        const results = await Promise.allSettled([a.push(), b.push()]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won.length).toBe(1);
        expect(lost.length).toBe(1);
        expect((lost[0]!.reason as { code?: string }).code).toBe('NON_FAST_FORWARD');
        const winner = results[0]!.status === 'fulfilled' ? a : b;
        expect(await headOf(hub)).toBe(await headOf(winner));
        await a.close();
        await b.close();
      }
    } finally {
      await s.close();
      await hub.close();
    }
  });
});
