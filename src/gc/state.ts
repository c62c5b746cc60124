/**
 * `GcState`: what GC has decided and must persist — the database's retention policy, the
 * per-branch overrides, the set of pruned commits (commit objects kept, the data only they
 * reached swept) and, per branch, the oldest version still kept — all in the meta store:
 *
 *   gc:policy                  database policy (JSON)
 *   gc:policy:branch:<name>    a branch's override (JSON)
 *   gc:pruned:<commit cid>     one pruned commit; value = the branch whose policy pruned it
 *   gc:oldest:<branch>         {commit, timestamp} of the oldest version kept on the branch
 *
 * Pruned markers are written (synced) BEFORE any chunk is deleted, so after a crash a version
 * is either fully readable or reported pruned, never half-swept and silently readable.
 */
import { cidKey, parseCid, type CID } from '../hash/index.js';
import type { MetaOp, MetaStore } from '../store/index.js';
import { VersionPrunedError } from '../errors/index.js';
import { checkPolicy, decodePolicy, describePolicy, encodePolicy, mergePolicy, type RetentionPolicy } from './policy.js';

export const K_POLICY = 'gc:policy';
export const P_BRANCH_POLICY = 'gc:policy:branch:';
export const P_PRUNED = 'gc:pruned:';
export const P_OLDEST = 'gc:oldest:';

export interface OldestKept {
  commit: string;
  timestamp: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export class GcState {
  private policy: RetentionPolicy = {};
  private readonly branchPolicies = new Map<string, RetentionPolicy>();
  /** cidKey → branch whose policy pruned it. */
  private readonly pruned = new Map<string, string>();
  private readonly oldest = new Map<string, OldestKept>();

  private constructor(private readonly meta: MetaStore) {}

  static async load(meta: MetaStore): Promise<GcState> {
    const s = new GcState(meta);
    const p = await meta.get(K_POLICY);
    if (p !== undefined) s.policy = decodePolicy(p);
    for await (const [k, v] of meta.entries(P_BRANCH_POLICY)) s.branchPolicies.set(k.slice(P_BRANCH_POLICY.length), decodePolicy(v));
    for await (const [k, v] of meta.entries(P_PRUNED)) {
      try {
        s.pruned.set(cidKey(parseCid(k.slice(P_PRUNED.length))), dec.decode(v));
      } catch {
        // a malformed marker names no commit
      }
    }
    for await (const [k, v] of meta.entries(P_OLDEST)) {
      try {
        s.oldest.set(k.slice(P_OLDEST.length), JSON.parse(dec.decode(v)) as OldestKept);
      } catch {
        // ignore a malformed record
      }
    }
    return s;
  }

  /** The database policy. */
  get databasePolicy(): RetentionPolicy {
    return { ...this.policy };
  }

  /** A branch's own override (undefined when it has none). */
  branchOverride(branch: string): RetentionPolicy | undefined {
    const p = this.branchPolicies.get(branch);
    return p ? { ...p } : undefined;
  }

  /** The policy in force on a branch. */
  policyFor(branch: string): RetentionPolicy {
    return mergePolicy(this.policy, this.branchPolicies.get(branch));
  }

  /** Replace the database policy (persisted, synced). */
  async setDatabasePolicy(p: RetentionPolicy): Promise<void> {
    const checked = checkPolicy(p);
    await this.meta.batch([{ type: 'put', key: K_POLICY, value: encodePolicy(checked) }], { sync: true });
    this.policy = checked;
  }

  /** Set (or with `null`, remove) a branch's override (persisted, synced). */
  async setBranchPolicy(branch: string, p: RetentionPolicy | null): Promise<void> {
    if (typeof branch !== 'string' || branch === '') throw new TypeError('Expected a branch name');
    if (p === null) {
      await this.meta.batch([{ type: 'del', key: P_BRANCH_POLICY + branch }], { sync: true });
      this.branchPolicies.delete(branch);
      return;
    }
    const checked = checkPolicy(p);
    await this.meta.batch([{ type: 'put', key: P_BRANCH_POLICY + branch, value: encodePolicy(checked) }], { sync: true });
    this.branchPolicies.set(branch, checked);
  }

  /** Number of pruned commits. */
  get prunedCount(): number {
    return this.pruned.size;
  }

  isPruned(commit: CID): boolean {
    return this.pruned.size !== 0 && this.pruned.has(cidKey(commit));
  }

  /** `isPruned` by `cidKey`. */
  isPrunedKey(key: string): boolean {
    return this.pruned.has(key);
  }

  oldestKept(branch: string): OldestKept | undefined {
    return this.oldest.get(branch);
  }

  /** The typed error for reading a pruned commit. */
  prunedError(commit: CID, timestamp?: number, asked?: string): VersionPrunedError {
    const branch = this.pruned.get(cidKey(commit)) ?? '';
    const o = this.oldest.get(branch) ?? [...this.oldest.values()][0];
    const policy = `${branch ? `branch ${branch}: ` : ''}${describePolicy(this.policyFor(branch))}`;
    const what = asked ?? `Version ${commit.toString()}${timestamp !== undefined ? ` (${iso(timestamp)})` : ''}`;
    const oldest = o ? `${o.commit} (${iso(o.timestamp)})` : 'unknown';
    return new VersionPrunedError(what, policy, oldest);
  }

  /** Throw `VersionPrunedError` when `commit` was pruned. */
  check(commit: CID, timestamp?: number): void {
    if (this.isPruned(commit)) throw this.prunedError(commit, timestamp);
  }

  /**
   * Record newly pruned commits and the oldest version kept per branch in one synced batch
   * (before anything is deleted), then in memory.
   */
  async recordPruned(pruned: ReadonlyMap<string, { cid: CID; branch: string }>, oldest: ReadonlyMap<string, OldestKept>): Promise<void> {
    const ops: MetaOp[] = [];
    for (const { cid, branch } of pruned.values()) ops.push({ type: 'put', key: P_PRUNED + cid.toString(), value: enc.encode(branch) });
    for (const [b, o] of oldest) ops.push({ type: 'put', key: P_OLDEST + b, value: enc.encode(JSON.stringify(o)) });
    if (ops.length === 0) return;
    for (let i = 0; i < ops.length; i += 10_000) await this.meta.batch(ops.slice(i, i + 10_000), { sync: true });
    for (const [k, { branch }] of pruned) this.pruned.set(k, branch);
    for (const [b, o] of oldest) this.oldest.set(b, o);
  }
}
