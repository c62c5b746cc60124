/**
 * The editor's pending edits: a map from key to its latest edit, plus the keys in order, kept
 * in a two-level bucket list (sorted buckets of at most 512 latin1 key strings; JavaScript
 * compares latin1 strings in byte order natively). New keys first go to an unsorted tail and
 * are sorted in only when an ordered read needs them: one by one (O(log n + bucket size)
 * each) when the tail is small, by one sort and merge when it is large — so a burst of puts
 * costs a map insert each, and interleaved puts and range reads stay O(log n) per key.
 * Exact lookup is O(1); ordered range iteration O(log n + k) in both directions. Keys are
 * never removed: a delete is a pending edit too (a tombstone).
 *
 * Keys above every key seen so far (bulk loads, ascending ids) skip the map: they are appended
 * to a sorted `run` of edits, found by binary search over the bytes — no key string, no hash.
 * The run is spilled into the map only when an ordered read must merge it with other keys.
 */
import { compareBytes, latin1 } from './bytes.js';

/** One pending edit. `inBase`: -1 unknown, 0 absent from the base tree, 1 present. */
export interface OverlayEdit {
  key: Uint8Array;
  value: Uint8Array | null;
  inBase: number;
}

const MAX_BUCKET = 512;

export class Overlay {
  private readonly map = new Map<string, OverlayEdit>();
  /** Edits in strictly ascending key order, disjoint from the map. */
  private run: OverlayEdit[] = [];
  /** The greatest key added so far (run or map), or undefined. */
  private maxKey: Uint8Array | undefined = undefined;
  private buckets: string[][] = [];
  /** Keys in the buckets. */
  private sorted = 0;
  /** New keys not yet in the buckets. */
  private tail: string[] = [];

  get size(): number {
    return this.map.size + this.run.length;
  }

  /** The pending edit of `key`, if any. */
  find(key: Uint8Array): OverlayEdit | undefined {
    const max = this.maxKey;
    if (max === undefined || compareBytes(key, max) > 0) return undefined;
    const run = this.run;
    if (run.length > 0 && compareBytes(key, run[0]!.key) >= 0) {
      let lo = 0;
      let hi = run.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const c = compareBytes(run[mid]!.key, key);
        if (c === 0) return run[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    if (this.map.size === 0) return undefined;
    const skey = latin1(key);
    this.lastKey = key;
    this.lastSkey = skey;
    return this.map.get(skey);
  }

  /** The key `find` last converted to a string, and that string (reused by `add`). */
  private lastKey: Uint8Array | undefined = undefined;
  private lastSkey = '';

  /** Add the edit of a new key (one `find` does not know). */
  add(edit: OverlayEdit): void {
    const max = this.maxKey;
    if (max === undefined || compareBytes(edit.key, max) > 0) {
      this.maxKey = edit.key;
      this.run.push(edit);
      return;
    }
    const skey = edit.key === this.lastKey ? this.lastSkey : latin1(edit.key);
    this.map.set(skey, edit);
    this.tail.push(skey);
  }

  /** Move the run into the map and the tail (before an ordered read that needs both). */
  private spill(): void {
    const run = this.run;
    if (run.length === 0) return;
    this.run = [];
    for (const e of run) {
      const skey = latin1(e.key);
      this.map.set(skey, e);
      this.tail.push(skey);
    }
  }

  /** All edits in key order, as one array the caller may keep (do not modify it). */
  sortedEdits(): OverlayEdit[] {
    let out: OverlayEdit[];
    if (this.map.size === 0) out = this.run;
    else {
      this.spill();
      this.settle();
      out = [];
      for (const b of this.buckets) for (const s of b) out.push(this.map.get(s)!);
    }
    return out;
  }

  /** Move the tail into the buckets. */
  private settle(): void {
    const tail = this.tail;
    if (tail.length === 0) return;
    this.tail = [];
    if (tail.length * 8 < this.sorted) {
      for (const s of tail) this.insert(s);
      return;
    }
    tail.sort();
    const merged: string[] = new Array<string>(this.sorted + tail.length);
    let m = 0;
    let t = 0;
    for (const b of this.buckets) {
      for (const s of b) {
        while (t < tail.length && tail[t]! < s) merged[m++] = tail[t++]!;
        merged[m++] = s;
      }
    }
    while (t < tail.length) merged[m++] = tail[t++]!;
    const half = MAX_BUCKET >>> 1;
    const buckets: string[][] = [];
    for (let i = 0; i < merged.length; i += half) buckets.push(merged.slice(i, i + half));
    this.buckets = buckets;
    this.sorted = merged.length;
  }

  /** Insert one key into the buckets. */
  private insert(skey: string): void {
    this.sorted++;
    const buckets = this.buckets;
    if (buckets.length === 0) {
      buckets.push([skey]);
      return;
    }
    // first bucket whose last key ≥ skey, else the last bucket
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = buckets[mid]!;
      if (b[b.length - 1]! < skey) lo = mid + 1;
      else hi = mid;
    }
    const bucket = buckets[lo]!;
    let a = 0;
    let z = bucket.length;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (bucket[mid]! < skey) a = mid + 1;
      else z = mid;
    }
    if (a === bucket.length) bucket.push(skey);
    else bucket.splice(a, 0, skey);
    if (bucket.length > MAX_BUCKET) {
      const right = bucket.splice(MAX_BUCKET >>> 1);
      buckets.splice(lo + 1, 0, right);
    }
  }

