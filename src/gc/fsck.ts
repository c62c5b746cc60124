/**
 * `fsck`: walk everything reachable from every root (branch heads, tags, remote-tracking refs,
 * merge-in-progress records, and the extra roots given), read and re-hash every chunk, and
 * report the missing and corrupt ones together with the refs that reach them. Pruned commits
 * are walked for their metadata only (their data was swept on purpose).
 */
import { bytesMatchCid, cidKey, type CID } from '../hash/index.js';
import type { ChunkStore } from '../store/index.js';
import type { RefStore } from '../refs/index.js';
import { chunkLinks, scanCids } from './links.js';
import type { GcState } from './state.js';

export interface FsckProblem {
  cid: string;
  kind: 'missing' | 'corrupt';
  /** Refs (branch names, `tag <name>`, remote-tracking names, …) from which the chunk is reachable. */
  refs: string[];
}

export interface FsckReport {
  ok: boolean;
  /** Chunks read and re-hashed. */
  checked: number;
  bytes: number;
  problems: FsckProblem[];
  durationMs: number;
}

export async function fsck(refs: RefStore, chunks: ChunkStore, state: GcState | undefined, extraRoots: { label: string; cid: CID }[] = []): Promise<FsckReport> {
  const t0 = performance.now();
  const roots: { label: string; cid: CID }[] = [];
  for (const b of refs.listBranches()) {
    roots.push({ label: b.name, cid: b.head });
    const m = await refs.getMergeState(b.name);
    if (m !== undefined) for (const c of scanCids(m)) roots.push({ label: `merge in progress on ${b.name}`, cid: c });
  }
  for (const t of refs.listTags()) roots.push({ label: `tag ${t.name}`, cid: t.commit });
  for (const r of refs.listRemoteRefs()) roots.push({ label: r.name, cid: r.head });
  roots.push(...extraRoots);

  const parents = new Map<string, string[]>();
  const rootLabels = new Map<string, string[]>();
  const seen = new Set<string>();
  const problems = new Map<string, { cid: CID; kind: 'missing' | 'corrupt' }>();
  const stack: CID[] = [];
  let checked = 0;
  let bytes = 0;
  const link = (child: CID, parentKey: string): void => {
    const k = cidKey(child);
    let p = parents.get(k);
    if (!p) parents.set(k, (p = []));
    p.push(parentKey);
    if (!seen.has(k)) {
      seen.add(k);
      stack.push(child);
    }
  };
  for (const r of roots) {
    const k = cidKey(r.cid);
    let l = rootLabels.get(k);
    if (!l) rootLabels.set(k, (l = []));
    if (!l.includes(r.label)) l.push(r.label);
    if (!seen.has(k)) {
      seen.add(k);
      stack.push(r.cid);
    }
  }
  while (stack.length > 0) {
    const cid = stack.pop()!;
    const k = cidKey(cid);
    if (++checked % 2000 === 0) await new Promise((r) => setImmediate(r));
    const data = chunks.getSync(cid);
    if (data === undefined) {
      problems.set(k, { cid, kind: 'missing' });
      continue;
    }
    bytes += data.length;
    if (!bytesMatchCid(cid, data)) {
      problems.set(k, { cid, kind: 'corrupt' });
      continue;
    }
    let l;
    try {
      l = chunkLinks(cid, data);
    } catch {
      continue;
    }
    if (l.kind === 'node') for (const c of l.children) link(c, k);
    else if (l.kind === 'commit') {
      for (const p of l.parents) link(p, k);
      if (!state?.isPruned(cid)) link(l.root, k);
    } else if (l.kind === 'other') for (const c of l.links) link(c, k);
  }
  const out: FsckProblem[] = [];
  for (const [k, p] of problems) {
    const labels = new Set<string>();
    const visited = new Set<string>([k]);
    const queue = [k];
    while (queue.length > 0) {
      const x = queue.pop()!;
      for (const l of rootLabels.get(x) ?? []) labels.add(l);
      for (const y of parents.get(x) ?? []) {
        if (!visited.has(y)) {
          visited.add(y);
          queue.push(y);
        }
      }
    }
    out.push({ cid: p.cid.toString(), kind: p.kind, refs: [...labels].sort() });
  }
  return { ok: out.length === 0, checked, bytes, problems: out, durationMs: performance.now() - t0 };
}
