/**
 * The prolly tree node: its dag-cbor encoding, its decoded form (`ProllyNode`) and the size
 * limits on keys and values.
 *
 * Encoding (canonical dag-cbor; map keys in dag-cbor order, shortest integer and length heads):
 *
 *   leaf (level 0):      { "k": [key₀ … keyₙ₋₁],          // byte strings, strictly ascending
 *                          "l": 0,
 *                          "v": [value₀ … valueₙ₋₁] }     // byte strings
 *
 *   internal (level ≥ 1): { "c": [CID₀ … CIDₙ₋₁],          // tag-42 links to the child nodes
 *                          "k": [lastKey₀ … lastKeyₙ₋₁],  // greatest key in each child's subtree
 *                          "l": level,                     // children are at level − 1
 *                          "n": [count₀ … countₙ₋₁] }     // entries in each child's subtree
 *
 * Byte for byte: a leaf is `a3 61 6b <array head n> (<bytes head> key)… 61 6c 00 61 76
 * <array head n> (<bytes head> value)…`; an internal node is `a4 61 63 <array head n>
 * (d8 2a 58 25 00 <36-byte CID>)… 61 6b <array head n> (<bytes head> key)… 61 6c <uint level>
 * 61 6e <array head n> (<uint count>)…`. Children are CID v1, dag-cbor, sha2-256, so IPLD
 * tools can walk a tree from its root. The empty tree is the leaf with no entries,
 * `a3 61 6b 80 61 6c 00 61 76 80`, whose CID (`EMPTY_ROOT`) never changes.
 *
 * Limits: keys at most MAX_KEY_BYTES (4 KiB), values at most MAX_VALUE_BYTES (1 MiB);
 * larger ones raise `EntryTooLargeError` before anything is written.
 *
 * `decodeNode` checks the structure strictly (field names and order, equal array lengths,
 * ascending keys, size limits, link format, positive counts) and raises `DecodeError` on
 * anything else.
 * A decoded node keeps the encoded bytes and the offsets of every key and value in them, so
 * lookups compare keys in place and values are returned as views without copying.
 */
import { CID, cidKey, cidOf, DAG_CBOR, SHA2_256 } from '../../hash/index.js';
import { DecodeError } from '../../errors/index.js';
import { compareRanges } from './bytes.js';

/** Largest key, in bytes. */
export const MAX_KEY_BYTES = 4096;
/** Largest value, in bytes. */
export const MAX_VALUE_BYTES = 1 << 20;

const EMPTY_U32 = new Uint32Array(0);
const NO_KIDS: (ProllyNode | undefined)[] = [];
const EMPTY_F64 = new Float64Array(0);
const NO_CIDS: CID[] = [];
const NO_KEYS: string[] = [];

/** A decoded node. Immutable; shared by every tree that reaches it. */
export class ProllyNode {
  /** Second-chance bit of the node cache's CLOCK eviction. */
  hot = false;
  /**
   * The (at most two) parent slots that link straight to this node (`parent.kids[slot]`),
   * set and cleared by the `NodeStore` so that links only ever point at cached nodes. Two, so
   * that two versions of a tree (before and after a mutation: diff, merge) both keep theirs.
   */
  backParent: ProllyNode | null = null;
  backSlot = 0;
  backParent2: ProllyNode | null = null;
  backSlot2 = 0;
  /** The node store whose cache holds this node (`NodeStore` sets and clears it). */
  cachedIn: object | null = null;
  private dv: DataView | null = null;
  /** Internal: direct links to cached children (filled lazily by `NodeStore.child`). */
  readonly kids: (ProllyNode | undefined)[];
  /** Length of the prefix shared by every key of the node. */
  readonly pfx: number;

  constructor(
    /** Content id of `bytes`. */
    readonly cid: CID,
    /** `cidKey(cid)`: the cache and store map key. */
    readonly ckey: string,
    /** The encoded node. */
    readonly bytes: Uint8Array,
    /** 0 for a leaf. */
    readonly level: number,
    /** Number of entries (leaf) or children (internal). */
    readonly size: number,
    /**
     * Search index, 3n entries: key i is `bytes[ko[2i], ko[2i+1])`; `ko[2n+i]` is the
     * discriminator of key i — its 4 bytes after the shared prefix, big-endian, zero-padded —
     * which is non-decreasing in i, so binary search mostly reads this compact array.
     */
    readonly ko: Uint32Array,
    /** Leaf value offsets (value i is `bytes[vo[2i], vo[2i+1])`); empty for internal nodes. */
    readonly vo: Uint32Array,
    /** Internal: child CIDs. */
    readonly children: CID[],
    /** Internal: `cidKey` of each child. */
    readonly childKeys: string[],
    /** Internal: cumulative entry counts, `cum[i]` = entries in children 0…i. */
    readonly cum: Float64Array,
    /** Entries in this subtree. */
    readonly total: number,
  ) {
    this.pfx = fillDiscriminators(bytes, ko, size);
    this.kids = level === 0 ? NO_KIDS : new Array<ProllyNode | undefined>(size);
  }