  clear(): void {
    this.map.clear();
    this.run = [];
    this.maxKey = undefined;
    this.lastKey = undefined;
    this.buckets = [];
    this.sorted = 0;
    this.tail = [];
  }

  /** All edits in key order. */
  *all(): Generator<OverlayEdit, void, undefined> {
    if (this.map.size === 0) {
      yield* this.run;
      return;
    }
    this.spill();
    this.settle();
    for (const b of this.buckets) for (const s of b) yield this.map.get(s)!;
  }

  /** Position of the first key ≥ s (> s when `strict`): [bucket, index]. */
  private locate(s: string, strict: boolean): [number, number] {
    const buckets = this.buckets;
    let lo = 0;
    let hi = buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = buckets[mid]!;
      const last = b[b.length - 1]!;
      if (last < s || (strict && last === s)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === buckets.length) return [lo, 0];
    const bucket = buckets[lo]!;
    let a = 0;
    let z = bucket.length;
    while (a < z) {
      const mid = (a + z) >>> 1;
      const v = bucket[mid]!;
      if (v < s || (strict && v === s)) a = mid + 1;
      else z = mid;
    }
    return [lo, a];
  }

  /** Edits whose keys lie within the bounds, ascending or descending. */
  *range(
    start: Uint8Array | undefined,
    startExclusive: boolean,
    end: Uint8Array | undefined,
    endInclusive: boolean,
    reverse: boolean,
  ): Generator<OverlayEdit, void, undefined> {
    if (this.map.size === 0) {
      yield* this.runRange(start, startExclusive, end, endInclusive, reverse);
      return;
    }
    this.spill();
    this.settle();
    const buckets = this.buckets;
    if (buckets.length === 0) return;
    const lo = start === undefined ? undefined : latin1(start);
    const hi = end === undefined ? undefined : latin1(end);
    if (!reverse) {
      let [bi, i] = lo === undefined ? [0, 0] : this.locate(lo, startExclusive);
      for (; bi < buckets.length; bi++, i = 0) {
        const b = buckets[bi]!;
        for (; i < b.length; i++) {
          const s = b[i]!;
          if (hi !== undefined && (s > hi || (s === hi && !endInclusive))) return;
          yield this.map.get(s)!;
        }
      }
      return;
    }
    let bi: number;
    let i: number;
    if (hi === undefined) {
      bi = buckets.length - 1;
      i = buckets[bi]!.length - 1;
    } else {
      // first key past the range, then one step back
      [bi, i] = this.locate(hi, endInclusive);
      i--;
      if (i < 0) {
        bi--;
        if (bi < 0) return;
        i = buckets[bi]!.length - 1;
      } else if (bi === buckets.length) {
        bi--;
        i = buckets[bi]!.length - 1;
      }
    }
    for (; bi >= 0; bi--) {
      const b = buckets[bi]!;
      if (i < 0) i = b.length - 1;
      for (; i >= 0; i--) {
        const s = b[i]!;
        if (lo !== undefined && (s < lo || (s === lo && startExclusive))) return;
        yield this.map.get(s)!;
      }
    }
  }

  /** First run index whose key is ≥ `key` (> when `strict`). */
  private runIndex(key: Uint8Array, strict: boolean): number {
    const run = this.run;
    let lo = 0;
    let hi = run.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareBytes(run[mid]!.key, key);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `range` when every edit is in the run. */
  private *runRange(
    start: Uint8Array | undefined,
    startExclusive: boolean,
    end: Uint8Array | undefined,
    endInclusive: boolean,
    reverse: boolean,
  ): Generator<OverlayEdit, void, undefined> {
    const run = this.run;
    const from = start === undefined ? 0 : this.runIndex(start, startExclusive);
    const to = end === undefined ? run.length : this.runIndex(end, endInclusive);
    if (!reverse) for (let i = from; i < to; i++) yield run[i]!;
    else for (let i = to - 1; i >= from; i--) yield run[i]!;
  }
}
