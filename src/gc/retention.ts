/**
 * Which commits keep their data: walks the history of every branch (its own policy), tag and
 * remote-tracking ref (the database policy) and decides, per commit, kept or pruned.
 *
 * On a branch, a commit is kept when it is the head, among the newest `maxSnapshots` commits of
 * its history (log order), younger than `minRetentionSeconds` (commit time), or the state the
 * branch showed at some time within the window (its ref log: every head since the cutoff and the
 * one in force at the cutoff, so `AS OF TIMESTAMP` inside the window always works). A commit kept
 * by any ref is kept. Tags and remote-tracking refs pin their own commit.
 *
 * Commits reachable only through a branch's ref log (the old head after a reset, an abandoned
 * line of history) are judged too: kept when the policy keeps everything, when the ref log keeps
 * them (as above) or when younger than `minRetentionSeconds`; otherwise pruned, so `AS OF` them
 * fails with VERSION_PRUNED rather than a missing chunk. Every ref-log head is returned in
 * `logHeads`: marking starts from them too (commit objects always stay, data per the verdict).
 */
import { cidKey, type CID } from '../hash/index.js';
import type { RefStore } from '../refs/index.js';
import { keepsEverything, type RetentionPolicy } from './policy.js';
import type { GcState, OldestKept } from './state.js';

export interface RetentionResult {
  /** cidKey → commit whose data is kept. */
  kept: Map<string, CID>;
  /** cidKey → commit pruned by this run (not pruned before). */
  pruneNow: Map<string, { cid: CID; branch: string }>;
  /** Oldest kept version per branch. */
  oldest: Map<string, OldestKept>;
  /** Commits walked. */
  walked: number;
  /** Every head a branch's ref log names (old and new), readable: marking roots. */
  logHeads: CID[];
}

interface Head {
  label: string;
  head: CID;
  policy: RetentionPolicy;
  branch?: string;
}

/** Decide kept and pruned commits at time `now` (ms). Yields to the event loop every few thousand commits. */
export async function computeRetention(refs: RefStore, state: GcState, now: number, pinned: readonly CID[] = []): Promise<RetentionResult> {
  const kept = new Map<string, CID>();
  for (const c of pinned) kept.set(cidKey(c), c);
  const judged = new Map<string, { cid: CID; branch: string }>();
  const oldest = new Map<string, OldestKept>();
  const heads: Head[] = [];
  for (const b of refs.listBranches()) heads.push({ label: b.name, head: b.head, policy: state.policyFor(b.name), branch: b.name });
  const dbPolicy = state.databasePolicy;
  for (const t of refs.listTags()) heads.push({ label: `tag ${t.name}`, head: t.commit, policy: dbPolicy });
  for (const r of refs.listRemoteRefs()) heads.push({ label: r.name, head: r.head, policy: dbPolicy });
  let walked = 0;
  /** Every commit a ref's history walk met (its ancestors were walked with it). */
  const seen = new Set<string>();
  /** Per branch: its policy and the heads its ref log names. */
  const logs: { branch: string; policy: RetentionPolicy; heads: CID[] }[] = [];
  for (const h of heads) {
    const p = h.policy;
    const all = keepsEverything(p);
    const cutoff = p.minRetentionSeconds !== undefined ? now - p.minRetentionSeconds * 1000 : Infinity;
    const max = p.maxSnapshots ?? 0;
    const keep = (cid: CID): void => {
      if (!state.isPruned(cid)) kept.set(cidKey(cid), cid); // a pruned version's data is gone
    };
    keep(h.head);
    if (h.branch !== undefined) {
      const log = await refs.reflog(h.branch);
      const logHeads: CID[] = [];
      for (const e of log) {
        logHeads.push(e.newHead);
        if (e.oldHead !== null) logHeads.push(e.oldHead);
      }
      logs.push({ branch: h.branch, policy: p, heads: logHeads });
      let before = false;
      for (let i = 0; i < log.length && !all; i++) {
        const e = log[i]!;
        if (i < max || e.time >= cutoff) keep(e.newHead);
        else if (!before && p.minRetentionSeconds !== undefined) {
          keep(e.newHead);
          before = true;
        }
      }
    }
    let rank = 0;
    let oldestHere: OldestKept | undefined;
    for (const e of refs.log(h.head)) {
      walked++;
      if ((walked & 4095) === 0) await new Promise((r) => setImmediate(r));
      const k = cidKey(e.cid);
      seen.add(k);
      if (state.isPruned(e.cid)) {
        rank++;
        continue;
      }
      const isKept = all || rank === 0 || rank < max || e.commit.timestamp >= cutoff || kept.has(k);
      rank++;
      if (isKept) {
        kept.set(k, e.cid);
        if (oldestHere === undefined || e.commit.timestamp <= oldestHere.timestamp) oldestHere = { commit: e.cid.toString(), timestamp: e.commit.timestamp };
      } else if (!judged.has(k)) judged.set(k, { cid: e.cid, branch: h.branch ?? h.label });
    }
    if (h.branch !== undefined && oldestHere !== undefined) oldest.set(h.branch, oldestHere);
  }
  // History reachable only through ref logs: walk it once (stopping at what a ref's walk met).
  const logHeads: CID[] = [];
  for (const l of logs) {
    const p = l.policy;
    const all = keepsEverything(p);
    const cutoff = p.minRetentionSeconds !== undefined ? now - p.minRetentionSeconds * 1000 : Infinity;
    const stack: CID[] = [];
    for (const c of l.heads) {
      const k = cidKey(c);
      if (!refs.hasCommit(c)) continue; // swept by an older GC: nothing to mark or judge
      logHeads.push(c);
      if (!seen.has(k)) stack.push(c);
    }
    while (stack.length > 0) {
      const cid = stack.pop()!;
      const k = cidKey(cid);
      if (seen.has(k)) continue;
      seen.add(k);
      if (++walked % 4096 === 0) await new Promise((r) => setImmediate(r));
      let commit;
      try {
        commit = refs.readCommit(cid);
      } catch {
        continue;
      }
      for (const parent of commit.parents) if (!seen.has(cidKey(parent))) stack.push(parent);
      if (state.isPruned(cid) || kept.has(k)) continue;
      if (all || commit.timestamp >= cutoff) kept.set(k, cid);
      else if (!judged.has(k)) judged.set(k, { cid, branch: l.branch });
    }
  }
  const pruneNow = new Map<string, { cid: CID; branch: string }>();
  for (const [k, v] of judged) if (!kept.has(k)) pruneNow.set(k, v);
  return { kept, pruneNow, oldest, walked, logHeads };
}
