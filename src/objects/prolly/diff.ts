/**
 * Diff of two trees as an ordered stream of added / removed / modified entries, at a cost
 * that follows the changes at every level.
 *
 * Internal levels: the children of two runs of internal nodes (both covering the same key
 * range) are walked side by side and compared by CID straight from the parents' bytes,
 * without loading them: equal children are skipped. A run of differing children ends where
 * both sides' children end on the same last key (kept in the parents), which content-defined
 * boundaries bring about shortly after each change; only such runs are loaded and expanded one
 * level down. Trees of different heights are first brought to the same level by expanding the
 * taller one's top levels.
 *
 * Leaves: the entries of two runs of leaves are merged. Keys (and values) of consecutive
 * entries are contiguous in a leaf's encoding, so a run of equal entries is found with one
 * comparison of the encoded keys and one of the values (native memcmp for long spans) rather
 * than two per entry. The first differing byte is located by halving with memcmp, then sixteen
 * bytes at a time; the equal entries before it are counted by walking their CBOR heads in the
 * bytes just compared (not the index records, a cold part of the node), and two differing keys
 * are ordered by that byte. Entry 0's encodings are located from the array head and the last
 * record, next to the bytes.
 *
 * Cost: about changes × depth × 2 nodes read, and the bytes of the differing leaves compared.
 * Keys and values handed out are views into node bytes: read them, never write into them.
 */
import type { NodeStore } from '../node-store.js';
import type { DiffEntry, TreeEntry } from '../tree-types.js';
import { commonPrefix, compareRangesWide, equalSpan, mismatchAt } from './bytes.js';
import { headLen } from './chunker.js';
import { rangeIterator } from './cursor.js';
import { REC, type ProllyNode } from './node.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

const END = 0;
const MODIFIED = 1;
const REMOVED = 2;
const ADDED = 3;

/** One side of a frame: a list of internal nodes of one tree, walked child by child. */
class Side {
  /** Position: child `c` of `parents[p]`. */
  p = 0;
  c = 0;
  constructor(
    readonly ns: NodeStore,
    readonly parents: ProllyNode[],
  ) {}

  get done(): boolean {
    return this.p >= this.parents.length;
  }

  /** The current child's parent (the child's last key and CID are read there). */
  get parent(): ProllyNode {
    return this.parents[this.p]!;
  }

  /** Move to the next child. */
  step(): void {
    if (++this.c >= this.parents[this.p]!.size) {
      this.p++;
      this.c = 0;
    }
  }

  /** Load the current child into `out` and move on. */
  take(out: ProllyNode[]): void {
    out.push(this.ns.child(this.parents[this.p]!, this.c));
    this.step();
  }

  /** Load every remaining child into `out`. */
  takeRest(out: ProllyNode[]): void {
    while (this.p < this.parents.length) this.take(out);
  }
}

/** The two sides of one level (same level, same key range). */
class Frame {
  constructor(
    readonly a: Side,
    readonly b: Side,
  ) {}
}

/** Two lists of leaves (same key range) merged entry by entry. */
class LeafMerge {
  ai = 0;
  bi = 0;
  /** Entry positions in `la` / `lb`. */
  p = 0;
  q = 0;
  la: ProllyNode | null;
  lb: ProllyNode | null;
  constructor(
    readonly A: ProllyNode[],
    readonly B: ProllyNode[],
  ) {
    this.la = A.length > 0 ? A[0]! : null;
    this.lb = B.length > 0 ? B[0]! : null;
  }
}

/** True when child i of `a` and child j of `b` have the same CID (compared in the bytes). */
function sameChild(a: ProllyNode, i: number, b: ProllyNode, j: number): boolean {
  const da = a.view;
  const db = b.view;
  const oa = a.cidOffset(i) + 4;
  const ob = b.cidOffset(j) + 4;
  return (
    ((da.getInt32(oa) ^ db.getInt32(ob)) |
      (da.getInt32(oa + 4) ^ db.getInt32(ob + 4)) |
      (da.getInt32(oa + 8) ^ db.getInt32(ob + 8)) |
      (da.getInt32(oa + 12) ^ db.getInt32(ob + 12)) |
      (da.getInt32(oa + 16) ^ db.getInt32(ob + 16)) |
      (da.getInt32(oa + 20) ^ db.getInt32(ob + 20)) |
      (da.getInt32(oa + 24) ^ db.getInt32(ob + 24)) |
      (da.getInt32(oa + 28) ^ db.getInt32(ob + 28))) ===
    0
  );
}

/** Compare the last keys of child i of `a` and child j of `b` (kept in the parents). */
function cmpLastKeys(a: ProllyNode, i: number, b: ProllyNode, j: number): number {
  const ra = a.nf + REC * i;
  const rb = b.nf + REC * j;
  return compareRangesWide(a.bytes, a.view, a[ra + 1]!, a[ra + 2]!, b.bytes, b.view, b[rb + 1]!, b[rb + 2]!);
}

/** Start of entry i's encoded key (field 1) or value (field 3), its CBOR head included. */
function encStart(n: ProllyNode, r: number, field: number): number {
  const s = n[r + field]!;
  return s - headLen(n[r + field + 1]! - s);
}

