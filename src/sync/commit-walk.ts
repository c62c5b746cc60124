/**
 * Reading ahead along the commit graph. A linear history of N commits walked one has-check and
 * one read at a time costs 2N round trips — an edge node that commits every reading and syncs
 * hourly would spend its sync window on latency. `walkCommits` reads a wave of commits
 * breadth-first from a source in one go (locally, or on the server through `/walk`), so the
 * transfer asks the destination about a whole wave in one request.
 */
import { cidKey, type CID } from '../hash/index.js';
import type { Chunk } from '../store/index.js';
import { tryDecodeCommit } from './links.js';
import type { ChunkSink, ChunkSource } from './transport.js';

/** The most commits one walk returns. */
export const MAX_WALK = 4096;

/**
 * The chunks of `heads` and of their ancestor commits, breadth-first, at most `limit`; the walk
 * goes no further than a CID whose `cidKey` is in `stop` (which is not returned) and does not follow non-commit
 * heads, nor past a chunk the source lacks (when it has `hasMany`). Parents of returned
 * commits that are neither returned nor in `stop` are where the next walk starts.
 */
export async function walkCommits(source: ChunkSource, heads: readonly CID[], stop: { has(key: string): boolean }, limit: number): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  const seen = new Set<string>();
  let level: CID[] = [];
  const add = (c: CID, into: CID[]): void => {
    const k = cidKey(c);
    if (stop.has(k) || seen.has(k)) return;
    seen.add(k);
    into.push(c);
  };
  for (const h of heads) add(h, level);
  while (level.length > 0 && chunks.length < limit) {
    let take = level.slice(0, limit - chunks.length);
    const rest = level.slice(take.length);
    // A source may lack ancestors (a thin bundle holds only what its receiver lacks): where it
    // can tell cheaply, the walk ends there instead of failing.
    const sink = source as Partial<ChunkSink>;
    if (typeof sink.hasMany === 'function') {
      const present = await sink.hasMany(take);
      take = take.filter((_, i) => present[i]);
    }
    const got = await source.getMany(take);
    const next: CID[] = [];
    for (let i = 0; i < take.length; i++) {
      const bytes = got[i] as Uint8Array;
      chunks.push({ cid: take[i] as CID, bytes });
      const commit = tryDecodeCommit(bytes);
      if (commit) for (const p of commit.parents) add(p, next);
    }
    level = rest.length > 0 ? [...rest, ...next] : next;
  }
  return chunks;
}