  get isLeaf(): boolean {
    return this.level === 0;
  }

  /** A DataView over `bytes` (created on first use), for word-at-a-time comparisons. */
  get view(): DataView {
    return (this.dv ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** Key i as a view into the node bytes. */
  keyAt(i: number): Uint8Array {
    return this.bytes.subarray(this.ko[2 * i]!, this.ko[2 * i + 1]!);
  }

  /** Leaf value i as a view into the node bytes. */
  valueAt(i: number): Uint8Array {
    return this.bytes.subarray(this.vo[2 * i]!, this.vo[2 * i + 1]!);
  }

  /** Entries in child i's subtree (internal nodes). */
  countAt(i: number): number {
    return i === 0 ? this.cum[0]! : this.cum[i]! - this.cum[i - 1]!;
  }

  /** Greatest key in this subtree (undefined for the empty leaf). */
  lastKey(): Uint8Array | undefined {
    return this.size === 0 ? undefined : this.keyAt(this.size - 1);
  }

  /** Approximate heap bytes held by this node, for the byte-bounded cache. */
  get memSize(): number {
    return this.bytes.byteLength + 200 + this.size * (this.level === 0 ? 20 : 170);
  }
}

/**
 * Fill the discriminators `ko[2n + i]` from the key offsets; return the shared prefix length
 * (the common prefix of the first and last keys is shared by all, keys being sorted).
 */
function fillDiscriminators(b: Uint8Array, ko: Uint32Array, n: number): number {
  if (n === 0) return 0;
  const s0 = ko[0]!;
  const sl = ko[2 * n - 2]!;
  const max = Math.min(ko[1]! - s0, ko[2 * n - 1]! - sl);
  let p = 0;
  while (p < max && b[s0 + p] === b[sl + p]) p++;
  const d = 2 * n;
  for (let i = 0; i < n; i++) {
    const s = ko[2 * i]! + p;
    const l = ko[2 * i + 1]! - s;
    ko[d + i] =
      l >= 4
        ? ((b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!) >>> 0
        : (((l > 0 ? b[s]! : 0) << 24) | ((l > 1 ? b[s + 1]! : 0) << 16) | ((l > 2 ? b[s + 2]! : 0) << 8)) >>> 0;
  }
  return p;
}

/** A key index for n keys (3n slots; see `ProllyNode.ko`). */
export function newKeyIndex(n: number): Uint32Array {
  return new Uint32Array(3 * n);
}

/** Key index and value offsets of a leaf, sharing one buffer. */
export function newLeafIndex(n: number): { ko: Uint32Array; vo: Uint32Array } {
  const buf = new ArrayBuffer(20 * n);
  return { ko: new Uint32Array(buf, 0, 3 * n), vo: new Uint32Array(buf, 12 * n, 2 * n) };
}

/**
 * Room for a new leaf of `len` encoded bytes and `n` entries: the bytes, then its key index
 * and value offsets, in ONE allocation (one backing store to allocate and free, and the index
 * next to the data it describes).
 */
export function allocLeaf(len: number, n: number): { bytes: Uint8Array; ko: Uint32Array; vo: Uint32Array } {
  const at = (len + 3) & ~3;
  const buf = new ArrayBuffer(at + 20 * n);
  return { bytes: new Uint8Array(buf, 0, len), ko: new Uint32Array(buf, at, 3 * n), vo: new Uint32Array(buf, at + 12 * n, 2 * n) };
}

/** Room for a new internal node: its bytes and key index in one allocation. */
export function allocInternal(len: number, n: number): { bytes: Uint8Array; ko: Uint32Array } {
  const at = (len + 3) & ~3;
  const buf = new ArrayBuffer(at + 12 * n);
  return { bytes: new Uint8Array(buf, 0, len), ko: new Uint32Array(buf, at, 3 * n) };
}

// ---------------------------------------------------------------------------------------
// Encoding

/** Write a CBOR head (major type, argument) at `pos`; return the position after it. */
export function writeHead(buf: Uint8Array, pos: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) {
    buf[pos] = m | n;
    return pos + 1;
  }
  if (n < 256) {
    buf[pos] = m | 24;
    buf[pos + 1] = n;
    return pos + 2;
  }
  if (n < 65536) {
    buf[pos] = m | 25;
    buf[pos + 1] = n >>> 8;
    buf[pos + 2] = n & 0xff;
    return pos + 3;
  }
  if (n < 4294967296) {
    buf[pos] = m | 26;
    buf[pos + 1] = n >>> 24;
    buf[pos + 2] = (n >>> 16) & 0xff;
    buf[pos + 3] = (n >>> 8) & 0xff;
    buf[pos + 4] = n & 0xff;
    return pos + 5;
  }
  const hi = Math.floor(n / 4294967296);
  const lo = n >>> 0;
  buf[pos] = m | 27;
  buf[pos + 1] = hi >>> 24;
  buf[pos + 2] = (hi >>> 16) & 0xff;
  buf[pos + 3] = (hi >>> 8) & 0xff;
  buf[pos + 4] = hi & 0xff;
  buf[pos + 5] = lo >>> 24;
  buf[pos + 6] = (lo >>> 16) & 0xff;
  buf[pos + 7] = (lo >>> 8) & 0xff;
  buf[pos + 8] = lo & 0xff;
  return pos + 9;
}

/** Length of the CBOR head for argument `n`. */
export function headSize(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < 4294967296 ? 5 : 9;
}

/** Bytes a CID link takes in an internal node (tag head, bytes head, 0x00 prefix, CID). */
export function linkSize(cid: CID): number {
  const l = cid.bytes.length + 1;
  return 2 + headSize(l) + l;
}

/** Write a CID link at `pos`. */
export function writeLink(buf: Uint8Array, pos: number, cid: CID): number {
  buf[pos] = 0xd8;
  buf[pos + 1] = 0x2a;
  const cb = cid.bytes;
  pos = writeHead(buf, pos + 2, 2, cb.length + 1);
  buf[pos++] = 0;
  buf.set(cb, pos);
  return pos + cb.length;
}

/** Make a leaf `ProllyNode` from encoded bytes and the offsets the encoder recorded. */
export function leafNode(bytes: Uint8Array, n: number, ko: Uint32Array, vo: Uint32Array): ProllyNode {
  const cid = cidOf(bytes);
  return new ProllyNode(cid, cidKey(cid), bytes, 0, n, ko, vo, NO_CIDS, NO_KEYS, EMPTY_F64, n);
}

/** Make an internal `ProllyNode` from encoded bytes and its parts. */
export function internalNode(
  bytes: Uint8Array,
  level: number,
  ko: Uint32Array,
  children: CID[],
  childKeys: string[],
  cum: Float64Array,
): ProllyNode {
  const cid = cidOf(bytes);
  const n = children.length;
  return new ProllyNode(cid, cidKey(cid), bytes, level, n, ko, EMPTY_U32, children, childKeys, cum, n === 0 ? 0 : cum[n - 1]!);
}

/** Encode a leaf from entries (sorted by key; not checked here). */
export function encodeLeaf(entries: readonly { key: Uint8Array; value: Uint8Array }[]): ProllyNode {
  const n = entries.length;
  let len = 3 + headSize(n) + 5 + headSize(n);
  for (const e of entries) len += headSize(e.key.length) + e.key.length + headSize(e.value.length) + e.value.length;
  const { bytes: buf, ko, vo } = allocLeaf(len, n);
  buf[0] = 0xa3;
  buf[1] = 0x61;
  buf[2] = 0x6b;
  let p = writeHead(buf, 3, 4, n);
  for (let i = 0; i < n; i++) {
    const k = entries[i]!.key;
    p = writeHead(buf, p, 2, k.length);
    buf.set(k, p);
    ko[2 * i] = p;
    ko[2 * i + 1] = p += k.length;
  }
  buf[p++] = 0x61;
  buf[p++] = 0x6c;
  buf[p++] = 0x00;
  buf[p++] = 0x61;
  buf[p++] = 0x76;
  p = writeHead(buf, p, 4, n);
  for (let i = 0; i < n; i++) {
    const v = entries[i]!.value;
    p = writeHead(buf, p, 2, v.length);
    buf.set(v, p);
    vo[2 * i] = p;
    vo[2 * i + 1] = p += v.length;
  }
  return leafNode(buf, n, ko, vo);
}

/** One child reference of an internal node. */
export interface ChildRef {
  key: Uint8Array;
  cid: CID;
  count: number;
}

/** Encode an internal node from child references (sorted by key; not checked here). */
export function encodeInternal(level: number, refs: readonly ChildRef[]): ProllyNode {
  const n = refs.length;
  let len = 3 + headSize(n) + 2 + headSize(n) + 2 + headSize(level) + 2 + headSize(n) + 1;
  for (const r of refs) len += linkSize(r.cid) + headSize(r.key.length) + r.key.length + headSize(r.count);
  const { bytes: buf, ko } = allocInternal(len, n);
  const children: CID[] = new Array<CID>(n);
  const childKeys: string[] = new Array<string>(n);
  const cum = new Float64Array(n);
  buf[0] = 0xa4;
  buf[1] = 0x61;
  buf[2] = 0x63;
  let p = writeHead(buf, 3, 4, n);
  for (let i = 0; i < n; i++) {
    p = writeLink(buf, p, refs[i]!.cid);
    children[i] = refs[i]!.cid;
    childKeys[i] = cidKey(refs[i]!.cid);
  }
  buf[p++] = 0x61;
  buf[p++] = 0x6b;
  p = writeHead(buf, p, 4, n);
  for (let i = 0; i < n; i++) {
    const k = refs[i]!.key;
    p = writeHead(buf, p, 2, k.length);
    buf.set(k, p);
    ko[2 * i] = p;
    ko[2 * i + 1] = p += k.length;
  }
  buf[p++] = 0x61;
  buf[p++] = 0x6c;
  p = writeHead(buf, p, 0, level);
  buf[p++] = 0x61;
  buf[p++] = 0x6e;
  p = writeHead(buf, p, 4, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    p = writeHead(buf, p, 0, refs[i]!.count);
    cum[i] = total += refs[i]!.count;
  }
  return internalNode(buf.subarray(0, p), level, ko, children, childKeys, cum);
}

/** The node of the empty tree. */
export const EMPTY_LEAF: ProllyNode = encodeLeaf([]);
/** Root CID of the empty tree. */
export const EMPTY_ROOT: CID = EMPTY_LEAF.cid;

// ---------------------------------------------------------------------------------------
// Decoding

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}