/**
 * `encStart` of entry `p` (record `r`) of a leaf. Entry 0's key starts right after the array
 * head at byte 3, its value right after the last key and the five bytes `61 6c 00 61 76` and
 * the array head: this reads the record at the end of the index, next to the bytes the
 * comparison reads anyway, rather than the one at its start.
 */
function leafEncStart(n: ProllyNode, p: number, r: number, field: number): number {
  if (p !== 0) return encStart(n, r, field);
  const h = headLen(n.size);
  return field === 1 ? 3 + h : n[n.nf + REC * (n.size - 1) + 2]! + 5 + h;
}

/**
 * Where the last mismatching `equalRun` started in `la` and `lb`, and the length of the
 * common prefix it found (so that the caller can order two keys by their first difference).
 */
let runA = 0;
let runB = 0;
let runSame = 0;

/**
 * Number of leading entries, at most m, from p in `la` and q in `lb` whose encoded keys
 * (field 1) or values (field 3) are byte-identical. Such spans are contiguous, so one
 * comparison settles a whole run of equal entries.
 */
function equalRun(la: ProllyNode, p: number, lb: ProllyNode, q: number, m: number, field: number): number {
  const nfa = la.nf;
  const nfb = lb.nf;
  const ra = nfa + REC * p;
  const rb = nfb + REC * q;
  const sa = leafEncStart(la, p, ra, field);
  const sb = leafEncStart(lb, q, rb, field);
  const la0 = la[ra + REC * (m - 1) + field + 1]! - sa;
  const lb0 = lb[rb + REC * (m - 1) + field + 1]! - sb;
  const ba = la.bytes;
  const bb = lb.bytes;
  // spans of a few hundred bytes compare faster here than through the native call
  if (la0 === lb0 && (la0 > 256 ? equalSpan(ba, sa, bb, sb, la0) : commonPrefix(ba, la.view, sa, bb, lb.view, sb, la0) === la0)) return m;
  // the first differing byte, then the entries wholly before it (encodings are self-delimiting)
  const same = mismatchAt(ba, la.view, sa, bb, lb.view, sb, la0 < lb0 ? la0 : lb0);
  runA = sa;
  runB = sb;
  runSame = same;
  // count them by their CBOR heads, in bytes just read (the index records would be cold)
  const lim = sa + same;
  let e = 0;
  let pos = sa;
  while (e < m) {
    const ai = ba[pos]! & 31;
    const end =
      ai < 24
        ? pos + 1 + ai
        : ai === 24
          ? pos + 2 + ba[pos + 1]!
          : ai === 25
            ? pos + 3 + ((ba[pos + 1]! << 8) | ba[pos + 2]!)
            : pos + 5 + (((ba[pos + 1]! << 24) | (ba[pos + 2]! << 16) | (ba[pos + 3]! << 8) | ba[pos + 4]!) >>> 0);
    if (end > lim) break;
    e++;
    pos = end;
  }
  return e;
}

/**
 * Skip equal entries; stop on the next difference (positions on it) or at the end. A plain
 * function: the tight loop runs much faster outside the iterator's `next`.
 */
function nextDifference(s: LeafMerge): number {
  for (;;) {
    let la = s.la;
    while (la !== null && s.p >= la.size) {
      la = s.la = ++s.ai < s.A.length ? s.A[s.ai]! : null;
      s.p = 0;
    }
    let lb = s.lb;
    while (lb !== null && s.q >= lb.size) {
      lb = s.lb = ++s.bi < s.B.length ? s.B[s.bi]! : null;
      s.q = 0;
    }
    if (la === null) return lb === null ? END : ADDED;
    if (lb === null) return REMOVED;
    const p = s.p;
    const q = s.q;
    const na = la.size - p;
    const nb = lb.size - q;
    const e = equalRun(la, p, lb, q, na < nb ? na : nb, 1);
    if (e > 0) {
      const v = equalRun(la, p, lb, q, e, 3);
      s.p = p + v;
      s.q = q + v;
      if (v < e) return MODIFIED;
      continue;
    }
    // the first keys differ at byte runSame of their encodings; past the (then equal) heads,
    // that is the first differing byte of two keys of the same length
    const ra = la.nf + REC * p;
    if (runSame >= la[ra + 1]! - runA) return la.bytes[runA + runSame]! < lb.bytes[runB + runSame]! ? REMOVED : ADDED;
    const rb = lb.nf + REC * q;
    return compareRangesWide(la.bytes, la.view, la[ra + 1]!, la[ra + 2]!, lb.bytes, lb.view, lb[rb + 1]!, lb[rb + 2]!) < 0 ? REMOVED : ADDED;
  }
}

function keyView(n: ProllyNode, i: number): Uint8Array {
  const r = n.nf + REC * i;
  return n.bytes.subarray(n[r + 1]!, n[r + 2]!);
}

function valueView(n: ProllyNode, i: number): Uint8Array {
  const r = n.nf + REC * i;
  return n.bytes.subarray(n[r + 3]!, n[r + 4]!);
}

