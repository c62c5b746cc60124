/**
 * The key scheme of the refs layer in the database's `MetaStore`.
 *
 * Refs live in the database's `MetaStore` (src/store). They rely on: `batch` is atomic (all or
 * nothing after a crash) and, with `{sync: true}`, durable when its promise resolves;
 * `entries(prefix)` yields keys in ascending byte order; `getSync` when present.
 *
 * Keys (all under `refs:`; `:` cannot occur in a ref name, so no prefix of one namespace
 * matches another name's keys):
 *
 *   refs:counters                 {scn, txn, branchId}: the database-wide counters
 *   refs:default                  the default branch name (UTF-8)
 *   refs:branch:<name>            branch record (head, created from/at, read-only, description, …)
 *   refs:tag:<name>               tag record (commit, message, author, created at)
 *   refs:remote:<remote>/<branch> remote-tracking ref record (head, updated at)
 *   refs:merge:<branch>           merge in progress: opaque bytes owned by the merge layer
 *   refs:reflog:<id>:<scn>:<time> one ref-log entry; <id> = the branch's id (10 digits, stable
 *                                 across renames), <scn> = 16 digits (so a prefix scan is in SCN
 *                                 order), <time> = ms since the epoch (15 digits), so loading the
 *                                 index for binary search decodes no values
 *   refs:txn:<txn>                transaction id (16 digits) → SCN of the move it made
 *   refs:commit:<cid>             index of known commit CIDs (base32 text), for prefix lookups
 */

export const K_COUNTERS = 'refs:counters';
export const K_DEFAULT = 'refs:default';
export const P_BRANCH = 'refs:branch:';
export const P_TAG = 'refs:tag:';
export const P_REMOTE = 'refs:remote:';
export const P_MERGE = 'refs:merge:';
export const P_REFLOG = 'refs:reflog:';
export const P_TXN = 'refs:txn:';
export const P_COMMIT = 'refs:commit:';

import type { CID } from '../hash/index.js';

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The text form of a CID as `cid.toString()` gives it (base32 multibase, `b…`, for CID v1),
 * computed directly: multiformats' generic base encoder costs ~10 µs, this ~1 µs, and the
 * commit-index key is written on every commit.
 */
export function cidText(cid: CID): string {
  if (cid.version !== 1) return cid.toString();
  const bytes = cid.bytes;
  const out: number[] = [0x62]; // 'b'
  let bits = 0;
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    value = ((value << 8) | (bytes[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push(B32.charCodeAt((value >>> bits) & 31));
    }
  }
  if (bits > 0) out.push(B32.charCodeAt((value << (5 - bits)) & 31));
  return String.fromCharCode.apply(null, out);
}

/** The commit-index key of a commit. */
export function commitKey(cid: CID): string {
  return P_COMMIT + cidText(cid);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Prefix of every ref-log key of the branch with this id. */
export function reflogPrefix(branchId: number): string {
  return `${P_REFLOG}${pad(branchId, 10)}:`;
}

export function reflogKey(branchId: number, scn: number, time: number): string {
  return `${reflogPrefix(branchId)}${pad(scn, 16)}:${pad(time, 15)}`;
}

/** The SCN and time encoded at the end of a ref-log key. */
export function parseReflogKey(key: string): { scn: number; time: number } {
  const n = key.length;
  return { scn: Number(key.slice(n - 32, n - 16)), time: Number(key.slice(n - 15)) };
}

export function txnKey(txn: number): string {
  return `${P_TXN}${pad(txn, 16)}`;
}
