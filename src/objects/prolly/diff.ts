/**
 * Diff of two trees as an ordered stream of added / removed / modified entries.
 *
 * Two cursors walk both trees in key order; inside a pair of leaves they run in lockstep,
 * comparing keys and values four bytes at a time. Whenever both stand on the same key at the start
 * of a node at some level, and those nodes have the same CID, the whole subtree is skipped on
 * both sides (the highest such level first). Because boundaries depend only on content, the
 * two chunkings fall back into step right after each change, so the work done is about
 * (number of changes) × (fan-out × depth), not the size of the trees.
 */
import type { NodeStore } from '../node-store.js';
import type { DiffEntry } from '../tree-types.js';
import { compareRangesDV, equalRangesDV } from './bytes.js';
import { childOf } from './cursor.js';
import type { ProllyNode } from './node.js';

class DiffCursor {
  readonly nodes: ProllyNode[];
  readonly idx: number[];
  readonly top: number;
  done = false;
  leaf: ProllyNode;
  i = 0;
  /**
   * Memo of `lockstep` (kept on the first cursor): for this leaf and `runLeaf` of the other
   * cursor, keys at [.., runEnd) here equal those at index − runDelta there. Saves re-reading
   * the keys after each modified entry of a leaf.
   */
  runLeaf: ProllyNode | null = null;
  runEnd = 0;
  runDelta = 0;

  constructor(
    private readonly ns: NodeStore,
    root: ProllyNode,
  ) {
    this.top = root.level;
    this.nodes = new Array<ProllyNode>(this.top + 1);
    this.idx = new Array<number>(this.top + 1).fill(0);
    this.nodes[this.top] = root;
    this.descend(this.top);
    this.leaf = this.nodes[0]!;
    if (this.leaf.size === 0) this.done = true;
  }

  private descend(from: number): void {
    for (let l = from; l > 0; l--) {
      this.nodes[l - 1] = childOf(this.ns, this.nodes[l]!, this.idx[l]!);
      this.idx[l - 1] = 0;
    }
  }

  /** Highest level whose current node starts at the current entry; -1 when none does. */
  aligned(): number {
    if (this.i !== 0) return -1;
    let l = 0;
    while (l < this.top && this.idx[l + 1] === 0) l++;
    return l;
  }

  /** Move past the whole current node of level `l`. */
  skip(l: number): void {
    let m = l + 1;
    while (m <= this.top && this.idx[m]! >= this.nodes[m]!.size - 1) m++;
    if (m > this.top) {
      this.done = true;
      return;
    }
    this.idx[m]!++;
    this.descend(m);
    this.leaf = this.nodes[0]!;
    this.i = 0;
    this.runLeaf = null;
  }

  /** Move to the next entry. */
  advance(): void {
    if (++this.i < this.leaf.size) return;
    this.nextLeaf();
  }

  /** Move to the first entry of the next leaf (the current one is done). */
  nextLeaf(): void {
    this.idx[0] = this.i;
    this.skip(0);
  }
}

function keyOf(c: DiffCursor): Uint8Array {
  const l = c.leaf;
  return l.bytes.subarray(l.ko[2 * c.i]!, l.ko[2 * c.i + 1]!);
}

function valueOf(c: DiffCursor): Uint8Array {
  const l = c.leaf;
  return l.bytes.subarray(l.vo[2 * c.i]!, l.vo[2 * c.i + 1]!);
}

/** Changes from the tree `rootA` (in `nsA`) to the tree `rootB` (in `nsB`), in key order. */
export function* diffTrees(nsA: NodeStore, rootA: ProllyNode, nsB: NodeStore, rootB: ProllyNode): Generator<DiffEntry, void, undefined> {
  if (rootA.ckey === rootB.ckey) return;
  const a = new DiffCursor(nsA, rootA);
  const b = new DiffCursor(nsB, rootB);
  for (;;) {
    if (a.done) {
      while (!b.done) {
        yield { kind: 'added', key: keyOf(b), to: valueOf(b) };
        b.advance();
      }
      return;
    }
    if (b.done) {
      while (!a.done) {
        yield { kind: 'removed', key: keyOf(a), from: valueOf(a) };
        a.advance();
      }
      return;
    }
    const la = a.leaf;
    const lb = b.leaf;
    const ba = la.bytes;
    const bb = lb.bytes;
    const koa = la.ko;
    const kob = lb.ko;
    const dva = la.view;
    const dvb = lb.view;
    // Both at the start of a leaf on the same key: skip the highest node both share.
    if (a.i === 0 && b.i === 0 && compareRangesDV(ba, dva, koa[0]!, koa[1]!, bb, dvb, kob[0]!, kob[1]!) === 0) {
      let l = Math.min(a.aligned(), b.aligned());
      for (; l >= 0; l--) {
        const na = a.nodes[l]!;
        const nb = b.nodes[l]!;
        if (na === nb || na.ckey === nb.ckey) break;
      }
      if (l >= 0) {
        a.skip(l);
        b.skip(l);
        continue;
      }
    }
    // Lockstep through the two leaves until one of them ends (a plain function: tight loops
    // run much faster outside the generator).
    let step: number;
    while ((step = lockstep(a, b)) !== END) {
      const i = a.i;
      const j = b.i;
      if (step === MODIFIED) {
        yield {
          kind: 'modified',
          key: lb.bytes.subarray(lb.ko[2 * j]!, lb.ko[2 * j + 1]!),
          from: la.bytes.subarray(la.vo[2 * i]!, la.vo[2 * i + 1]!),
          to: lb.bytes.subarray(lb.vo[2 * j]!, lb.vo[2 * j + 1]!),
        };
        a.i = i + 1;
        b.i = j + 1;
      } else if (step === REMOVED) {
        yield { kind: 'removed', key: la.bytes.subarray(la.ko[2 * i]!, la.ko[2 * i + 1]!), from: la.bytes.subarray(la.vo[2 * i]!, la.vo[2 * i + 1]!) };
        a.i = i + 1;
      } else {
        yield { kind: 'added', key: lb.bytes.subarray(lb.ko[2 * j]!, lb.ko[2 * j + 1]!), to: lb.bytes.subarray(lb.vo[2 * j]!, lb.vo[2 * j + 1]!) };
        b.i = j + 1;
      }
    }
    if (a.i >= la.size) a.nextLeaf();
    if (b.i >= lb.size) b.nextLeaf();
  }
}

