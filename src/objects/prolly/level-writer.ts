/**
 * Level writers: fill nodes of one tree level entry by entry, apply the boundary rule of
 * `chunker.ts`, and encode each finished node straight into its final bytes (the format of
 * `node.ts`) without an intermediate object tree. The bulk builder and batched mutation both
 * feed entries through these writers, so both make exactly the same nodes.
 */
import type { CID } from '../../hash/index.js';
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
import { allocInternal, allocLeaf, headSize, internalNode, leafNode, linkSize, writeHead, writeLink, type ProllyNode } from './node.js';

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
  private ko = new Int32Array(512);
  private vo = new Int32Array(512);

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
    const ko = n.ko;
    const vo = n.vo;
    let i = from;
    while (i < to) {
      let s = this.size;
      let j = i;
      let boundary = false;
      while (j < to) {
        const ks = ko[2 * j]!;
        const ke = ko[2 * j + 1]!;
        const w = leafEntryWeight(ke - ks, vo[2 * j + 1]! - vo[2 * j]!);
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
        this.add(b, ko[2 * i]!, ko[2 * i + 1]!, b, vo[2 * i]!, vo[2 * i + 1]!);
        i++;
      }
    }
  }

  /** Append entries [i, j) of leaf `n` to the node being filled (no boundary checks). */
  private appendRun(n: ProllyNode, i: number, j: number): void {
    const b = n.bytes;
    const ko = n.ko;
    const vo = n.vo;
    const k0 = ko[2 * i]! - headLen(ko[2 * i + 1]! - ko[2 * i]!);
    const k1 = ko[2 * j - 1]!;
    const v0 = vo[2 * i]! - headLen(vo[2 * i + 1]! - vo[2 * i]!);
    const v1 = vo[2 * j - 1]!;
    if (this.kp + (k1 - k0) > this.kb.length) this.kb = grow(this.kb, this.kp + (k1 - k0));
    if (this.vp + (v1 - v0) > this.vb.length) this.vb = grow(this.vb, this.vp + (v1 - v0));
    const m = 2 * (this.n + j - i);
    if (m > this.ko.length) {
      this.ko = growI32(this.ko, m);
      this.vo = growI32(this.vo, m);
    }
    this.kb.set(b.subarray(k0, k1), this.kp);
    this.vb.set(b.subarray(v0, v1), this.vp);
    const dk = this.kp - k0;
    const dv = this.vp - v0;
    const sko = this.ko;
    const svo = this.vo;
    let d = 2 * this.n;
    for (let e = 2 * i; e < 2 * j; e++, d++) {
      sko[d] = ko[e]! + dk;
      svo[d] = vo[e]! + dv;
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
    const i2 = 2 * this.n;
    if (i2 + 2 > this.ko.length) {
      this.ko = growI32(this.ko, i2 + 2);
      this.vo = growI32(this.vo, i2 + 2);
    }
    let p = writeHead(this.kb, this.kp, 2, kl);
    copyInto(this.kb, p, k, ks, ke);
    this.ko[i2] = p;
    this.ko[i2 + 1] = this.kp = p + kl;
    p = writeHead(this.vb, this.vp, 2, vl);
    copyInto(this.vb, p, v, vs, ve);
    this.vo[i2] = p;
    this.vo[i2 + 1] = this.vp = p + vl;
    this.n++;
  }

  private close(): void {
    const n = this.n;
    const ah = headSize(n);
    const keyBase = 3 + ah;
    const valBase = keyBase + this.kp + 5 + ah;
    const { bytes: buf, ko, vo } = allocLeaf(valBase + this.vp, n);
    buf[0] = 0xa3;
    buf[1] = 0x61;
    buf[2] = 0x6b;
    writeHead(buf, 3, 4, n);
    buf.set(this.kb.subarray(0, this.kp), keyBase);
    let p = keyBase + this.kp;
    buf[p] = 0x61;
    buf[p + 1] = 0x6c;
    buf[p + 2] = 0x00;
    buf[p + 3] = 0x61;
    buf[p + 4] = 0x76;
    writeHead(buf, p + 5, 4, n);
    buf.set(this.vb.subarray(0, this.vp), valBase);
    const m = 2 * n;
    const sko = this.ko;
    const svo = this.vo;
    for (let i = 0; i < m; i++) {
      ko[i] = sko[i]! + keyBase;
      vo[i] = svo[i]! + valBase;
    }
    this.n = 0;
    this.size = 0;
    this.kp = 0;
    this.vp = 0;
    this.emit(leafNode(buf, n, ko, vo));
  }
}

