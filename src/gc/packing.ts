/**
 * `packHistory`: after a sweep, find chunks that replaced one another between a kept commit
 * and its first parent (the same position in both versions' trees, different CIDs) and ask
 * the chunk store to store each older chunk as a delta against its newer version (packs in
 * src/store). Heads stay raw; each step back in history adds one link to a chain the store
 * bounds. Pairing is a heuristic: a poor pair only compresses worse, reads are always exact.
 */
import { cidKey, type CID } from '../hash/index.js';
import { isPackingStore, type ChunkStore, type PackRequest, type PackResult } from '../store/index.js';
import type { RefStore } from '../refs/index.js';
import { chunkLinks, type ChunkLinks } from './links.js';

const BATCH = 1000;

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function linksOf(chunks: ChunkStore, cid: CID): ChunkLinks | undefined {
  const b = chunks.getSync(cid);
  if (b === undefined) return undefined;
  try {
    return chunkLinks(cid, b);
  } catch {
    return undefined;
  }
}

/** Pack the history reachable from the refs (no-op when the store cannot pack). */
export async function packHistory(
  host: { refs: RefStore; chunks: ChunkStore },
  keepData: (commitKey: string) => boolean,
): Promise<PackResult | undefined> {
  const chunks = host.chunks;
  if (!isPackingStore(chunks)) return undefined;
  const total: PackResult = { packed: 0, compressed: 0, skipped: 0, bytesBefore: 0, bytesAfter: 0 };
  const requested = new Set<string>();
  let batch: PackRequest[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const r = await chunks.packChunks(batch);
    batch = [];
    total.packed += r.packed;
    total.compressed += r.compressed;
    total.skipped += r.skipped;
    total.bytesBefore += r.bytesBefore;
    total.bytesAfter += r.bytesAfter;
    await tick();
  };
  // Pair the trees of `n` (newer) and `o` (older) top-down.
  const pair = async (n: CID, o: CID): Promise<void> => {
    const stack: [CID, CID, boolean][] = [[n, o, true]];
    while (stack.length > 0) {
      const [nc, oc, read] = stack.pop()!;
      if (nc.equals(oc)) continue;
      const ok = cidKey(oc);
      if (requested.has(ok)) continue;
      requested.add(ok);
      // packed by an earlier GC, its subtree paired then: do not walk it again
      if (chunks.isPackedSync(oc)) continue;
      batch.push({ target: oc, base: nc });
      if (batch.length >= BATCH) await flush();
      if (!read) continue;
      const nl = linksOf(chunks, nc);
      const ol = linksOf(chunks, oc);
      if (nl === undefined || ol === undefined) continue;
      if (nl.kind === 'node' && ol.kind === 'node' && nl.level === ol.level) {
        const m = Math.min(nl.children.length, ol.children.length);
        for (let i = m - 1; i >= 0; i--) stack.push([nl.children[i]!, ol.children[i]!, nl.level > 1]);
      } else if (nl.kind === 'other' && ol.kind === 'other' && nl.links.length === ol.links.length) {
        for (let i = nl.links.length - 1; i >= 0; i--) stack.push([nl.links[i]!, ol.links[i]!, true]);
      }
    }
  };
  // Commits newest first along first parents, from every head.
  const seen = new Set<string>();
  for (const head of host.refs.refRoots()) {
    const todo: CID[] = [head];
    while (todo.length > 0) {
      let c: CID | undefined = todo.pop()!;
      while (c !== undefined && !seen.has(cidKey(c))) {
        seen.add(cidKey(c));
        const cl = linksOf(chunks, c);
        if (cl === undefined || cl.kind !== 'commit') break;
        const parent: CID | undefined = cl.parents[0];
        for (let i = cl.parents.length - 1; i >= 1; i--) todo.push(cl.parents[i]!);
        if (parent !== undefined && keepData(cidKey(c)) && keepData(cidKey(parent))) {
          const pl = linksOf(chunks, parent);
          if (pl !== undefined && pl.kind === 'commit') await pair(cl.root, pl.root);
        }
        c = parent;
      }
    }
  }
  await flush();
  return total;
}