const END = 0;
const MODIFIED = 1;
const REMOVED = 2;
const ADDED = 3;

/** CBOR head length of a byte string of length n. */
function headOf(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
}

/**
 * Length of the common prefix of `a[as, as+len)` and `b[bs, bs+len)`, comparing four bytes
 * at a time.
 */
function commonPrefix(a: Uint8Array, da: DataView, as: number, b: Uint8Array, db: DataView, bs: number, len: number): number {
  let i = 0;
  const l4 = len - 3;
  while (i < l4 && da.getInt32(as + i) === db.getInt32(bs + i)) i += 4;
  while (i < len && a[as + i] === b[bs + i]) i++;
  return i;
}

/**
 * Advance both cursors over equal entries within their current leaves. Stops at the first
 * difference (MODIFIED, REMOVED or ADDED, cursors on it) or when a leaf ends (END).
 *
 * Keys (and values) of consecutive entries are contiguous in a leaf's encoding, so a run of
 * equal entries is found with one long comparison of the key bytes and one of the value
 * bytes, instead of two short comparisons per entry.
 */
function lockstep(a: DiffCursor, b: DiffCursor): number {
  const la = a.leaf;
  const lb = b.leaf;
  const ba = la.bytes;
  const bb = lb.bytes;
  const koa = la.ko;
  const kob = lb.ko;
  const voa = la.vo;
  const vob = lb.vo;
  const dva = la.view;
  const dvb = lb.view;
  const na = la.size;
  const nb = lb.size;
  let i = a.i;
  let j = b.i;
  let step = END;
  while (i < na && j < nb) {
    // run of entries whose encoded keys are byte-identical (remembered across calls)
    let e: number;
    if (a.runLeaf === lb && a.runEnd > i && a.runDelta === i - j) e = a.runEnd - i;
    else {
      const ka = koa[2 * i]! - headOf(koa[2 * i + 1]! - koa[2 * i]!);
      const kb = kob[2 * j]! - headOf(kob[2 * j + 1]! - kob[2 * j]!);
      const kLen = Math.min(koa[2 * na - 1]! - ka, kob[2 * nb - 1]! - kb);
      const same = commonPrefix(ba, dva, ka, bb, dvb, kb, kLen);
      e = 0;
      while (i + e < na && j + e < nb && koa[2 * (i + e) + 1]! - ka <= same) e++;
      a.runLeaf = lb;
      a.runEnd = i + e;
      a.runDelta = i - j;
    }
    if (e === 0) {
      const c = compareRangesDV(ba, dva, koa[2 * i]!, koa[2 * i + 1]!, bb, dvb, kob[2 * j]!, kob[2 * j + 1]!);
      step = c < 0 ? REMOVED : ADDED;
      break;
    }
    // their values, compared as one run
    const va = voa[2 * i]! - headOf(voa[2 * i + 1]! - voa[2 * i]!);
    const vb = vob[2 * j]! - headOf(vob[2 * j + 1]! - vob[2 * j]!);
    const vLenA = voa[2 * (i + e) - 1]! - va;
    const vLenB = vob[2 * (j + e) - 1]! - vb;
    const vSame = commonPrefix(ba, dva, va, bb, dvb, vb, Math.min(vLenA, vLenB));
    if (vSame === vLenA && vLenA === vLenB) {
      i += e;
      j += e;
      continue;
    }
    let p = 0;
    while (p < e - 1 && voa[2 * (i + p) + 1]! - va <= vSame) p++;
    i += p;
    j += p;
    step = MODIFIED;
    break;
  }
  a.i = i;
  b.i = j;
  return step;
}
