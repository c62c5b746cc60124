/**
 * Reading a tree: search inside a node (its fences, then one block of records, then whole keys
 * only among equal discriminators — see `ProllyNode`), point lookup, rank (entries before a
 * key) and select (entry at an offset) from the subtree counts, and `Cursor` — a root-to-leaf
 * path that moves leaf by leaf — with the range iterators built on it (forward and reverse,
 * any combination of bounds). Everything is synchronous; children come from
 * `NodeStore.child`, which follows the parent's direct link when the child is cached.
 */
import type { NodeStore } from '../node-store.js';
import type { RangeOptions, TreeEntry } from '../tree-types.js';
import { compareRanges, compareRangeTo } from './bytes.js';
import { PFX_WORDS, REC, view, type ProllyNode } from './node.js';

/** The discriminator of `key` after a shared prefix of length `p` (see `ProllyNode`). */
function discOf(key: Uint8Array, p: number): number {
  const kl = key.length;
  if (kl >= p + 4) return ((key[p]! << 24) | (key[p + 1]! << 16) | (key[p + 2]! << 8) | key[p + 3]!) >>> 0;
  return (((kl > p ? key[p]! : 0) << 24) | ((kl > p + 1 ? key[p + 1]! : 0) << 16) | ((kl > p + 2 ? key[p + 2]! : 0) << 8)) >>> 0;
}

/**
 * First entry i with discriminator ≥ qd: a binary search of the fences (one cache line for
 * up to 64 entries), then a short scan of one block of four records.
 */
function lowerDisc(ix: ProllyNode, n: number, nf: number, qd: number): number {
  let lo = 0;
  let hi = (n + 3) >>> 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ix[2 * mid]! < qd) lo = mid + 1;
    else hi = mid;
  }
  // fence lo-1 < qd ≤ fence lo: the answer is in (4(lo-1), 4lo]
  const end = 4 * lo < n ? 4 * lo : n;
  let i = lo === 0 ? 0 : 4 * lo - 3;
  while (i < end && ix[nf + REC * i]! < qd) i++;
  return i;
}

/** Where `leafLowerDisc` drops the bytes it touches (so that the loads are kept). */
let touched = 0;

/**
 * `lowerDisc` for a leaf, whose bytes are likely not in the CPU caches: once the fences have
 * given the block of four, it loads a byte of each cache line of the block's keys (from the
 * fence's key start) before it reads the block's records, so that both come from memory at
 * once rather than one after the other.
 */
function leafLowerDisc(ix: ProllyNode, b: Uint8Array, n: number, nf: number, qd: number): number {
  let lo = 0;
  let hi = (n + 3) >>> 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ix[2 * mid]! < qd) lo = mid + 1;
    else hi = mid;
  }
  const ks = ix[lo === 0 ? 1 : 2 * lo - 1]!;
  const last = b.length - 1;
  const t1 = ks + 64;
  const t2 = ks + 128;
  const t3 = ks + 192;
  touched = b[ks]! ^ b[t1 < last ? t1 : last]! ^ b[t2 < last ? t2 : last]! ^ b[t3 < last ? t3 : last]!;
  const end = 4 * lo < n ? 4 * lo : n;
  let i = lo === 0 ? 0 : 4 * lo - 3;
  while (i < end && ix[nf + REC * i]! < qd) i++;
  return i;
}

/** First entry i ≥ from with discriminator > qd. */
function upperDisc(ix: ProllyNode, n: number, nf: number, qd: number, from: number): number {
  let lo = from;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ix[nf + REC * mid]! <= qd) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Among the entries from `lo` whose discriminator equals `qd`, the first whose key (compared
 * from byte `p`) is ≥ `key` (> when `strict`); the end of that run when there is none.
 */
