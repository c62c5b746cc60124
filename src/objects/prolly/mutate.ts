/**
 * Batched mutation: applies sorted puts and deletes to a tree in one pass per level,
 * rewriting only the nodes on changed paths.
 *
 * Level 0: for each run of edits, re-chunk from the start of the leaf that holds the first
 * edit, merging old entries with the edits, until the new chunking meets an old node boundary
 * past the last edit of the run ("resync": from there on, the same entries give the same
 * boundaries, so the old nodes are kept as they are). Each run turns into edits of the level
 * above — delete the last keys of the replaced nodes, put the last keys and CIDs of the new
 * ones — which are applied the same way, level by level, up to the root. A root level that
 * ends with several nodes gets new levels above it; a root with a single child is replaced by
 * that child, so the result is exactly the tree a bulk build of the same entries would make.
 *
 * Rule 1 of the boundary rule (an over-large leaf entry ends the node before it) looks one
 * entry ahead, so when the leaf to re-chunk starts with an over-large entry, re-chunking
 * starts one leaf earlier.
 *
 * Fast path ("patch"): when every edit that falls in a node keeps the size of what it
 * replaces — a leaf value overwritten by one of the same length, or a child replaced by one
 * with the same last key — no boundary can move (boundaries depend on keys and sizes only;
 * for a leaf, its own last entry must also end it by rule 3, not by rule 1's look-ahead). The
 * new node is then a copy of the old one (index and bytes, one block copy) with the values
 * or links overwritten in place, and the counts re-encoded if they changed: no re-chunking,
 * no re-encoding, just the copy and the hash.
 */
import type { NodeStore } from '../node-store.js';
import { compareBytes, compareRanges, compareRangeTo, equalSpan } from './bytes.js';
import { BIG_ENTRY_BYTES, FORCE_SPLIT_BYTES, hashBoundary, levelSeed, murmur3, NODE_MIN_BYTES } from './chunker.js';
import { buildAbove } from './builder.js';
import { findInLeaf, searchNode } from './cursor.js';
import { InternalWriter, leafEntryWeight, LeafWriter } from './level-writer.js';
import { CID_BYTES, EMPTY_LEAF, headSize, leafFraming, NO_COUNTS, nodeCid, nodeKey, ProllyNode, REC, writeHead } from './node.js';

/** A leaf edit; `value: null` deletes. Batches are sorted by key with no duplicates. */
export interface LeafEdit {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** An edit of an internal level: put (node) or delete (null) the child whose last key is `key`. */
interface UpEdit {
  key: Uint8Array;
  node: ProllyNode | null;
}

const SEED0 = levelSeed(0);

/** Walks the nodes of one level of the old tree in key order. */
class LevelCursor {
  private readonly nodes: ProllyNode[];
  private readonly idx: number[];
  private readonly top: number;
  private positioned = false;
  cur: ProllyNode;

  constructor(
    private readonly ns: NodeStore,
    private readonly root: ProllyNode,
    private readonly level: number,
  ) {
    this.top = root.level;
    this.nodes = new Array<ProllyNode>(this.top + 1);
    this.idx = new Array<number>(this.top + 1).fill(0);
    this.nodes[this.top] = root;
    this.cur = root;
  }

  /**
   * Position at the node of this level that holds `key` (the last node for keys past the
   * end). Keys of successive seeks ascend, so the search starts from the lowest ancestor of
   * the current node whose range still holds `key`.
   */
  seek(key: Uint8Array): void {
    let l = this.top;
    if (this.positioned) {
      l = this.level + 1;
      while (l < this.top && cmpLast(this.nodes[l]!, key) < 0) l++;
    }
    this.positioned = true;
    let node = this.nodes[l]!;
    for (; l > this.level; l--) {
      let i = searchNode(node, key, false);
      if (i === node.size) i = node.size - 1;
      this.idx[l] = i;
      node = this.ns.child(node, i);
      this.nodes[l - 1] = node;
    }
    this.cur = node;
  }

  /**
   * Compare the last key of the next node of this level with `key`, read from the parent
   * without loading the node; null when the next node has another parent (or there is none).
   */
  cmpNextLast(key: Uint8Array): number | null {
    const l = this.level + 1;
    if (l > this.top) return null;
    const p = this.nodes[l]!;
    const i = this.idx[l]! + 1;
    if (i >= p.size) return null;
    const r = p.nf + REC * i;
    return compareRangeTo(p.bytes, p[r + 1]!, p[r + 2]!, key);
  }

  hasNext(): boolean {
    for (let l = this.level + 1; l <= this.top; l++) if (this.idx[l]! < this.nodes[l]!.size - 1) return true;
    return false;
  }

