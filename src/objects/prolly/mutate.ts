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
 */
import type { NodeStore } from '../node-store.js';
import { compareBytes, compareRanges, compareRangeTo } from './bytes.js';
import { BIG_ENTRY_BYTES } from './chunker.js';
import { buildAbove } from './builder.js';
import { childOf, searchNode } from './cursor.js';
import { InternalWriter, leafEntryWeight, LeafWriter } from './level-writer.js';
import { EMPTY_LEAF, type ProllyNode } from './node.js';

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

/** Walks the nodes of one level of the old tree in key order. */
class LevelCursor {
  private readonly nodes: ProllyNode[];
  private readonly idx: number[];
  private readonly top: number;
  cur: ProllyNode;

  constructor(
    private readonly ns: NodeStore,
    private readonly root: ProllyNode,
    private readonly level: number,
  ) {
    this.top = root.level;
    this.nodes = new Array<ProllyNode>(this.top + 1);
    this.idx = new Array<number>(this.top + 1).fill(0);
    this.cur = root;
  }

  /** Position at the node of this level that holds `key` (the last node for keys past the end). */
  seek(key: Uint8Array): void {
    let node = this.root;
    for (let l = this.top; l > this.level; l--) {
      let i = searchNode(node, key, false);
      if (i === node.size) i = node.size - 1;
      this.nodes[l] = node;
      this.idx[l] = i;
      node = childOf(this.ns, node, i);
    }
    this.cur = node;
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
      const child = childOf(this.ns, this.nodes[l]!, this.idx[l]!);
      this.nodes[l - 1] = child;
      this.idx[l - 1] = step === 1 ? 0 : child.size - 1;
    }
    this.cur = childOf(this.ns, this.nodes[l]!, this.idx[l]!);
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
  const j = 2 * (node.size - 1);
  return compareRangeTo(node.bytes, node.ko[j]!, node.ko[j + 1]!, key);
}

function lastKeyOf(node: ProllyNode): Uint8Array {
  return node.keyAt(node.size - 1);
}

function firstIsBig(leaf: ProllyNode): boolean {
  if (leaf.size === 0) return false;
  return leafEntryWeight(leaf.ko[1]! - leaf.ko[0]!, leaf.vo[1]! - leaf.vo[0]!) > BIG_ENTRY_BYTES;
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
      const ja = 2 * (ra.size - 1);
      const jb = 2 * (pb.size - 1);
      c = compareRanges(ra.bytes, ra.ko[ja]!, ra.ko[ja + 1]!, pb.bytes, pb.ko[jb]!, pb.ko[jb + 1]!);
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

/** Feed leaf `n` merged with the edits that fall in it to the writer; returns the next edit index. */
function feedLeaf(w: LeafWriter, n: ProllyNode, edits: readonly LeafEdit[], e: number, isLast: boolean): number {
  const b = n.bytes;
  const ko = n.ko;
  const size = n.size;
  const E = edits.length;
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
      w.addRun(n, i, j);
      i = j;
    }
    if (i < size && compareRangeTo(b, ko[2 * i]!, ko[2 * i + 1]!, ed.key) === 0) i++; // replaced or deleted
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
  const ko = n.ko;
  const size = n.size;
  const E = edits.length;
  let i = 0;
  while (i < size) {
    if (e < E) {
      const ed = edits[e]!;
      const c = compareRangeTo(b, ko[2 * i]!, ko[2 * i + 1]!, ed.key);
      if (c >= 0) {
        const p = ed.node;
        if (p !== null) w.add(ed.key, 0, ed.key.length, p.cid, p.ckey, p.total);
        e++;
        if (c === 0) i++;
        continue;
      }
    }
    w.add(b, ko[2 * i]!, ko[2 * i + 1]!, n.children[i]!, n.childKeys[i]!, n.countAt(i));
    i++;
  }
  if (isLast) {
    for (; e < E; e++) {
      const p = edits[e]!.node;
      if (p !== null) w.add(edits[e]!.key, 0, edits[e]!.key.length, p.cid, p.ckey, p.total);
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
    if (isLeaf && firstIsBig(cur.cur)) cur.prev();
    const replaced: ProllyNode[] = [];
    produced = [];
    let first = true;
    for (;;) {
      const n = cur.cur;
      const isLast = !cur.hasNext();
      if (!first) {
        const belongs = e < E && (isLast || cmpLast(n, edits[e]!.key) >= 0);
        if (!belongs) {
          const atBoundary = lw !== null ? lw.atBoundaryBefore(leafEntryWeight(n.ko[1]! - n.ko[0]!, n.vo[1]! - n.vo[0]!)) : iw!.atBoundaryBefore();
          if (atBoundary) break;
        }
      }
      first = false;
      replaced.push(n);
      e = lw !== null ? feedLeaf(lw, n, edits as LeafEdit[], e, isLast) : feedInternal(iw!, n, edits as UpEdit[], e, isLast);
      if (!cur.next()) {
        if (lw !== null) lw.finish();
        else iw!.finish();
        break;
      }
    }
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
  while (r.level > 0 && r.size === 1) r = childOf(ns, r, 0);
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
