/**
 * Level writers: fill nodes of one tree level entry by entry, apply the boundary rule of
 * `chunker.ts`, and encode each finished node straight into its final bytes (the format of
 * `node.ts`) without an intermediate object tree. The bulk builder and batched mutation both
 * feed entries through these writers, so both make exactly the same nodes.
 */
import {
  BIG_ENTRY_BYTES,
  FORCE_SPLIT_BYTES,
  hashBoundary,
  headLen,
  INTERNAL_ENTRY_EXTRA,
  levelSeed,
  murmur3,
  NODE_MIN_BYTES,
} from './chunker.js';
import {
  allocNode,
  CID_BYTES,
  recordBase,
  headSize,
  LINK_BYTES,
  linkBase,
  NO_COUNTS,
  ProllyNode,
  REC,
  writeHead,
  writeLinkHead,
  nodeCid,
  nodeKey,
} from './node.js';

export type NodeSink = (node: ProllyNode) => void;

const SEED0 = levelSeed(0);

function grow(buf: Uint8Array, need: number): Uint8Array<ArrayBuffer> {
  let cap = buf.length * 2;
  while (cap < need) cap *= 2;
  const nb = new Uint8Array(cap);
  nb.set(buf);
  return nb;
}

function growI32(buf: Int32Array, need: number): Int32Array<ArrayBuffer> {
  let cap = buf.length * 2;
  while (cap < need) cap *= 2;
  const nb = new Int32Array(cap);
  nb.set(buf);
  return nb;
}

function copyInto(dst: Uint8Array, dp: number, src: Uint8Array, ss: number, se: number): void {
  const n = se - ss;
  if (n <= 32) {
    for (let i = 0; i < n; i++) dst[dp + i] = src[ss + i]!;
  } else {
    dst.set(src.subarray(ss, se), dp);
  }
}

/** Weight of a leaf entry (`leafWeight` of chunker.ts, for keys ≤ 64 KiB), inlined for the hot path. */
export function leafEntryWeight(kl: number, vl: number): number {
  return (kl < 24 ? 1 : kl < 256 ? 2 : 3) + kl + (vl < 24 ? 1 : vl < 256 ? 2 : vl < 65536 ? 3 : 5) + vl;
}

/** Fills leaves. */
export class LeafWriter {
  /** Entries in the node being filled. */
  n = 0;
  /** Running weight of the node being filled. */
  size = 0;
  private kb = new Uint8Array(1 << 15);
  private kp = 0;
  private vb = new Uint8Array(1 << 15);
  private vp = 0;
  /** Per entry: key start and end in `kb`, value start and end in `vb`. */
  private so = new Int32Array(1024);

  constructor(private readonly emit: NodeSink) {}

  /** Add the entry `k[ks, ke)` → `v[vs, ve)`; keys must come in ascending order. */
  add(k: Uint8Array, ks: number, ke: number, v: Uint8Array, vs: number, ve: number): void {
    const kl = ke - ks;
    const vl = ve - vs;
    const w = leafEntryWeight(kl, vl);
    if (w > BIG_ENTRY_BYTES) {
      if (this.n > 0) this.close();
      this.append(k, ks, ke, v, vs, ve);
      this.size = w;
      this.close();
      return;
    }
    this.append(k, ks, ke, v, vs, ve);
    const s = (this.size += w);
    if (s >= FORCE_SPLIT_BYTES) this.close();
    else if (s >= NODE_MIN_BYTES && hashBoundary(murmur3(k, ks, ke, SEED0), w, s)) this.close();
  }

  /**
   * Add entries [from, to) of the leaf `n` (unchanged old entries, in order). Same result as
   * `add` for each, but copies runs of entries with one block copy of their encoded keys and
   * one of their values, since consecutive entries are contiguous in a leaf's encoding.
   */
  addRun(n: ProllyNode, from: number, to: number): void {
    const b = n.bytes;
    const nf = n.nf;
    let i = from;
    while (i < to) {
      let s = this.size;
      let j = i;
      let boundary = false;
      while (j < to) {
        const r = nf + REC * j;
        const ks = n[r + 1]!;
        const ke = n[r + 2]!;
        const w = leafEntryWeight(ke - ks, n[r + 4]! - n[r + 3]!);
        if (w > BIG_ENTRY_BYTES) break;
        s += w;
        j++;
        if (s >= FORCE_SPLIT_BYTES || (s >= NODE_MIN_BYTES && hashBoundary(murmur3(b, ks, ke, SEED0), w, s))) {
          boundary = true;
          break;
        }
      }
      if (j > i) {
        this.appendRun(n, i, j);
        this.size = s;
        if (boundary) this.close();
        i = j;
      }
      if (!boundary && i < to) {
        // an over-large entry: through `add`, which gives it a node of its own
        const r = nf + REC * i;
        this.add(b, n[r + 1]!, n[r + 2]!, b, n[r + 3]!, n[r + 4]!);
        i++;
      }
    }
  }