  private move(step: 1 | -1): boolean {
    let l = this.level + 1;
    if (step === 1) while (l <= this.top && this.idx[l]! >= this.nodes[l]!.size - 1) l++;
    else while (l <= this.top && this.idx[l]! <= 0) l++;
    if (l > this.top) return false;
    this.idx[l]! += step;
    for (; l > this.level + 1; l--) {
      const child = this.ns.child(this.nodes[l]!, this.idx[l]!);
      this.nodes[l - 1] = child;
      this.idx[l - 1] = step === 1 ? 0 : child.size - 1;
    }
    this.cur = this.ns.child(this.nodes[l]!, this.idx[l]!);
    this.nodes[this.level] = this.cur;
    return true;
  }

  next(): boolean {
    return this.move(1);
  }

  prev(): boolean {
    return this.move(-1);
  }
}

/** Compare the last key of `node` with `key`. */
function cmpLast(node: ProllyNode, key: Uint8Array): number {
  const r = node.nf + REC * (node.size - 1);
  return compareRangeTo(node.bytes, node[r + 1]!, node[r + 2]!, key);
}

function lastKeyOf(node: ProllyNode): Uint8Array {
  return node.keyAt(node.size - 1);
}

function firstIsBig(leaf: ProllyNode): boolean {
  if (leaf.size === 0) return false;
  const r = leaf.nf;
  return leafEntryWeight(leaf[r + 2]! - leaf[r + 1]!, leaf[r + 4]! - leaf[r + 3]!) > BIG_ENTRY_BYTES;
}

/**
 * True when the run for `ed` must start one leaf before `leaf`: the leaf starts with an
 * over-large entry (so, by rule 3a, holds only it) that ended the leaf before by rule 1, and
 * `ed` may move that boundary — it inserts a key before the big entry, deletes it, or shrinks
 * it to a shared size. An edit past the big key (only possible when `leaf` is the last leaf)
 * or one that keeps it over-large leaves the boundary where it is; stepping back then would
 * start a run that ends at that boundary before reaching `ed`, and the caller would seek the
 * same leaf again forever.
 */
function stepBack(leaf: ProllyNode, ed: LeafEdit): boolean {
  if (!firstIsBig(leaf)) return false;
  const r = leaf.nf;
  const c = compareRangeTo(leaf.bytes, leaf[r + 1]!, leaf[r + 2]!, ed.key);
  if (c !== 0) return c > 0;
  return ed.value === null || leafEntryWeight(ed.key.length, ed.value.length) <= BIG_ENTRY_BYTES;
}

/**
 * True when the leaf's last entry ends it by rule 3 (its own size, or its hash), so that
 * the node ends there whatever the next entry is.
 */
function selfEnded(leaf: ProllyNode): boolean {
  const size = leaf.size;
  const r = leaf.nf + REC * (size - 1);
  const ks = leaf[r + 1]!;
  const ke = leaf[r + 2]!;
  const w = leafEntryWeight(ke - ks, leaf[r + 4]! - leaf[r + 3]!);
  if (w > BIG_ENTRY_BYTES) return true;
  const s = leaf.bytes.length - leafFraming(size);
  if (s >= FORCE_SPLIT_BYTES) return true;
  return s >= NODE_MIN_BYTES && hashBoundary(murmur3(leaf.bytes, ks, ke, SEED0), w, s);
}

/** Scratch: entry positions of the edits of one patched node. */
let patchAt = new Int32Array(64);

function notePatch(k: number, i: number): void {
  if (k >= patchAt.length) {
    const p = new Int32Array(2 * patchAt.length);
    p.set(patchAt);
    patchAt = p;
  }
  patchAt[k] = i;
}

/** A copy of `n` (index and bytes) to patch; `len` bytes long when its size changes. */
function copyNode(n: ProllyNode, len: number, keep: number): { buf: ArrayBuffer; bytes: Uint8Array } {
  const words = n.length;
  if (len === n.bytes.length) {
    const buf = n.buffer.slice(0, 4 * words + len);
    return { buf, bytes: new Uint8Array(buf, 4 * words, len) };
  }
  const buf = new ArrayBuffer(4 * words + len);
  new Uint32Array(buf, 0, words).set(n);
  const bytes = new Uint8Array(buf, 4 * words, len);
  bytes.set(n.bytes.subarray(0, keep));
  return { buf, bytes };
}

/**
 * Leaf fast path for the run starting at the cursor's leaf with edit `e`: returns the index
 * of the first edit past the leaf when every edit in it overwrites a value with one of the
 * same length (then the patched leaf, if any value changed, is queued and its up-edit added),
 * or `e` when the general path must run.
 */
function patchLeaf(ns: NodeStore, cur: LevelCursor, edits: readonly LeafEdit[], e: number, ups: UpEdit[], out: ProllyNode[]): number {
  const n = cur.cur;
  const size = n.size;
  if (size === 0) return e;
  const E = edits.length;
  const b = n.bytes;
  const nf = n.nf;
  const rl = nf + REC * (size - 1);
  let f = e;
  let changed = false;
  for (; f < E; f++) {
    const ed = edits[f]!;
    if (compareRangeTo(b, n[rl + 1]!, n[rl + 2]!, ed.key) < 0) break;
    const v = ed.value;
    if (v === null) return e;
    const i = findInLeaf(n, ed.key);
    if (i < 0) return e;
    const r = nf + REC * i;
    const vs = n[r + 3]!;
    if (n[r + 4]! - vs !== v.length) return e;
    if (!changed && !equalSpan(b, vs, v, 0, v.length)) changed = true;
    notePatch(f - e, i);
  }
  const isLast = !cur.hasNext();
  if (isLast ? f < E : !selfEnded(n)) return e;
  if (!changed) return f;
  const { buf, bytes } = copyNode(n, b.length, 0);
  for (let j = e; j < f; j++) {
    const v = edits[j]!.value!;
    const vs = n[nf + REC * patchAt[j - e]! + 3]!;
    if (v.length <= 64) for (let k = 0; k < v.length; k++) bytes[vs + k] = v[k]!;
    else bytes.set(v, vs);
  }
  const cid = nodeCid(bytes);
  const node = new ProllyNode(buf, n.length, bytes, cid, nodeKey(cid), 0, size, NO_COUNTS, size, n.pfx);
  ns.putNode(node);
  ups.push({ key: lastKeyOf(node), node });
  out.push(node);
  return f;
}

/**
 * Internal fast path: every edit that falls in the cursor's node replaces a child by one with
 * the same last key. The links are overwritten in a copy; the counts are re-encoded when they
 * changed. Returns as `patchLeaf`.
 */
function patchInternal(ns: NodeStore, cur: LevelCursor, edits: readonly UpEdit[], e: number, ups: UpEdit[], out: ProllyNode[]): number {
  const n = cur.cur;
  const size = n.size;
  const E = edits.length;
  const b = n.bytes;
  const nf = n.nf;
  const rl = nf + REC * (size - 1);
  let f = e;
  let sameCounts = true;
  for (; f < E; f++) {
    const ed = edits[f]!;
    if (compareRangeTo(b, n[rl + 1]!, n[rl + 2]!, ed.key) < 0) break;
    const c = ed.node;
    if (c === null) return e;
    const i = findInLeaf(n, ed.key);
    if (i < 0) return e;
    if (c.total !== n.countAt(i)) sameCounts = false;
    notePatch(f - e, i);
  }
  if (f === e || (f < E && !cur.hasNext())) return e;
  let cum = n.cum;
  let len = b.length;
  // the counts are the last field: "n" and its array head come right after the level
  const countsAt = n[rl + 2]! + 2 + headSize(n.level) + 2 + headSize(size);
  if (!sameCounts) {
    cum = new Float64Array(size);
    const counts = new Float64Array(size);
    for (let i = 0; i < size; i++) counts[i] = n.countAt(i);
    for (let j = e; j < f; j++) counts[patchAt[j - e]!] = edits[j]!.node!.total;
    len = countsAt;
    let total = 0;
    for (let i = 0; i < size; i++) {
      len += headSize(counts[i]!);
      cum[i] = total += counts[i]!;
    }
  }
  const { buf, bytes } = copyNode(n, len, countsAt);
  for (let j = e; j < f; j++) {
    const c = edits[j]!.node!.cid.bytes;
    const o = n.cidOffset(patchAt[j - e]!);
    for (let k = 0; k < CID_BYTES; k++) bytes[o + k] = c[k]!;
  }
  if (!sameCounts) {
    let p = countsAt;
    for (let i = 0; i < size; i++) p = writeHead(bytes, p, 0, i === 0 ? cum[0]! : cum[i]! - cum[i - 1]!);
  }
  const cid = nodeCid(bytes);
  const node = new ProllyNode(buf, n.length, bytes, cid, nodeKey(cid), n.level, size, cum, cum[size - 1]!, n.pfx);
  ns.putNode(node);
  ups.push({ key: lastKeyOf(node), node });
  out.push(node);
  return f;
}

/**
 * Turn one re-chunked run (old nodes `replaced` → new nodes `produced`) into edits of the
 * level above, and queue the new nodes. Nothing when the run came out unchanged.
 */
function emitRun(ns: NodeStore, replaced: ProllyNode[], produced: ProllyNode[], ups: UpEdit[]): void {
  const R = replaced.length;
  const P = produced.length;
  if (R === P) {
    let same = true;
    for (let i = 0; i < R; i++) {
      if (replaced[i]!.ckey !== produced[i]!.ckey) {
        same = false;
        break;
      }
    }
    if (same) return;
  }
  const old = new Set<string>();
  for (const n of replaced) old.add(n.ckey);
  for (const n of produced) if (!old.has(n.ckey)) ns.putNode(n);
  let a = 0;
  let b = 0;
  // the empty root leaf has no entry in a parent
  while (a < R && replaced[a]!.size === 0) a++;
  while (a < R || b < P) {
    let c: number;
    if (a >= R) c = 1;
    else if (b >= P) c = -1;
    else {
      const ra = replaced[a]!;
      const pb = produced[b]!;
      const ia = ra.nf + REC * (ra.size - 1);
      const ib = pb.nf + REC * (pb.size - 1);
      c = compareRanges(ra.bytes, ra[ia + 1]!, ra[ia + 2]!, pb.bytes, pb[ib + 1]!, pb[ib + 2]!);
    }
    if (c < 0) {
      ups.push({ key: lastKeyOf(replaced[a]!), node: null });
      a++;
    } else if (c > 0) {
      ups.push({ key: lastKeyOf(produced[b]!), node: produced[b]! });
      b++;
    } else {
      if (replaced[a]!.ckey !== produced[b]!.ckey) ups.push({ key: lastKeyOf(produced[b]!), node: produced[b]! });
      a++;
      b++;
    }
    while (a < R && replaced[a]!.size === 0) a++;
  }
}

/**
 * Feed leaf `n` merged with the edits that fall in it to the writer; returns the next edit
 * index. When the writer is empty at the start of `n` (both chunkings at a boundary), the old
 * entries before the first edit keep their old boundary decisions and go in unchecked.
 */
function feedLeaf(w: LeafWriter, n: ProllyNode, edits: readonly LeafEdit[], e: number, isLast: boolean): number {
  const b = n.bytes;
  const nf = n.nf;
  const size = n.size;
  const E = edits.length;
  let fresh = w.n === 0;
  let i = 0;
  while (i < size) {
    if (e >= E) {
      w.addRun(n, i, size);
      i = size;
      break;
    }
    const ed = edits[e]!;
    const j = searchNode(n, ed.key, false);
    if (j >= size && !isLast) {
      // the next edit lies past this leaf's last key: it belongs to a later leaf
      w.addRun(n, i, size);
      i = size;
      break;
    }
    // old entries before the edit go in as one run
    if (j > i) {
      if (fresh) {
        const known = j < size - 1 ? j : size - 1;
        w.addKnownRun(n, 0, known);
        i = known;
      }
      w.addRun(n, i, j);
      i = j;
    }
    fresh = false;
    if (i < size) {
      const r = nf + REC * i;
      if (compareRangeTo(b, n[r + 1]!, n[r + 2]!, ed.key) === 0) i++; // replaced or deleted
    }
    if (ed.value !== null) w.add(ed.key, 0, ed.key.length, ed.value, 0, ed.value.length);
    e++;
  }
  if (isLast) {
    for (; e < E; e++) {
      const ed = edits[e]!;
      if (ed.value !== null) w.add(ed.key, 0, ed.key.length, ed.value, 0, ed.value.length);
    }
  }
  return e;
}

/** Feed internal node `n` merged with the edits that fall in it to the writer. */
function feedInternal(w: InternalWriter, n: ProllyNode, edits: readonly UpEdit[], e: number, isLast: boolean): number {
  const b = n.bytes;
  const nf = n.nf;
  const size = n.size;
  const E = edits.length;
  let i = 0;
  while (i < size) {
    if (e < E) {
      const ed = edits[e]!;
      const r = nf + REC * i;
      const c = compareRangeTo(b, n[r + 1]!, n[r + 2]!, ed.key);
      if (c >= 0) {
        const p = ed.node;
        if (p !== null) w.add(ed.key, 0, ed.key.length, p.cid.bytes, 0, p.total);
        e++;
        if (c === 0) i++;
        continue;
      }
    }
    w.addChild(n, i);
    i++;
  }
  if (isLast) {
    for (; e < E; e++) {
      const p = edits[e]!.node;
      if (p !== null) w.add(edits[e]!.key, 0, edits[e]!.key.length, p.cid.bytes, 0, p.total);
    }
  }
  return e;
}

/**
 * Re-chunk one level. `edits` are sorted by key. Returns the edits for the level above and,
 * for the root level, every node the level now has.
 */
function rechunkLevel(
  ns: NodeStore,
  root: ProllyNode,
  level: number,
  edits: readonly (LeafEdit | UpEdit)[],
): { ups: UpEdit[]; produced: ProllyNode[] } {
  const ups: UpEdit[] = [];
  let produced: ProllyNode[] = [];
  const sink = (n: ProllyNode): void => {
    produced.push(n);
  };
  const isLeaf = level === 0;
  const lw = isLeaf ? new LeafWriter(sink) : null;
  const iw = isLeaf ? null : new InternalWriter(level, sink);
  const cur = new LevelCursor(ns, root, level);
  const E = edits.length;
  let e = 0;
  while (e < E) {
    cur.seek(edits[e]!.key);
    if (!(isLeaf && stepBack(cur.cur, edits[e] as LeafEdit) && cur.prev())) {
      produced = [];
      const f = isLeaf ? patchLeaf(ns, cur, edits as LeafEdit[], e, ups, produced) : patchInternal(ns, cur, edits as UpEdit[], e, ups, produced);
      if (f > e) {
        e = f;
        continue;
      }
    }
    const e0 = e;
    const replaced: ProllyNode[] = [];
    produced = [];
    let first = true;
    for (;;) {
      const n = cur.cur;
      const isLast = !cur.hasNext();
      if (!first) {
        const belongs = e < E && (isLast || cmpLast(n, edits[e]!.key) >= 0);
        if (!belongs) {
          const atBoundary = lw !== null ? lw.atBoundaryBefore(leafEntryWeight(n[n.nf + 2]! - n[n.nf + 1]!, n[n.nf + 4]! - n[n.nf + 3]!)) : iw!.atBoundaryBefore();
          if (atBoundary) break;
        }
      }
      first = false;
      replaced.push(n);
      e = lw !== null ? feedLeaf(lw, n, edits as LeafEdit[], e, isLast) : feedInternal(iw!, n, edits as UpEdit[], e, isLast);
      if (!isLast && (lw !== null ? lw.n : iw!.n) === 0) {
        // at a boundary of both chunkings: the run is over unless the next edit falls in the
        // next node (checked in the parent, without loading it). The next run then starts past
        // that node, so its step back over a leading big entry never reaches this run.
        if (e >= E) break;
        const c = cur.cmpNextLast(edits[e]!.key);
        if (c !== null && c < 0) break;
      }
      if (!cur.next()) {
        if (lw !== null) lw.finish();
        else iw!.finish();
        break;
      }
    }
    // every run reaches its first edit; one that does not would be sought again forever
    if (e === e0) throw new Error(`prolly mutate: a re-chunk run at level ${level} consumed no edit`);
    emitRun(ns, replaced, produced, ups);
  }
  return { ups, produced };
}

/**
 * Apply sorted, duplicate-free edits to the tree under `root`; returns the new root (the
 * same node when nothing changed). New nodes are queued in `ns`.
 */
export function mutateTree(ns: NodeStore, root: ProllyNode, edits: readonly LeafEdit[]): ProllyNode {
  if (edits.length === 0) return root;
  const top = root.level;
  let step = rechunkLevel(ns, root, 0, edits);
  for (let level = 1; level <= top; level++) {
    if (step.ups.length === 0) return root;
    step = rechunkLevel(ns, root, level, step.ups);
  }
  if (step.ups.length === 0) return root;
  // At the root level the single run covered the whole level: `produced` is all of it.
  const nodes = step.produced;
  if (nodes.length === 0) {
    ns.putNode(EMPTY_LEAF);
    return EMPTY_LEAF;
  }
  if (nodes.length > 1) return buildAbove(ns, nodes);
  let r = nodes[0]!;
  while (r.level > 0 && r.size === 1) r = ns.child(r, 0);
  return r;
}

/**
 * Sort edits by key and keep the last edit of each key (stable sort). Returns the input
 * array itself when it is already strictly ascending.
 */
export function sortEdits<T extends { key: Uint8Array }>(edits: T[]): T[] {
  let sorted = true;
  for (let i = 1; i < edits.length; i++) {
    if (compareBytes(edits[i - 1]!.key, edits[i]!.key) >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return edits;
  const s = edits.slice().sort((a, b) => compareBytes(a.key, b.key));
  const out: T[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && compareBytes(s[i]!.key, s[i + 1]!.key) === 0) continue;
    out.push(s[i]!);
  }
  return out;
}
