/**
 * A structural diff of two prolly trees whose cost follows the changes at every level.
 *
 * `Tree.diff` (prolly/diff.ts) walks two leaf cursors and skips a subtree only when both
 * cursors stand at its first key with a node loaded: after each change it loads every
 * following sibling leaf up to the next parent boundary, so a sparse diff reads about
 * changes × fan-out nodes (on 100K rows, 10 scattered changes read about half the tree cold).
 * This diff compares the child lists of internal nodes instead: sibling subtrees are matched
 * by CID straight from the parent (`childKeys`), without loading them, and only the runs of
 * children that differ are expanded one level down, until the leaves, whose entries are
 * merged. A run ends where both sides' child ranges end at the same last key (kept in the
 * parent), which content-defined boundaries guarantee shortly after each change. Cost: about
 * changes × depth × 2 nodes per tree.
 *
 * Output: exactly `Tree.diff`'s — added / removed / modified entries in ascending key order
 * (property-tested against it). Keys and values are views into node bytes (read-only).
 * Candidate to replace the cursor walk in prolly/diff.ts; until then the row merge uses this.
 */
import { ProllyTree, type DiffEntry, type NodeStore, type ProllyNode, type Tree } from '../objects/index.js';

/**
 * A run of sibling subtrees at one level: element k is child `idx[k]` of `parents[k]`, or,
 * when `idx[k]` is −1, the node `parents[k]` itself (a root).
 */
class Run {
  readonly parents: ProllyNode[] = [];
  readonly idx: number[] = [];

  constructor(readonly ns: NodeStore) {}

  get length(): number {
    return this.idx.length;
  }

  push(parent: ProllyNode, i: number): void {
    this.parents.push(parent);
    this.idx.push(i);
  }

  ckey(k: number): string {
    const i = this.idx[k]!;
    const p = this.parents[k]!;
    return i < 0 ? p.ckey : p.childKeys[i]!;
  }

  node(k: number): ProllyNode {
    const i = this.idx[k]!;
    const p = this.parents[k]!;
    return i < 0 ? p : this.ns.child(p, i);
  }

  /** The node's level (the level of the run). */
  level(): number {
    const i = this.idx[0]!;
    const p = this.parents[0]!;
    return i < 0 ? p.level : p.level - 1;
  }

  /** The children of elements [from, to), one level down (loads those elements). */
  children(from: number, to: number): Run {
    const out = new Run(this.ns);
    for (let k = from; k < to; k++) {
      const n = this.node(k);
      for (let c = 0; c < n.size; c++) out.push(n, c);
    }
    return out;
  }
}