  /**
   * Add entries [from, to) of leaf `n` that are known not to end a node: the writer was empty
   * at the start of `n`, and [from, to) are old entries before the first edited one and before
   * `n`'s last entry, so their sizes and boundary decisions are those of the old chunking.
   */
  addKnownRun(n: ProllyNode, from: number, to: number): void {
    if (to <= from) return;
    const nf = n.nf;
    let s = this.size;
    for (let i = from, r = nf + REC * from; i < to; i++, r += REC) s += leafEntryWeight(n[r + 2]! - n[r + 1]!, n[r + 4]! - n[r + 3]!);
    this.appendRun(n, from, to);
    this.size = s;
  }

  /** Append entries [i, j) of leaf `n` to the node being filled (no boundary checks). */
  private appendRun(n: ProllyNode, i: number, j: number): void {
    const b = n.bytes;
    const nf = n.nf;
    const ri = nf + REC * i;
    const rj = nf + REC * (j - 1);
    const k0 = n[ri + 1]! - headLen(n[ri + 2]! - n[ri + 1]!);
    const k1 = n[rj + 2]!;
    const v0 = n[ri + 3]! - headLen(n[ri + 4]! - n[ri + 3]!);
    const v1 = n[rj + 4]!;
    if (this.kp + (k1 - k0) > this.kb.length) this.kb = grow(this.kb, this.kp + (k1 - k0));
    if (this.vp + (v1 - v0) > this.vb.length) this.vb = grow(this.vb, this.vp + (v1 - v0));
    const m = 4 * (this.n + j - i);
    if (m > this.so.length) this.so = growI32(this.so, m);
    this.kb.set(b.subarray(k0, k1), this.kp);
    this.vb.set(b.subarray(v0, v1), this.vp);
    const dk = this.kp - k0;
    const dv = this.vp - v0;
    const so = this.so;
    let d = 4 * this.n;
    for (let r = ri; r <= rj; r += REC, d += 4) {
      so[d] = n[r + 1]! + dk;
      so[d + 1] = n[r + 2]! + dk;
      so[d + 2] = n[r + 3]! + dv;
      so[d + 3] = n[r + 4]! + dv;
    }
    this.kp += k1 - k0;
    this.vp += v1 - v0;
    this.n += j - i;
  }

  /**
   * Rule 1 seen from outside: the next entry (weight `w`) would end the node before itself.
   * Ends the node if so. Returns true when the writer is now at a node boundary.
   */
  atBoundaryBefore(w: number): boolean {
    if (this.n === 0) return true;
    if (w > BIG_ENTRY_BYTES) {
      this.close();
      return true;
    }
    return false;
  }

  /** End the last node of the level, if any entries are waiting. */
  finish(): void {
    if (this.n > 0) this.close();
  }

  private append(k: Uint8Array, ks: number, ke: number, v: Uint8Array, vs: number, ve: number): void {
    const kl = ke - ks;
    const vl = ve - vs;
    if (this.kp + kl + 3 > this.kb.length) this.kb = grow(this.kb, this.kp + kl + 3);
    if (this.vp + vl + 5 > this.vb.length) this.vb = grow(this.vb, this.vp + vl + 5);
    const d = 4 * this.n;
    if (d + 4 > this.so.length) this.so = growI32(this.so, d + 4);
    const so = this.so;
    let p = writeHead(this.kb, this.kp, 2, kl);
    copyInto(this.kb, p, k, ks, ke);
    so[d] = p;
    so[d + 1] = this.kp = p + kl;
    p = writeHead(this.vb, this.vp, 2, vl);
    copyInto(this.vb, p, v, vs, ve);
    so[d + 2] = p;
    so[d + 3] = this.vp = p + vl;
    this.n++;
  }

  private close(): void {
    const n = this.n;
    const ah = headSize(n);
    const keyBase = 3 + ah;
    const valBase = keyBase + this.kp + 5 + ah;
    const { buf, words, ix, bytes } = allocNode(valBase + this.vp, n);
    bytes[0] = 0xa3;
    bytes[1] = 0x61;
    bytes[2] = 0x6b;
    writeHead(bytes, 3, 4, n);
    bytes.set(this.kb.subarray(0, this.kp), keyBase);
    const p = keyBase + this.kp;
    bytes[p] = 0x61;
    bytes[p + 1] = 0x6c;
    bytes[p + 2] = 0x00;
    bytes[p + 3] = 0x61;
    bytes[p + 4] = 0x76;
    writeHead(bytes, p + 5, 4, n);
    bytes.set(this.vb.subarray(0, this.vp), valBase);
    const so = this.so;
    for (let i = 0, r = recordBase(n), d = 0; i < n; i++, r += REC, d += 4) {
      ix[r + 1] = so[d]! + keyBase;
      ix[r + 2] = so[d + 1]! + keyBase;
      ix[r + 3] = so[d + 2]! + valBase;
      ix[r + 4] = so[d + 3]! + valBase;
    }
    this.n = 0;
    this.size = 0;
    this.kp = 0;
    this.vp = 0;
    const cid = nodeCid(bytes);
    this.emit(new ProllyNode(buf, words, bytes, cid, nodeKey(cid), 0, n, NO_COUNTS, n, -1));
  }
}