  fail(detail: string): never {
    throw new DecodeError('prolly tree node', `${detail} at byte ${this.pos}`);
  }

  byte(want: number, what: string): void {
    if (this.pos >= this.b.length || this.b[this.pos] !== want) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** Read a head of major type `major`; return its argument (a safe integer). */
  head(major: number, what: string): number {
    const b = this.b;
    if (this.pos >= b.length) this.fail(`unexpected end, expected ${what}`);
    const first = b[this.pos]!;
    if (first >>> 5 !== major) this.fail(`expected ${what}`);
    const ai = first & 31;
    let p = this.pos + 1;
    let n: number;
    if (ai < 24) n = ai;
    else if (ai === 24) {
      if (p + 1 > b.length) this.fail('truncated head');
      n = b[p]!;
      p += 1;
    } else if (ai === 25) {
      if (p + 2 > b.length) this.fail('truncated head');
      n = (b[p]! << 8) | b[p + 1]!;
      p += 2;
    } else if (ai === 26) {
      if (p + 4 > b.length) this.fail('truncated head');
      n = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      p += 4;
    } else if (ai === 27) {
      if (p + 8 > b.length) this.fail('truncated head');
      const hi = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
      if (hi > 0x1fffff) this.fail('integer beyond 2^53');
      n = hi * 4294967296 + lo;
      p += 8;
    } else this.fail(`expected ${what} (indefinite or reserved length)`);
    this.pos = p;
    return n;
  }

  /** Read a byte string of at most `max` bytes; record its [start, end) in `out` at `2i`. */
  bytesInto(out: Uint32Array, i: number, what: string, max: number): void {
    const len = this.head(2, what);
    if (len > max) this.fail(`${what} of ${len} bytes is over the limit of ${max}`);
    const start = this.pos;
    const end = start + len;
    if (end > this.b.length) this.fail(`${what} runs past the end`);
    out[2 * i] = start;
    out[2 * i + 1] = end;
    this.pos = end;
  }
}

/**
 * Decode and check a node. Raises `DecodeError` when `bytes` is not a well-formed node.
 * `cid` is the node's content id (not re-checked here; `NodeStore` verifies hashes).
 */
export function decodeNode(cid: CID, bytes: Uint8Array): ProllyNode {
  const r = new Reader(bytes);
  const first = bytes.length > 0 ? bytes[0] : -1;
  let node: ProllyNode;
  if (first === 0xa3) node = decodeLeaf(r, cid);
  else if (first === 0xa4) node = decodeInternal(r, cid);
  else return r.fail('expected a map of 3 (leaf) or 4 (internal) fields');
  if (r.pos !== bytes.length) r.fail('trailing bytes');
  for (let i = 1; i < node.size; i++) {
    if (compareRanges(bytes, node.ko[2 * i - 2]!, node.ko[2 * i - 1]!, bytes, node.ko[2 * i]!, node.ko[2 * i + 1]!) >= 0) {
      throw new DecodeError('prolly tree node', `keys ${i - 1} and ${i} are not in ascending order`);
    }
  }
  return node;
}

function decodeLeaf(r: Reader, cid: CID): ProllyNode {
  r.pos = 1;
  r.byte(0x61, 'field "k"');
  r.byte(0x6b, 'field "k"');
  const n = r.head(4, 'array of keys');
  if (n > r.b.length) r.fail('array length beyond node size');
  const { ko, vo } = newLeafIndex(n);
  for (let i = 0; i < n; i++) r.bytesInto(ko, i, 'key', MAX_KEY_BYTES);
  r.byte(0x61, 'field "l"');
  r.byte(0x6c, 'field "l"');
  r.byte(0x00, 'level 0');
  r.byte(0x61, 'field "v"');
  r.byte(0x76, 'field "v"');
  const m = r.head(4, 'array of values');
  if (m !== n) r.fail(`${n} keys but ${m} values`);
  for (let i = 0; i < n; i++) r.bytesInto(vo, i, 'value', MAX_VALUE_BYTES);
  return new ProllyNode(cid, cidKey(cid), r.b, 0, n, ko, vo, NO_CIDS, NO_KEYS, EMPTY_F64, n);
}

function decodeInternal(r: Reader, cid: CID): ProllyNode {
  const b = r.b;
  r.pos = 1;
  r.byte(0x61, 'field "c"');
  r.byte(0x63, 'field "c"');
  const n = r.head(4, 'array of links');
  if (n === 0) r.fail('internal node without children');
  if (n > b.length) r.fail('array length beyond node size');
  const children: CID[] = new Array<CID>(n);
  const childKeys: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    r.byte(0xd8, 'link (tag 42)');
    r.byte(0x2a, 'link (tag 42)');
    const len = r.head(2, 'link bytes');
    const start = r.pos;
    if (len < 2 || start + len > b.length) r.fail('bad link length');
    if (b[start] !== 0) r.fail('link without the 0x00 multibase prefix');
    let child: CID;
    try {
      child = CID.decode(b.subarray(start + 1, start + len));
    } catch (err) {
      r.fail(`bad CID (${err instanceof Error ? err.message : String(err)})`);
    }
    if (child.version !== 1 || child.code !== DAG_CBOR || child.multihash.code !== SHA2_256) {
      r.fail('child link is not a CID v1 dag-cbor sha2-256');
    }
    children[i] = child;
    childKeys[i] = cidKey(child);
    r.pos = start + len;
  }
  r.byte(0x61, 'field "k"');
  r.byte(0x6b, 'field "k"');
  if (r.head(4, 'array of keys') !== n) r.fail('key count differs from link count');
  const ko = newKeyIndex(n);
  for (let i = 0; i < n; i++) r.bytesInto(ko, i, 'key', MAX_KEY_BYTES);
  r.byte(0x61, 'field "l"');
  r.byte(0x6c, 'field "l"');
  const level = r.head(0, 'level');
  if (level < 1 || level > 64) r.fail(`bad level ${level}`);
  r.byte(0x61, 'field "n"');
  r.byte(0x6e, 'field "n"');
  if (r.head(4, 'array of counts') !== n) r.fail('count array length differs from link count');
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = r.head(0, 'count');
    if (c < 1) r.fail('empty child subtree');
    cum[i] = total += c;
  }
  if (!Number.isSafeInteger(total)) r.fail('total count beyond 2^53');
  return new ProllyNode(cid, cidKey(cid), b, level, n, ko, EMPTY_U32, children, childKeys, cum, total);
}