/** All nodes of the tree under `root` at `level` (≤ root level), in key order. */
function nodesAt(ns: NodeStore, root: ProllyNode, level: number): ProllyNode[] {
  let nodes = [root];
  while (nodes[0]!.level > level) {
    const below: ProllyNode[] = [];
    for (const n of nodes) for (let i = 0; i < n.size; i++) below.push(ns.child(n, i));
    nodes = below;
  }
  return nodes;
}

/** The changes from one tree to another, as an iterator. */
class DiffIter implements IterableIterator<DiffEntry> {
  private readonly frames: Frame[] = [];
  private leaves: LeafMerge | null = null;
  /** When one tree is empty: the other's entries, all added (or all removed). */
  private drain: Iterator<TreeEntry> | null = null;
  private drainAdded = false;

  constructor(
    private readonly nsA: NodeStore,
    rootA: ProllyNode,
    private readonly nsB: NodeStore,
    rootB: ProllyNode,
  ) {
    if (rootA.ckey === rootB.ckey) return;
    if (rootA.size === 0 || rootB.size === 0) {
      this.drainAdded = rootA.size === 0;
      this.drain = this.drainAdded ? rangeIterator(nsB, rootB) : rangeIterator(nsA, rootA);
      return;
    }
    const level = Math.min(rootA.level, rootB.level);
    const a = nodesAt(nsA, rootA, level);
    const b = nodesAt(nsB, rootB, level);
    if (level === 0) this.leaves = new LeafMerge(a, b);
    else this.frames.push(new Frame(new Side(nsA, a), new Side(nsB, b)));
  }

  next(): IteratorResult<DiffEntry> {
    for (;;) {
      const s = this.leaves;
      if (s !== null) {
        const step = nextDifference(s);
        if (step === MODIFIED) {
          const value: DiffEntry = { kind: 'modified', key: keyView(s.lb!, s.q), from: valueView(s.la!, s.p), to: valueView(s.lb!, s.q) };
          s.p++;
          s.q++;
          return { done: false, value };
        }
        if (step === REMOVED) {
          const value: DiffEntry = { kind: 'removed', key: keyView(s.la!, s.p), from: valueView(s.la!, s.p) };
          s.p++;
          return { done: false, value };
        }
        if (step === ADDED) {
          const value: DiffEntry = { kind: 'added', key: keyView(s.lb!, s.q), to: valueView(s.lb!, s.q) };
          s.q++;
          return { done: false, value };
        }
        this.leaves = null;
      }
      if (this.drain !== null) {
        const r = this.drain.next();
        if (r.done === true) {
          this.drain = null;
          return DONE;
        }
        const e = r.value;
        return { done: false, value: this.drainAdded ? { kind: 'added', key: e.key, to: e.value } : { kind: 'removed', key: e.key, from: e.value } };
      }
      if (!this.nextRun()) return DONE;
    }
  }

  /**
   * Walk the frames down to the next run of differing leaves and set it up; false when
   * every frame is done.
   */
  private nextRun(): boolean {
    const frames = this.frames;
    while (frames.length > 0) {
      const { a, b } = frames[frames.length - 1]!;
      // skip equal children
      while (!a.done && !b.done && sameChild(a.parent, a.c, b.parent, b.c)) {
        a.step();
        b.step();
      }
      if (a.done && b.done) {
        frames.pop();
        continue;
      }
      const level = (a.parents.length > 0 ? a.parents[0]! : b.parents[0]!).level - 1;
      // a run of differing children: extend it until both sides end on the same last key
      const na: ProllyNode[] = [];
      const nb: ProllyNode[] = [];
      if (a.done) b.takeRest(nb);
      else if (b.done) a.takeRest(na);
      else {
        let xa = a.parent;
        let ia = a.c;
        let xb = b.parent;
        let ib = b.c;
        a.take(na);
        b.take(nb);
        for (let c = cmpLastKeys(xa, ia, xb, ib); c !== 0; c = cmpLastKeys(xa, ia, xb, ib)) {
          const behind = c < 0 ? a : b;
          if (behind.done) {
            // that tree ends here: the rest of the other differs
            if (c < 0) b.takeRest(nb);
            else a.takeRest(na);
            break;
          }
          if (c < 0) {
            xa = a.parent;
            ia = a.c;
            a.take(na);
          } else {
            xb = b.parent;
            ib = b.c;
            b.take(nb);
          }
        }
      }
      if (level === 0) {
        this.leaves = new LeafMerge(na, nb);
        return true;
      }
      frames.push(new Frame(new Side(this.nsA, na), new Side(this.nsB, nb)));
    }
    return false;
  }

  [Symbol.iterator](): IterableIterator<DiffEntry> {
    return this;
  }
}

/** Changes from the tree `rootA` (in `nsA`) to the tree `rootB` (in `nsB`), in key order. */
export function diffTrees(nsA: NodeStore, rootA: ProllyNode, nsB: NodeStore, rootB: ProllyNode): IterableIterator<DiffEntry> {
  return new DiffIter(nsA, rootA, nsB, rootB);
}