/** Fills internal nodes of one level (≥ 1). */
export class InternalWriter {
  n = 0;
  size = 0;
  private readonly seed: number;
  private kb = new Uint8Array(1 << 13);
  private kp = 0;
  private ko = new Int32Array(256);
  private cids: CID[] = [];
  private ckeys: string[] = [];
  private counts: number[] = [];

  constructor(
    readonly level: number,
    private readonly emit: NodeSink,
  ) {
    this.seed = levelSeed(level);
  }

  /** Add a child: its last key `k[ks, ke)`, its CID (and `cidKey`) and its entry count. */
  add(k: Uint8Array, ks: number, ke: number, cid: CID, ckey: string, count: number): void {
    const kl = ke - ks;
    const w = headLen(kl) + kl + INTERNAL_ENTRY_EXTRA;
    if (this.kp + kl + 3 > this.kb.length) this.kb = grow(this.kb, this.kp + kl + 3);
    const i2 = 2 * this.n;
    if (i2 + 2 > this.ko.length) this.ko = growI32(this.ko, i2 + 2);
    const p = writeHead(this.kb, this.kp, 2, kl);
    copyInto(this.kb, p, k, ks, ke);
    this.ko[i2] = p;
    this.ko[i2 + 1] = this.kp = p + kl;
    this.cids.push(cid);
    this.ckeys.push(ckey);
    this.counts.push(count);
    this.n++;
    const s = (this.size += w);
    if (s >= FORCE_SPLIT_BYTES) this.close();
    else if (this.n >= 2 && s >= NODE_MIN_BYTES && hashBoundary(murmur3(k, ks, ke, this.seed), w, s)) this.close();
  }

  /** Add a whole node as a child. */
  addNode(node: ProllyNode): void {
    const i = 2 * (node.size - 1);
    this.add(node.bytes, node.ko[i]!, node.ko[i + 1]!, node.cid, node.ckey, node.total);
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
    const cids = this.cids;
    const counts = this.counts;
    let linkBytes = 0;
    let countBytes = 0;
    for (let i = 0; i < n; i++) {
      linkBytes += linkSize(cids[i]!);
      countBytes += headSize(counts[i]!);
    }
    const keyBase = 3 + ah + linkBytes + 2 + ah;
    const len = keyBase + this.kp + 2 + headSize(this.level) + 2 + ah + countBytes;
    const { bytes: buf, ko } = allocInternal(len, n);
    buf[0] = 0xa4;
    buf[1] = 0x61;
    buf[2] = 0x63;
    let p = writeHead(buf, 3, 4, n);
    for (let i = 0; i < n; i++) p = writeLink(buf, p, cids[i]!);
    buf[p] = 0x61;
    buf[p + 1] = 0x6b;
    writeHead(buf, p + 2, 4, n);
    buf.set(this.kb.subarray(0, this.kp), keyBase);
    p = keyBase + this.kp;
    buf[p] = 0x61;
    buf[p + 1] = 0x6c;
    p = writeHead(buf, p + 2, 0, this.level);
    buf[p] = 0x61;
    buf[p + 1] = 0x6e;
    p = writeHead(buf, p + 2, 4, n);
    const cum = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[i]!;
      p = writeHead(buf, p, 0, c);
      cum[i] = total += c;
    }
    const m = 2 * n;
    const sko = this.ko;
    for (let i = 0; i < m; i++) ko[i] = sko[i]! + keyBase;
    const node = internalNode(buf, this.level, ko, cids, this.ckeys, cum);
    this.n = 0;
    this.size = 0;
    this.kp = 0;
    this.cids = [];
    this.ckeys = [];
    this.counts = [];
    this.emit(node);
  }
}
