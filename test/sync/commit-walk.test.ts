/**
 * Long linear histories sync in few round trips: the commit graph is read in waves (on the
 * server through `/walk` for a fetch, locally for a push) and the other side is asked about a
 * whole wave at once — not one has-check and one read per commit. Older servers without
 * `/walk` still work.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, Server } from 'node:http';
import { clone } from '../../src/index.js';
import { cidKey, cidOf, type CID } from '../../src/hash/index.js';
import { MemoryChunkStore } from '../../src/store/index.js';
import * as dagCbor from '@ipld/dag-cbor';
import { transfer } from '../../src/sync/index.js';
import { walkCommits } from '../../src/sync/commit-walk.js';
import { encodeCommit } from '../../src/objects/index.js';
import { TempDirs, headOf, seeded, snapshot } from './helpers.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

function countRequests(server: Server): { paths: string[] } {
  const seen = { paths: [] as string[] };
  server.on('request', (req: IncomingMessage) => seen.paths.push((req.url ?? '').split('?')[0] ?? ''));
  return seen;
}

describe('commit walk in waves', () => {
  it('push and fetch of 400 one-row commits take a handful of requests', async () => {
    const hub = await seeded(dirs.make(), 20, 'hub');
    const srv = await hub.serve();
    const node = await clone(srv.url, dirs.make());
    for (let i = 1; i <= 400; i++) await node.run('INSERT INTO t VALUES (?, ?)', [1000 + i, `n${i}`]);

    const pushed = countRequests(srv.server);
    const p = await node.push('origin', 'main');
    expect(p.chunks).toBeGreaterThan(400);
    expect(await snapshot(hub)).toBe(await snapshot(node));
    // refs + a few walk waves (64, 128, 256 …) with their has-checks + puts + ref + done
    expect(pushed.paths.length).toBeLessThan(40);
    expect(pushed.paths.filter((x) => x === '/has').length).toBeLessThan(20);

    for (let i = 1; i <= 400; i++) await hub.run('UPDATE t SET v = ? WHERE id = ?', [`hub${i}`, 1 + (i % 20)]);
    const fetched = countRequests(srv.server);
    const f = await node.fetch('origin');
    expect(f.chunks).toBeGreaterThan(400);
    expect(fetched.paths.filter((x) => x === '/walk').length).toBeLessThan(10);
    expect(fetched.paths.length).toBeLessThan(40);
    expect((await node.resolve('origin/main')).id).toBe(await headOf(hub));
    await node.close();
    await srv.close();
    await hub.close();
  });

  it('a server without /walk: the client walks with /get and still gets everything', async () => {
    const hub = await seeded(dirs.make(), 20, 'hub');
    const srv = await hub.serve();
    srv.server.prependListener('request', (req: IncomingMessage) => {
      if (req.url === '/walk') req.url = '/no-such-endpoint';
    });
    const node = await clone(srv.url, dirs.make());
    for (let i = 1; i <= 50; i++) await hub.run('INSERT INTO t VALUES (?, ?)', [500 + i, `h${i}`]);
    const f = await node.fetch('origin');
    expect(f.chunks).toBeGreaterThan(50);
    expect((await node.resolve('origin/main')).id).toBe(await headOf(hub));
    await node.close();
    await srv.close();
    await hub.close();
  });

  it('walkCommits: breadth-first, bounded, stops at stop ids and at chunks the source lacks', async () => {
    const store = new MemoryChunkStore();
    const chain: CID[] = [];
    const rootBytes = dagCbor.encode({ table: 'none' });
    const root = cidOf(rootBytes);
    await store.putMany([{ cid: root, bytes: rootBytes }]);
    for (let i = 0; i < 10; i++) {
      const bytes = encodeCommit({ root, parents: i === 0 ? [] : [chain[i - 1]!], author: 'a', message: `c${i}`, timestamp: i, transaction: i, scn: i, generation: i + 1 });
      const cid = cidOf(bytes);
      chain.push(cid);
      if (i >= 3) await store.putMany([{ cid, bytes }]);
    }
    const all = await walkCommits(store, [chain[9]!], new Set(), 100);
    // c9 … c3: c2 is missing from the store, so the walk ends there.
    expect(all.map((c) => c.cid.toString())).toEqual(chain.slice(3).reverse().map(String));
    const cut = await walkCommits(store, [chain[9]!], new Set(), 4);
    expect(cut.map((c) => c.cid.toString())).toEqual([9, 8, 7, 6].map((i) => chain[i]!.toString()));
    const stopped = await walkCommits(store, [chain[9]!], new Set([cidKey(chain[6]!)]), 100);
    expect(stopped.map((c) => c.cid.toString())).toEqual([9, 8, 7].map((i) => chain[i]!.toString()));
    // A transfer from it into a store holding c2 (and so c0 … c2) needs nothing the source lacks.
    const dest = new MemoryChunkStore();
    const res = await transfer({ source: store, dest, heads: [chain[9]!], haves: [chain[2]!] });
    expect(res.commits.map(String)).toEqual(chain.slice(3).map(String));
  });
});