/** Fills internal nodes of one level (≥ 1). */
export class InternalWriter {
  n = 0;
  size = 0;
  private readonly seed: number;
  private kb = new Uint8Array(1 << 13);
  private kp = 0;
  /** Per child: key start and end in `kb`. */
  private so = new Int32Array(512);
  /** Per child: its link, encoded (`LINK_BYTES` each). */
  private lb = new Uint8Array(LINK_BYTES * 256);
  private counts = new Float64Array(256);

  constructor(
    readonly level: number,
    private readonly emit: NodeSink,
  ) {
    this.seed = levelSeed(level);
  }

  /**
   * Add a child: its last key `k[ks, ke)`, its CID (the 36 bytes `c[cs, cs + 36)`) and its
   * entry count.
   */
  add(k: Uint8Array, ks: number, ke: number, c: Uint8Array, cs: number, count: number): void {
    const kl = ke - ks;
    const w = headLen(kl) + kl + INTERNAL_ENTRY_EXTRA;
    if (this.kp + kl + 3 > this.kb.length) this.kb = grow(this.kb, this.kp + kl + 3);
    const n = this.n;
    if (2 * n + 2 > this.so.length) this.so = growI32(this.so, 2 * n + 2);
    if (LINK_BYTES * (n + 1) > this.lb.length) this.lb = grow(this.lb, LINK_BYTES * (n + 1));
    if (n + 1 > this.counts.length) {
      const nc = new Float64Array(2 * this.counts.length);
      nc.set(this.counts);
      this.counts = nc;
    }
    const p = writeHead(this.kb, this.kp, 2, kl);
    copyInto(this.kb, p, k, ks, ke);
    this.so[2 * n] = p;
    this.so[2 * n + 1] = this.kp = p + kl;
    const lb = this.lb;
    const lp = LINK_BYTES * n;
    writeLinkHead(lb, lp);
    for (let i = 0; i < CID_BYTES; i++) lb[lp + 5 + i] = c[cs + i]!;
    this.counts[n] = count;
    this.n = n + 1;
    const s = (this.size += w);
    if (s >= FORCE_SPLIT_BYTES) this.close();
    else if (this.n >= 2 && s >= NODE_MIN_BYTES && hashBoundary(murmur3(k, ks, ke, this.seed), w, s)) this.close();
  }

  /** Add a whole node as a child. */
  addNode(node: ProllyNode): void {
    const r = node.nf + REC * (node.size - 1);
    this.add(node.bytes, node[r + 1]!, node[r + 2]!, node.cid.bytes, 0, node.total);
  }

  /** Add child i of the internal node `parent` (an unchanged old child). */
  addChild(parent: ProllyNode, i: number): void {
    const r = parent.nf + REC * i;
    const b = parent.bytes;
    this.add(b, parent[r + 1]!, parent[r + 2]!, b, parent.cidOffset(i), parent.countAt(i));
  }

  /** Internal levels have no rule 1: the writer is at a boundary only when empty. */
  atBoundaryBefore(): boolean {
    return this.n === 0;
  }

  finish(): void {
    if (this.n > 0) this.close();
  }

  private close(): void {
    const n = this.n;
    const ah = headSize(n);
    const counts = this.counts;
    let countBytes = 0;
    for (let i = 0; i < n; i++) countBytes += headSize(counts[i]!);
    const keyBase = linkBase(n) + LINK_BYTES * n + 2 + ah;
    const len = keyBase + this.kp + 2 + headSize(this.level) + 2 + ah + countBytes;
    const { buf, words, ix, bytes } = allocNode(len, n);
    bytes[0] = 0xa4;
    bytes[1] = 0x61;
    bytes[2] = 0x63;
    let p = writeHead(bytes, 3, 4, n);
    bytes.set(this.lb.subarray(0, LINK_BYTES * n), p);
    p += LINK_BYTES * n;
    bytes[p] = 0x61;
    bytes[p + 1] = 0x6b;
    writeHead(bytes, p + 2, 4, n);
    bytes.set(this.kb.subarray(0, this.kp), keyBase);
    p = keyBase + this.kp;
    bytes[p] = 0x61;
    bytes[p + 1] = 0x6c;
    p = writeHead(bytes, p + 2, 0, this.level);
    bytes[p] = 0x61;
    bytes[p + 1] = 0x6e;
    p = writeHead(bytes, p + 2, 4, n);
    const cum = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[i]!;
      p = writeHead(bytes, p, 0, c);
      cum[i] = total += c;
    }
    const so = this.so;
    for (let i = 0, r = recordBase(n); i < n; i++, r += REC) {
      ix[r + 1] = so[2 * i]! + keyBase;
      ix[r + 2] = so[2 * i + 1]! + keyBase;
    }
    this.n = 0;
    this.size = 0;
    this.kp = 0;
    const cid = nodeCid(bytes);
    this.emit(new ProllyNode(buf, words, bytes, cid, nodeKey(cid), this.level, n, cum, total, -1));
  }
}