function searchTies(node: ProllyNode, lo: number, qd: number, key: Uint8Array, p: number, strict: boolean): number {
  const n = node.size;
  const nf = node.nf;
  const b = node.bytes;
  const kl = key.length;
  let hi = lo;
  while (hi < n && node[nf + REC * hi] === qd) {
    if (hi - lo >= 8) {
      hi = upperDisc(node, n, nf, qd, hi);
      break;
    }
    hi++;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = nf + REC * mid;
    const c = compareRanges(b, node[r + 1]! + p, node[r + 2]!, key, p, kl);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * First index i in the node with key_i ≥ key (or key_i > key when `strict`); `node.size`
 * when there is none. Compares the shared prefix once, then searches the discriminators, and
 * compares whole keys only among equal discriminators.
 */
export function searchNode(node: ProllyNode, key: Uint8Array, strict: boolean): number {
  const n = node.size;
  if (n === 0) return 0;
  const nf = node.nf;
  const p = node.pfx;
  const kl = key.length;
  const m = kl < p ? kl : p;
  // the shared prefix: its first bytes are in the index, next to the fences
  const pw = nf - PFX_WORDS;
  const mi = m < 4 * PFX_WORDS ? m : 4 * PFX_WORDS;
  let j = 0;
  for (; j + 4 <= mi; j += 4) {
    const kw = ((key[j]! << 24) | (key[j + 1]! << 16) | (key[j + 2]! << 8) | key[j + 3]!) >>> 0;
    const w = node[pw + (j >>> 2)]!;
    if (kw !== w) return kw < w ? 0 : n;
  }
  for (; j < mi; j++) {
    const d = key[j]! - ((node[pw + (j >>> 2)]! >>> (24 - ((j & 3) << 3))) & 255);
    if (d !== 0) return d < 0 ? 0 : n;
  }
  if (j < m) {
    const b = node.bytes;
    const s0 = node[nf + 1]!;
    for (; j < m; j++) {
      const d = key[j]! - b[s0 + j]!;
      if (d !== 0) return d < 0 ? 0 : n;
    }
  }
  if (kl < p) return 0;
  const qd = discOf(key, p);
  const lo = lowerDisc(node, n, nf, qd);
  if (lo === n || node[nf + REC * lo] !== qd) return lo;
  return searchTies(node, lo, qd, key, p, strict);
}

/**
 * Index of `key` in a node, or -1. Skips the shared-prefix check of `searchNode` (a key
 * without the prefix cannot match the final whole-key comparison).
 */
export function findInLeaf(leaf: ProllyNode, key: Uint8Array): number {
  const n = leaf.size;
  const p = leaf.pfx;
  const kl = key.length;
  if (n === 0 || kl < p) return -1;
  const nf = leaf.nf;
  const qd = discOf(key, p);
  const b = leaf.bytes;
  let i = leafLowerDisc(leaf, b, n, nf, qd);
  if (i === n || leaf[nf + REC * i] !== qd) return -1;
  let r = nf + REC * i;
  // usually one candidate: compare it whole
  let ks = leaf[r + 1]!;
  if (leaf[r + 2]! - ks === kl) {
    let j = 0;
    const k4 = kl - 3;
    while (j < k4 && ((b[ks + j]! ^ key[j]!) | (b[ks + j + 1]! ^ key[j + 1]!) | (b[ks + j + 2]! ^ key[j + 2]!) | (b[ks + j + 3]! ^ key[j + 3]!)) === 0) j += 4;
    while (j < kl && b[ks + j] === key[j]) j++;
    if (j === kl) return i;
  }
  if (i + 1 === n || leaf[r + REC] !== qd) return -1;
  i = searchTies(leaf, i, qd, key, 0, false);
  if (i === n) return -1;
  r = nf + REC * i;
  ks = leaf[r + 1]!;
  return compareRangeTo(b, ks, leaf[r + 2]!, key) === 0 ? i : -1;
}

/** The child i of an internal node. */
export function childOf(ns: NodeStore, node: ProllyNode, i: number): ProllyNode {
  return ns.child(node, i);
}

/** The value of `key`, or undefined when absent. */
export function lookup(ns: NodeStore, root: ProllyNode, key: Uint8Array): Uint8Array | undefined {
  let node = root;
  while (node.level > 0) {
    const i = searchNode(node, key, false);
    if (i === node.size) return undefined;
    node = ns.child(node, i);
  }
  const i = findInLeaf(node, key);
  if (i < 0) return undefined;
  const r = node.nf + REC * i;
  // measured on random gets over a 1M-entry tree: a little faster than `view` here
  return node.bytes.subarray(node[r + 3]!, node[r + 4]!);
}

/** Number of entries with key < `key` (or ≤ `key` when `inclusive`). */
export function rank(ns: NodeStore, root: ProllyNode, key: Uint8Array, inclusive: boolean): number {
  let node = root;
  let acc = 0;
  while (node.level > 0) {
    const i = searchNode(node, key, inclusive);
    if (i === node.size) return acc + node.total;
    if (i > 0) acc += node.cum[i - 1]!;
    node = childOf(ns, node, i);
  }
  return acc + searchNode(node, key, inclusive);
}

/** Index of the child whose subtree holds entry `offset` (0 ≤ offset < node.total). */
function childForOffset(node: ProllyNode, offset: number): number {
  const cum = node.cum;
  let lo = 0;
  let hi = node.size - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** A path from the root to a leaf: `nodes[l]` and `idx[l]` at level l (0 = leaf). */
export class Cursor {
  readonly nodes: ProllyNode[];
  readonly idx: number[];
  readonly height: number;

  constructor(
    readonly ns: NodeStore,
    readonly root: ProllyNode,
  ) {
    this.height = root.level + 1;
    this.nodes = new Array<ProllyNode>(this.height);
    this.idx = new Array<number>(this.height).fill(0);
    this.nodes[root.level] = root;
  }

  /** Fill the path below level `from` with leftmost (or rightmost) children. */
  descend(from: number, rightmost: boolean): void {
    const nodes = this.nodes;
    const idx = this.idx;
    for (let l = from; l > 0; l--) {
      const child = childOf(this.ns, nodes[l]!, idx[l]!);
      nodes[l - 1] = child;
      idx[l - 1] = rightmost ? child.size - 1 : 0;
    }
  }

  /** Position at the first entry (leaf index 0; the leaf may be the empty root). */
  first(): void {
    this.idx[this.height - 1] = 0;
    this.descend(this.height - 1, false);
  }

  /** Position at the last entry. */
  last(): void {
    const top = this.height - 1;
    this.idx[top] = this.root.size - 1;
    this.descend(top, true);
  }

  /**
   * Position at the first entry with key ≥ `key` (> when `strict`). Returns false (cursor
   * unpositioned) when there is none.
   */
  seekGE(key: Uint8Array, strict: boolean): boolean {
    let node = this.root;
    for (let l = this.height - 1; l > 0; l--) {
      const i = searchNode(node, key, strict);
      if (i === node.size) return false;
      this.idx[l] = i;
      node = childOf(this.ns, node, i);
      this.nodes[l - 1] = node;
    }
    const i = searchNode(node, key, strict);
    this.idx[0] = i;
    return i < node.size;
  }

  /** Position at entry number `offset` (0-based); false when out of range. */
  seekOffset(offset: number): boolean {
    let node = this.root;
    if (!(offset >= 0 && offset < node.total)) return false;
    for (let l = this.height - 1; l > 0; l--) {
      const i = childForOffset(node, offset);
      if (i > 0) offset -= node.cum[i - 1]!;
      this.idx[l] = i;
      node = childOf(this.ns, node, i);
      this.nodes[l - 1] = node;
    }
    this.idx[0] = offset;
    return true;
  }

  /** Move to the first entry of the next leaf; false at the end. */
  nextLeaf(): boolean {
    const nodes = this.nodes;
    const idx = this.idx;
    let l = 1;
    while (l < this.height && idx[l]! >= nodes[l]!.size - 1) l++;
    if (l >= this.height) return false;
    idx[l]!++;
    this.descend(l, false);
    return true;
  }

  /** Move to the last entry of the previous leaf; false at the start. */
  prevLeaf(): boolean {
    const nodes = this.nodes;
    const idx = this.idx;
    let l = 1;
    while (l < this.height && idx[l]! <= 0) l++;
    if (l >= this.height) return false;
    idx[l]!--;
    this.descend(l, true);
    return true;
  }
}

/** Forward iteration from the cursor's position up to an optional end bound. */
class ForwardIter implements IterableIterator<TreeEntry> {
  private leaf: ProllyNode;
  private i: number;
  private done = false;
  /** Reused by `next`, which reads through `nextRaw`. */
  private readonly raw: RawEntry = { bytes: new Uint8Array(0), ks: 0, ke: 0, vs: 0, ve: 0 };

  constructor(
    private readonly cur: Cursor,
    private readonly end: Uint8Array | undefined,
    private readonly endInclusive: boolean,
  ) {
    this.leaf = cur.nodes[0]!;
    this.i = cur.idx[0]!;
  }

  next(): IteratorResult<TreeEntry> {
    const e = this.raw;
    if (!this.nextRaw(e)) return DONE;
    return { done: false, value: { key: view(e.bytes, e.ks, e.ke), value: view(e.bytes, e.vs, e.ve) } };
  }

  /**
   * `next` without allocation: fills `out` with the leaf's bytes and the entry's key and value
   * offsets (valid until the next call) and returns true, or returns false at the end. Scans
   * that decode in place (SQL table scans) use it; it advances the same position as `next`.
   */
  nextRaw(out: RawEntry): boolean {
    if (this.done) return false;
    let leaf = this.leaf;
    let i = this.i;
    if (i >= leaf.size) {
      this.cur.idx[0] = i;
      if (!this.cur.nextLeaf()) {
        this.done = true;
        return false;
      }
      leaf = this.leaf = this.cur.nodes[0]!;
      i = 0;
    }
    const b = leaf.bytes;
    const r = leaf.nf + REC * i;
    const ks = leaf[r + 1]!;
    const ke = leaf[r + 2]!;
    if (this.end !== undefined) {
      const c = compareRangeTo(b, ks, ke, this.end);
      if (c > 0 || (c === 0 && !this.endInclusive)) {
        this.done = true;
        return false;
      }
    }
    this.i = i + 1;
    out.bytes = b;
    out.ks = ks;
    out.ke = ke;
    out.vs = leaf[r + 3]!;
    out.ve = leaf[r + 4]!;
    return true;
  }

  [Symbol.iterator](): IterableIterator<TreeEntry> {
    return this;
  }
}

/** One entry as offsets into its leaf's bytes: key `bytes[ks, ke)`, value `bytes[vs, ve)`. */
export interface RawEntry {
  bytes: Uint8Array;
  ks: number;
  ke: number;
  vs: number;
  ve: number;
}

/** Reverse iteration from the cursor's position down to an optional start bound. */
class ReverseIter implements IterableIterator<TreeEntry> {
  private leaf: ProllyNode;
  private i: number;
  private done = false;

  constructor(
    private readonly cur: Cursor,
    private readonly start: Uint8Array | undefined,
    private readonly startExclusive: boolean,
  ) {
    this.leaf = cur.nodes[0]!;
    this.i = cur.idx[0]!;
  }

  next(): IteratorResult<TreeEntry> {
    if (this.done) return DONE;
    let leaf = this.leaf;
    let i = this.i;
    if (i < 0) {
      this.cur.idx[0] = 0;
      if (!this.cur.prevLeaf()) {
        this.done = true;
        return DONE;
      }
      leaf = this.leaf = this.cur.nodes[0]!;
      i = leaf.size - 1;
    }
    const b = leaf.bytes;
    const r = leaf.nf + REC * i;
    const ks = leaf[r + 1]!;
    const ke = leaf[r + 2]!;
    if (this.start !== undefined) {
      const c = compareRangeTo(b, ks, ke, this.start);
      if (c < 0 || (c === 0 && this.startExclusive)) {
        this.done = true;
        return DONE;
      }
    }
    this.i = i - 1;
    return { done: false, value: { key: view(b, ks, ke), value: view(b, leaf[r + 3]!, leaf[r + 4]!) } };
  }

  [Symbol.iterator](): IterableIterator<TreeEntry> {
    return this;
  }
}

class EmptyIter implements IterableIterator<TreeEntry> {
  next(): IteratorResult<TreeEntry> {
    return DONE;
  }
  [Symbol.iterator](): IterableIterator<TreeEntry> {
    return this;
  }
}

/** Entries of the tree within the bounds of `options`, in key order or reverse. */
export function rangeIterator(ns: NodeStore, root: ProllyNode, options: RangeOptions = {}): IterableIterator<TreeEntry> {
  const { start, end } = options;
  const startExclusive = options.startExclusive === true;
  const endInclusive = options.endInclusive === true;
  if (root.total === 0) return new EmptyIter();
  const cur = new Cursor(ns, root);
  if (!options.reverse) {
    if (start === undefined) cur.first();
    else if (!cur.seekGE(start, startExclusive)) return new EmptyIter();
    return new ForwardIter(cur, end, endInclusive);
  }
  if (end === undefined) cur.last();
  else if (cur.seekGE(end, endInclusive)) {
    // positioned at the first entry past the range; step back one
    cur.idx[0]!--;
  } else cur.last();
  return new ReverseIter(cur, start, startExclusive);
}

/** Entries from position `offset` on, in key order. */
export function iterateFrom(ns: NodeStore, root: ProllyNode, offset: number): IterableIterator<TreeEntry> {
  const cur = new Cursor(ns, root);
  if (!Number.isInteger(offset) || offset < 0) offset = Math.max(0, Math.ceil(offset));
  if (!cur.seekOffset(offset)) return new EmptyIter();
  return new ForwardIter(cur, undefined, false);
}

/** The entry at position `offset`, or undefined. */
export function entryAt(ns: NodeStore, root: ProllyNode, offset: number): TreeEntry | undefined {
  if (!Number.isInteger(offset)) return undefined;
  const cur = new Cursor(ns, root);
  if (!cur.seekOffset(offset)) return undefined;
  const leaf = cur.nodes[0]!;
  const i = cur.idx[0]!;
  return { key: leaf.keyAt(i), value: leaf.valueAt(i) };
}
