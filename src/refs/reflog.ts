/**
 * The in-memory index of one branch's ref log: parallel arrays of SCNs and times in SCN order
 * (times never decrease, the store clamps them), so "which entry was in force at SCN n / time t"
 * is a binary search. Entry values stay encoded until one is asked for.
 */
import type { CID } from '../hash/index.js';
import { decodeReflog, type ReflogValue } from './records.js';

/** One move of a branch head. */
export interface ReflogEntry {
  readonly branch: string;
  /** The SCN of the move (unique across the database). */
  readonly scn: number;
  /** ms since the epoch, UTC. */
  readonly time: number;
  /** `null` for the entry that created the branch. */
  readonly oldHead: CID | null;
  readonly newHead: CID;
  /** Transaction id that moved it, 0 for none. */
  readonly txn: number;
  readonly message: string;
}

/** Decoded entries kept per branch (AS OF queries tend to repeat the same few points). */
const DECODED_CACHE = 256;

/** Index of the last element ≤ x in an ascending array, or -1. */
export function lastAtOrBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export class ReflogIndex {
  readonly scns: number[] = [];
  readonly times: number[] = [];
  private readonly values: Uint8Array[] = [];
  private readonly decoded = new Map<number, ReflogEntry>();

  get length(): number {
    return this.values.length;
  }

  push(scn: number, time: number, value: Uint8Array): void {
    this.scns.push(scn);
    this.times.push(time);
    this.values.push(value);
  }

  /** Position of the entry in force at SCN `n`, or -1 when the branch did not exist yet. */
  atScn(n: number): number {
    return lastAtOrBelow(this.scns, n);
  }

  /** Position of the entry in force at time `t`, or -1 when the branch did not exist yet. */
  atTime(t: number): number {
    return lastAtOrBelow(this.times, t);
  }

  value(i: number): ReflogValue {
    const v = this.values[i];
    if (v === undefined) throw new RangeError(`ref-log position ${i} out of range`);
    return decodeReflog(v);
  }

  /** The entry at position `i` (a frozen object, shared between callers). */
  entry(branch: string, i: number): ReflogEntry {
    const hit = this.decoded.get(i);
    if (hit !== undefined && hit.branch === branch) return hit;
    const v = this.value(i);
    const e: ReflogEntry = Object.freeze({
      branch,
      scn: this.scns[i] as number,
      time: this.times[i] as number,
      oldHead: v.oldHead,
      newHead: v.newHead,
      txn: v.txn,
      message: v.message,
    });
    if (this.decoded.size >= DECODED_CACHE) this.decoded.delete(this.decoded.keys().next().value as number);
    this.decoded.set(i, e);
    return e;
  }
}