/** Compare `a[as, ae)` with `b[bs, be)`, four bytes at a time. */
function cmpRange(a: Uint8Array, da: DataView, as: number, ae: number, b: Uint8Array, db: DataView, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const wa = da.getUint32(as + i);
    const wb = db.getUint32(bs + i);
    if (wa !== wb) return wa < wb ? -1 : 1;
  }
  for (; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

function eqRange(a: Uint8Array, da: DataView, as: number, ae: number, b: Uint8Array, db: DataView, bs: number, be: number): boolean {
  const n = ae - as;
  if (n !== be - bs) return false;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (da.getInt32(as + i) !== db.getInt32(bs + i)) return false;
  for (; i < n; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/**
 * Compare the last keys of element `i` of `A` and `j` of `B`. The last key of a child is
 * in its parent; a root's is its own last key; an empty root holds none and sorts first.
 */
function cmpLast(A: Run, i: number, B: Run, j: number): number {
  const pa = A.parents[i]!;
  let xa = A.idx[i]!;
  const pb = B.parents[j]!;
  let xb = B.idx[j]!;
  if (xa < 0) xa = pa.size - 1;
  if (xb < 0) xb = pb.size - 1;
  if (xa < 0 || xb < 0) return xa < 0 ? (xb < 0 ? 0 : -1) : 1; // an empty root
  return cmpRange(pa.bytes, pa.view, pa.ko[2 * xa]!, pa.ko[2 * xa + 1]!, pb.bytes, pb.view, pb.ko[2 * xb]!, pb.ko[2 * xb + 1]!);
}

/** Diff of two runs at the same level covering the same key range. */
function* diffRuns(A: Run, B: Run, level: number): Generator<DiffEntry, void, undefined> {
  const na = A.length;
  const nb = B.length;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    if (i < na && j < nb && A.ckey(i) === B.ckey(j)) {
      i++;
      j++;
      continue;
    }
    // a run of differing children: extend until both sides end at the same last key
    const i0 = i;
    const j0 = j;
    if (i >= na) j = nb;
    else if (j >= nb) i = na;
    else {
      let ia = i++;
      let jb = j++;
      for (;;) {
        const c = cmpLast(A, ia, B, jb);
        if (c === 0) break;
        if (c < 0) {
          if (i < na) ia = i++;
          else {
            j = nb;
            break;
          }
        } else if (j < nb) jb = j++;
        else {
          i = na;
          break;
        }
      }
    }
    if (level === 0) yield* diffLeaves(A, i0, i, B, j0, j);
    else yield* diffRuns(A.children(i0, i), B.children(j0, j), level - 1);
  }
}

/** Two leaf runs being merged entry by entry: the current leaves and positions. */
class LeafPair {
  la: ProllyNode | null;
  lb: ProllyNode | null;
  /** Entry positions in `la` / `lb`. */
  p = 0;
  q = 0;

  constructor(
    private readonly A: Run,
    private ia: number,
    private readonly i1: number,
    private readonly B: Run,
    private jb: number,
    private readonly j1: number,
  ) {
    this.la = ia < i1 ? A.node(ia) : null;
    this.lb = jb < j1 ? B.node(jb) : null;
    this.settle();
  }

  /** Move past exhausted leaves. */
  settle(): void {
    while (this.la !== null && this.p >= this.la.size) {
      this.la = ++this.ia < this.i1 ? this.A.node(this.ia) : null;
      this.p = 0;
    }
    while (this.lb !== null && this.q >= this.lb.size) {
      this.lb = ++this.jb < this.j1 ? this.B.node(this.jb) : null;
      this.q = 0;
    }
  }
}

const END = 0;
const MODIFIED = 1;
const REMOVED = 2;
const ADDED = 3;

/**
 * Skip equal entries; stop on the next difference (positions on it) or at the end. A plain
 * function: the tight loop runs much faster outside the generator.
 */
function nextDifference(s: LeafPair): number {
  for (;;) {
    const la = s.la;
    const lb = s.lb;
    if (la === null) return lb === null ? END : ADDED;
    if (lb === null) return REMOVED;
    const ba = la.bytes;
    const bb = lb.bytes;
    const da = la.view;
    const db = lb.view;
    const ka = la.ko;
    const kb = lb.ko;
    const va = la.vo;
    const vb = lb.vo;
    const na = la.size;
    const nb = lb.size;
    let p = s.p;
    let q = s.q;
    while (p < na && q < nb) {
      const c = cmpRange(ba, da, ka[2 * p]!, ka[2 * p + 1]!, bb, db, kb[2 * q]!, kb[2 * q + 1]!);
      if (c !== 0) {
        s.p = p;
        s.q = q;
        return c < 0 ? REMOVED : ADDED;
      }
      if (!eqRange(ba, da, va[2 * p]!, va[2 * p + 1]!, bb, db, vb[2 * q]!, vb[2 * q + 1]!)) {
        s.p = p;
        s.q = q;
        return MODIFIED;
      }
      p++;
      q++;
    }
    s.p = p;
    s.q = q;
    s.settle();
  }
}

/** Merge the entries of leaves A[i0, i1) and B[j0, j1). */
function* diffLeaves(A: Run, i0: number, i1: number, B: Run, j0: number, j1: number): Generator<DiffEntry, void, undefined> {
  const s = new LeafPair(A, i0, i1, B, j0, j1);
  for (;;) {
    const step = nextDifference(s);
    if (step === END) return;
    const la = s.la!;
    const lb = s.lb!;
    if (step === MODIFIED) {
      yield { kind: 'modified', key: lb.keyAt(s.q), from: la.valueAt(s.p), to: lb.valueAt(s.q) };
      s.p++;
      s.q++;
    } else if (step === REMOVED) {
      yield { kind: 'removed', key: la.keyAt(s.p), from: la.valueAt(s.p) };
      s.p++;
    } else {
      yield { kind: 'added', key: lb.keyAt(s.q), to: lb.valueAt(s.q) };
      s.q++;
    }
    s.settle();
  }
}

/** Changes from the tree rooted at `a` to the one rooted at `b`, in key order. */
export function* diffNodes(nsA: NodeStore, a: ProllyNode, nsB: NodeStore, b: ProllyNode): Generator<DiffEntry, void, undefined> {
  if (a.ckey === b.ckey) return;
  let A = new Run(nsA);
  A.push(a, -1);
  let B = new Run(nsB);
  B.push(b, -1);
  // bring both runs to the same level; the taller tree's top levels are expanded whole
  while (A.level() > B.level()) A = A.children(0, A.length);
  while (B.level() > A.level()) B = B.children(0, B.length);
  yield* diffRuns(A, B, A.level());
}

/** `from.diff(to)`, through `diffNodes` when both are prolly trees. */
export function diffTrees(from: Tree, to: Tree): IterableIterator<DiffEntry> {
  if (from instanceof ProllyTree && to instanceof ProllyTree) return diffNodes(from.ns, from.rootNode, to.ns, to.rootNode);
  return from.diff(to);
}
