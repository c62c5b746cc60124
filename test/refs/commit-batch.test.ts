/**
 * One batch per commit: `RefStore.commit({pending})` writes the node store's pending chunks, the
 * commit object, the branch move, its ref-log entry and the counters as ONE LevelDB batch —
 * after a crash a commit is wholly there or not at all (SIGKILL test) — and falls back to
 * chunks-then-ops on stores that cannot share a batch. Also: `cidText` is `cid.toString()`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { cidOf, parseCid } from '../../src/hash/index.js';
import { NodeStore } from '../../src/objects/index.js';
import { MemoryChunkStore, MemoryMetaStore, openStorage, putChunksWithMeta, type Chunk } from '../../src/store/index.js';
import { RefStore, cidText } from '../../src/refs/index.js';
import { RecordingMeta } from './helpers.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hdb-commit-batch-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function initMain(refs: RefStore, ns: NodeStore) {
  const root = ns.putBytes(enc.encode('root 0'));
  await ns.flush();
  const c = await refs.writeCommit({ root, parents: [], author: 't', message: '0', timestamp: 1, transaction: 0, scn: 0 });
  await refs.createBranch('main', c.cid);
  return c.cid;
}

describe('cidText', () => {
  it('is the text form cid.toString() gives', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const cid = cidOf(b);
        expect(cidText(cid)).toBe(cid.toString());
      }),
    );
  });
});

describe('one batch per commit (LevelDB)', () => {
  it('writes pending chunks, commit object and ref move in one LevelDB batch', async () => {
    const storage = await openStorage(tmp());
    try {
      const refs = await RefStore.open(storage.meta, storage.chunks);
      const ns = new NodeStore(storage.chunks);
      const head = await initMain(refs, ns);
      const root = (storage.chunks as unknown as { root: { batch: (...a: unknown[]) => Promise<void> } }).root;
      const spy = vi.spyOn(root, 'batch');
      const metaBatch = vi.spyOn(storage.meta, 'batch');
      const a = ns.putBytes(enc.encode('payload a'));
      const r = ns.putBytes(enc.encode(`root ${a.toString()}`));
      const res = await refs.commit('main', { expectedHead: head, root: r, author: 't', message: 'one', pending: ns });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(metaBatch).not.toHaveBeenCalled();
      expect(spy.mock.calls[0]![1]).toMatchObject({ sync: true });
      expect(ns.pendingCount).toBe(0);
      expect(refs.requireBranch('main').head.equals(res.cid)).toBe(true);
      expect(dec.decode(await storage.chunks.get(a))).toBe('payload a');
      expect(storage.chunks.getSync(res.cid)).toBeDefined();
      expect((await refs.resolve(cidText(res.cid).slice(0, 20))).commit.equals(res.cid)).toBe(true);
      spy.mockRestore();
    } finally {
      await storage.close();
    }
  });

  it('a failed batch leaves nothing: no chunk, no commit, no move; the chunks stay pending and a retry works', async () => {
    const dir = tmp();
    let storage = await openStorage(dir);
    const refs = await RefStore.open(storage.meta, storage.chunks);
    const ns = new NodeStore(storage.chunks);
    const head = await initMain(refs, ns);
    const root = (storage.chunks as unknown as { root: { batch: (...a: unknown[]) => Promise<void> } }).root;
    const spy = vi.spyOn(root, 'batch').mockRejectedValueOnce(new Error('injected I/O failure'));
    const a = ns.putBytes(enc.encode('payload b'));
    const r = ns.putBytes(enc.encode(`root ${a.toString()}`));
    await expect(refs.commit('main', { expectedHead: head, root: r, author: 't', message: 'two', pending: ns })).rejects.toThrow();
    spy.mockRestore();
    expect(refs.requireBranch('main').head.equals(head)).toBe(true);
    expect(await storage.chunks.has(a)).toBe(false);
    expect(ns.pendingCount).toBe(2);
    expect((await refs.reflog('main')).length).toBe(1);
    const ok = await refs.commit('main', { expectedHead: head, root: r, author: 't', message: 'two', pending: ns });
    expect(await storage.chunks.has(a)).toBe(true);
    await refs.close();
    await storage.close();
    storage = await openStorage(dir);
    const again = await RefStore.open(storage.meta, storage.chunks);
    expect(again.requireBranch('main').head.equals(ok.cid)).toBe(true);
    const log = await again.reflog('main');
    expect(log.length).toBe(2);
    expect(log[0]!.message).toBe('commit: two');
    await storage.close();
  });

  it('on stores that cannot share a batch, writes the chunks first, then the ref ops (one meta batch)', async () => {
    const chunks = new MemoryChunkStore();
    const meta = new RecordingMeta(new MemoryMetaStore());
    const refs = await RefStore.open(meta, chunks);
    const ns = new NodeStore(chunks);
    const head = await initMain(refs, ns);
    const order: string[] = [];
    const put = chunks.putMany.bind(chunks);
    chunks.putMany = async (c: Iterable<Chunk>) => {
      order.push('chunks');
      return put(c);
    };
    const before = meta.batches.length;
    const a = ns.putBytes(enc.encode('payload c'));
    const res = await refs.commit('main', { expectedHead: head, root: a, author: 't', message: 'three', pending: ns });
    order.push(`meta:${meta.batches.length - before}`);
    expect(order).toEqual(['chunks', 'meta:1']);
    expect(chunks.getSync(res.cid)).toBeDefined();
    expect(chunks.getSync(a)).toBeDefined();
    // a meta failure after the chunks: the branch does not move
    meta.failNext = 1;
    const b = ns.putBytes(enc.encode('payload d'));
    await expect(refs.commit('main', { expectedHead: res.cid, root: b, author: 't', message: 'four', pending: ns })).rejects.toThrow(/injected/);
    expect(refs.requireBranch('main').head.equals(res.cid)).toBe(true);
  });

  it('putChunksWithMeta with no chunks still writes the ops', async () => {
    const storage = await openStorage(tmp());
    try {
      await putChunksWithMeta(storage.chunks, [], storage.meta, [{ type: 'put', key: 'k', value: enc.encode('v') }]);
      expect(dec.decode((await storage.meta.get('k'))!)).toBe('v');
    } finally {
      await storage.close();
    }
  });
});

const KILLS = process.env.HDB_LONG ? 50 : 5;
const child = fileURLToPath(new URL('./fixtures/batch-crash-child.ts', import.meta.url));

function runAndKill(dir: string, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: number[] = [];
    let buf = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') timer ??= setTimeout(() => p.kill('SIGKILL'), killAfterMs);
        else if (/^\d+$/.test(line)) acks.push(Number(line));
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(acks);
    });
  });
}

describe('one batch per commit: crash safety', () => {
  it(`after SIGKILL (${KILLS} kills) every commit is wholly there or not at all`, async () => {
    const dir = tmp();
    const acked = new Set<number>();
    for (let i = 0; i < KILLS; i++) {
      for (const n of await runAndKill(dir, 150 + ((i * 97) % 400))) acked.add(n);
      const storage = await openStorage(dir);
      try {
        const refs = await RefStore.open(storage.meta, storage.chunks);
        const onLog = new Set<number>();
        for (const e of refs.log(refs.requireBranch('main').head)) onLog.add(Number(e.commit.message));
        // every acknowledged commit is on the branch, with its root chunk and every payload chunk
        for (const n of acked) expect(onLog.has(n), `acknowledged commit ${n}`).toBe(true);
        for (const e of refs.log(refs.requireBranch('main').head)) {
          const root = dec.decode(await storage.chunks.get(e.commit.root)).split(' ');
          expect(Number(root[1])).toBe(Number(e.commit.message));
          for (const p of root.slice(2)) expect(storage.chunks.getSync(parseCid(p)), `payload of commit ${root[1]}`).toBeDefined();
        }
        // and no payload chunk of a commit that is not on the branch: the batch was all or nothing
        for await (const cid of storage.chunks.cids()) {
          const text = dec.decode(storage.chunks.getSync(cid)!);
          const m = /^(?:payload|root) (\d+)/.exec(text);
          if (m) expect(onLog.has(Number(m[1])), `chunk of commit ${m[1]} without its commit`).toBe(true);
        }
        await refs.close();
      } finally {
        await storage.close();
      }
    }
    expect(acked.size).toBeGreaterThan(0);
  }, 120_000);
});
