/**
 * Walks of the commit DAG: history in log order, ancestry, merge bases.
 *
 * All walks read commits through a synchronous `CommitReader` and use generation numbers
 * (a parent's generation is always lower than its child's) to visit commits in an order where
 * every child comes before its parents, and to stop as soon as the answer is known.
 *
 * Log order ("generation order"): highest generation first; ties broken by the newer timestamp,
 * then by the smaller CID digest. A commit is always listed before all of its ancestors.
 *
 * Merge base: the lowest common ancestors of a and b (common ancestors that are not an ancestor
 * of another common ancestor). Criss-cross merges can have several; `mergeBases` returns all
 * of them in log order and `mergeBase` the first (highest generation, then newest timestamp,
 * then smallest CID digest) — deterministic for a given DAG, whatever the argument order.
 */
import { cidKey, type CID } from '../hash/index.js';
import type { Commit } from '../objects/index.js';

/** Returns the commit stored under `cid` (throws when it is missing). */
export type CommitReader = (cid: CID) => Commit;

export interface LogEntry {
  cid: CID;
  commit: Commit;
}

export interface LogOptions {
  /** Stop after this many commits. */
  limit?: number;
  /** Follow only first parents (the branch's own line of history). */
  firstParent?: boolean;
}

interface Item {
  cid: CID;
  key: string;
  commit: Commit;
}

/** true when x comes before y in log order. */
function before(x: Item, y: Item): boolean {
  if (x.commit.generation !== y.commit.generation) return x.commit.generation > y.commit.generation;
  if (x.commit.timestamp !== y.commit.timestamp) return x.commit.timestamp > y.commit.timestamp;
  return x.key < y.key;
}

/** A binary heap whose top is the first item in log order. */
class LogHeap {
  private items: Item[] = [];
  get size(): number {
    return this.items.length;
  }
  push(item: Item): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i] as Item, a[p] as Item)) break;
      [a[i], a[p]] = [a[p] as Item, a[i] as Item];
      i = p;
    }
  }
  pop(): Item | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l] as Item, a[m] as Item)) m = l;
        if (r < a.length && before(a[r] as Item, a[m] as Item)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Item, a[i] as Item];
        i = m;
      }
    }
    return top;
  }
}

function item(read: CommitReader, cid: CID): Item {
  return { cid, key: cidKey(cid), commit: read(cid) };
}

/** History from one or more commits, newest first in log order, produced lazily. */
export function* walkLog(read: CommitReader, from: CID | readonly CID[], options: LogOptions = {}): Generator<LogEntry> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  const starts = Array.isArray(from) ? (from as readonly CID[]) : [from as CID];
  const heap = new LogHeap();
  const seen = new Set<string>();
  for (const cid of starts) {
    const it = item(read, cid);
    if (seen.has(it.key)) continue;
    seen.add(it.key);
    heap.push(it);
  }
  let n = 0;
  while (heap.size > 0) {
    const it = heap.pop() as Item;
    yield { cid: it.cid, commit: it.commit };
    if (++n >= limit) return;
    const parents = options.firstParent ? it.commit.parents.slice(0, 1) : it.commit.parents;
    for (const p of parents) {
      const k = cidKey(p);
      if (seen.has(k)) continue;
      seen.add(k);
      heap.push({ cid: p, key: k, commit: read(p) });
    }
  }
}

/** true when `a` is `b` or an ancestor of `b`. */
export function isAncestor(read: CommitReader, a: CID, b: CID): boolean {
  const ak = cidKey(a);
  const bk = cidKey(b);
  if (ak === bk) return true;
  const target = read(a).generation;
  const seen = new Set<string>([bk]);
  const stack: CID[] = [b];
  while (stack.length > 0) {
    const c = read(stack.pop() as CID);
    if (c.generation <= target) continue;
    for (const p of c.parents) {
      const k = cidKey(p);
      if (k === ak) return true;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(p);
    }
  }
  return false;
}

const FROM_A = 1;
const FROM_B = 2;
const STALE = 4;

/**
 * All lowest common ancestors of `a` and `b`, in log order (empty when they share no history).
 *
 * Paints ancestors of a and b in generation order (children before parents, so a commit's
 * marks are final when it is taken); the first commits reached from both sides are the
 * answers, and everything below an answer is marked stale. The walk stops when only stale
 * commits remain queued.
 */
export function mergeBases(read: CommitReader, a: CID, b: CID): CID[] {
  const ak = cidKey(a);
  const bk = cidKey(b);
  if (ak === bk) return [a];
  const flags = new Map<string, number>();
  const heap = new LogHeap();
  let live = 0; // queued commits not marked stale
  const mark = (cid: CID, key: string, f: number): void => {
    const old = flags.get(key);
    if (old === undefined) {
      flags.set(key, f);
      heap.push({ cid, key, commit: read(cid) });
      if (!(f & STALE)) live++;
      return;
    }
    const next = old | f;
    if (next === old) return;
    flags.set(key, next);
    if (!(old & STALE) && next & STALE) live--;
  };
  mark(a, ak, FROM_A);
  mark(b, bk, FROM_B);
  const found: CID[] = [];
  while (live > 0) {
    const it = heap.pop() as Item;
    let f = flags.get(it.key) as number;
    if (!(f & STALE)) {
      live--;
      if ((f & (FROM_A | FROM_B)) === (FROM_A | FROM_B)) {
        // Popped in log order, so `found` is in log order too.
        found.push(it.cid);
        f |= STALE;
        flags.set(it.key, f);
      }
    }
    // A stale commit still passes its marks down, so nothing below an answer becomes one.
    for (const p of it.commit.parents) mark(p, cidKey(p), f);
  }
  return found;
}

/** The merge base of `a` and `b` (the first of `mergeBases`), or `undefined` if none. */
export function mergeBase(read: CommitReader, a: CID, b: CID): CID | undefined {
  return mergeBases(read, a, b)[0];
}
