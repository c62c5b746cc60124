/**
 * Retention policies: how far back `AS OF` can reach. A policy has an age bound
 * (`minRetentionSeconds`: every version younger than this is kept) and a count bound
 * (`maxSnapshots`: the newest this-many versions of a branch are kept). A version is kept when
 * EITHER bound keeps it; an absent bound keeps nothing by itself, and a policy with neither
 * bound keeps every version (the default: GC then only sweeps what no ref reaches at all).
 *
 * The database has one policy; a branch may override it (fields it leaves unset fall back to the
 * database's). Both are stored in the meta store (see state.ts) so they persist.
 */

export interface RetentionPolicy {
  /** Keep every version younger than this many seconds. */
  minRetentionSeconds?: number;
  /** Keep the newest this-many versions of each branch (at least 1). */
  maxSnapshots?: number;
  /** Run GC automatically when the store has grown (database policy only). */
  autoGcEnabled?: boolean;
}

/** Throws `TypeError` unless `p` is a well-formed policy. */
export function checkPolicy(p: RetentionPolicy): RetentionPolicy {
  if (p === null || typeof p !== 'object') throw new TypeError('A retention policy must be an object');
  const out: RetentionPolicy = {};
  if (p.minRetentionSeconds !== undefined) {
    const v = p.minRetentionSeconds;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError('minRetentionSeconds must be a non-negative number');
    out.minRetentionSeconds = v;
  }
  if (p.maxSnapshots !== undefined) {
    const v = p.maxSnapshots;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new TypeError('maxSnapshots must be a positive integer');
    out.maxSnapshots = v;
  }
  if (p.autoGcEnabled !== undefined) {
    if (typeof p.autoGcEnabled !== 'boolean') throw new TypeError('autoGcEnabled must be a boolean');
    out.autoGcEnabled = p.autoGcEnabled;
  }
  return out;
}

/** `branch` over `base`: the branch's fields win. */
export function mergePolicy(base: RetentionPolicy, branch: RetentionPolicy | undefined): RetentionPolicy {
  return branch ? { ...base, ...branch } : { ...base };
}

/** `maxSnapshots` that keeps every version (a branch override can say "keep all" this way). */
export const KEEP_ALL_SNAPSHOTS = Number.MAX_SAFE_INTEGER;

/** True when the policy keeps every version. */
export function keepsEverything(p: RetentionPolicy): boolean {
  return p.maxSnapshots === KEEP_ALL_SNAPSHOTS || (p.minRetentionSeconds === undefined && p.maxSnapshots === undefined);
}

/** Human text, e.g. `min_retention_seconds=3600, max_snapshots=100`. */
export function describePolicy(p: RetentionPolicy): string {
  if (keepsEverything(p)) return 'keep everything';
  const parts: string[] = [];
  if (p.minRetentionSeconds !== undefined) parts.push(`min_retention_seconds=${p.minRetentionSeconds}`);
  if (p.maxSnapshots !== undefined) parts.push(`max_snapshots=${p.maxSnapshots}`);
  return parts.length === 0 ? 'keep everything' : parts.join(', ');
}

export function encodePolicy(p: RetentionPolicy): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(checkPolicy(p)));
}

export function decodePolicy(bytes: Uint8Array): RetentionPolicy {
  try {
    return checkPolicy(JSON.parse(new TextDecoder().decode(bytes)) as RetentionPolicy);
  } catch {
    return {};
  }
}
