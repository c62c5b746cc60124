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
 * tools can walk a tree from its root, and every link takes exactly 41 bytes. The empty tree
 * is the leaf with no entries, `a3 61 6b 80 61 6c 00 61 76 80`, whose CID (`EMPTY_ROOT`)
 * never changes.
 *
 * Limits: keys at most MAX_KEY_BYTES (4 KiB), values at most MAX_VALUE_BYTES (1 MiB);
 * larger ones raise `EntryTooLargeError` before anything is written.
 *
 * `decodeNode` checks the structure strictly (field names and order, equal array lengths,
 * ascending keys, size limits, link format, positive counts) and raises `DecodeError` on
 * anything else.
 *
 * In memory, a `ProllyNode` IS its search index (a `Uint32Array`), and that index and the
 * encoded bytes share one `ArrayBuffer`: `[index words][encoded bytes]`. A lookup therefore
 * touches the node object, one buffer, and few cache lines of it. The index is:
 *
 *   fences   ⌈n / 4⌉ pairs of words: the discriminator and the key start (`ks`) of entries
 *            0, 4, 8, … — a search can fetch the keys of its block of four while it reads
 *            their records
 *   prefix   PFX_WORDS words: the first bytes (at most 4·PFX_WORDS) of the keys' shared
 *            prefix, big-endian, zero-padded — so a search checks the prefix next to the
 *            fences instead of in a key's bytes, a cache line (and a miss) away
 *   records  n × REC words from word `nf` (= fences + PFX_WORDS), for entry i at `nf + REC·i`:
 *              disc  its key's 4 bytes after the node's shared key prefix (`pfx`), big-endian,
 *                    zero-padded — non-decreasing in i, so searches compare integers first
 *              ks ke the key is `bytes[ks, ke)`
 *              vs ve the value is `bytes[vs, ve)` (leaves; 0 in internal nodes)
 *
 * Keys and values are compared in place and handed out as views: never write into them.
 */
import { Digest } from 'multiformats/hashes/digest';
import { CID, cidKey, DAG_CBOR, SHA2_256, sha256 } from '../../hash/index.js';
import { DecodeError } from '../../errors/index.js';
import { compareRanges, latin1Range } from './bytes.js';

/** Largest key, in bytes. */
export const MAX_KEY_BYTES = 4096;
/** Largest value, in bytes. */
export const MAX_VALUE_BYTES = 1 << 20;

/** Words per entry record in a node's index. */
export const REC = 5;
/** Bytes of one link in an internal node: `d8 2a 58 25 00` and the 36-byte CID. */
export const LINK_BYTES = 41;
/** Bytes of a child CID (v1, dag-cbor, sha2-256 with a 32-byte digest). */
export const CID_BYTES = 36;
/** The first bytes of every link: tag 42, byte string of 37, multibase 0, CID v1 dag-cbor sha2-256/32. */
const LINK_HEAD = [0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, 0x71, 0x12, 0x20];

const NO_KIDS: (ProllyNode | undefined)[] = [];
const EMPTY_F64 = new Float64Array(0);

/** Words of the index that hold the start of the keys' shared prefix. */
export const PFX_WORDS = 4;

/** Number of fence words for n entries (two per fence). */
export function fenceCount(n: number): number {
  return 2 * ((n + 3) >>> 2);
}

/** Index word where the records of a node with n entries start (`ProllyNode.nf`). */
export function recordBase(n: number): number {
  return 2 * ((n + 3) >>> 2) + PFX_WORDS;
}

/** Index words of a node with n entries. */
export function indexWords(n: number): number {
  return recordBase(n) + REC * n;
}

/** Where the CIDs of new nodes are carved from (see `nodeCid`). */
let cidSlab = new ArrayBuffer(1 << 16);
let cidPos = 0;

/**
 * The CID of a node's bytes: the same value as `cidOf` (CID v1, dag-cbor, sha2-256), built
 * without the small on-heap arrays that multiformats would copy off-heap again: the 36 CID
 * bytes are carved from a shared 64 KiB buffer and the multihash is a view of them.
 */
export function nodeCid(bytes: Uint8Array): CID {
  const d = sha256(bytes);
  if (cidPos + CID_BYTES > cidSlab.byteLength) {
    cidSlab = new ArrayBuffer(1 << 16);
    cidPos = 0;
  }
  const b = new Uint8Array(cidSlab, cidPos, CID_BYTES);
  cidPos += CID_BYTES;
  b[0] = 0x01;
  b[1] = DAG_CBOR;
  b[2] = SHA2_256;
  b[3] = 0x20;
  for (let i = 0; i < 32; i++) b[4 + i] = d[i]!;
  return new CID(1, DAG_CBOR, new Digest(SHA2_256, 32, b.subarray(4), b.subarray(2)), b) as CID;
}

/** `cidKey(cid)` of a node CID (the digest as a latin1 string). */
export function nodeKey(cid: CID): string {
  return latin1Range(cid.bytes, 4, CID_BYTES);
}

/** A decoded node. Immutable; shared by every tree that reaches it. */
export class ProllyNode extends Uint32Array {
  /** Derived typed arrays (`slice`, `map`, …) are plain `Uint32Array`s. */
  static get [Symbol.species](): Uint32ArrayConstructor {
    return Uint32Array;
  }

  // Fields are declared in the order a lookup reads them, so that they share cache lines.
  /** 0 for a leaf. */
  readonly level: number;
  /** Number of entries (leaf) or children (internal). */
  readonly size: number;
  /** Length of the prefix shared by every key of the node. */
  readonly pfx: number;
  /** Number of fence words: the index word where the records start. */
  readonly nf: number;
  /** The encoded node. */
  readonly bytes: Uint8Array;
  /** Internal: direct links to cached children (filled lazily by `NodeStore.child`). */
  readonly kids: (ProllyNode | undefined)[];
  /** Second-chance bit of the node cache's CLOCK eviction. */
  hot: boolean;
  /** Internal: cumulative entry counts, `cum[i]` = entries in children 0…i. */
  readonly cum: Float64Array;
  /** Entries in this subtree. */
  readonly total: number;
  /** Content id of `bytes`. */
  readonly cid: CID;
  /** `cidKey(cid)`: the cache and store map key. */
  readonly ckey: string;
  /**
   * The (at most two) parent slots that link straight to this node (`parent.kids[slot]`),
   * set and cleared by the `NodeStore` so that links only ever point at cached nodes. Two, so
   * that two versions of a tree (before and after a mutation: diff, merge) both keep theirs.
   */
  backParent: ProllyNode | null;
  backSlot: number;
  backParent2: ProllyNode | null;
  backSlot2: number;
  /** The node store whose cache holds this node (`NodeStore` sets and clears it). */
  cachedIn: object | null;
  private dv: DataView | null;

  /**
   * `buf` holds `words` index words, then the encoded bytes (`bytes`, a view of the rest).
   * The records' offsets must be filled; with `pfx` < 0 the constructor computes the shared
   * prefix, the discriminators and the fences, otherwise they are already in place.
   */
  constructor(
    buf: ArrayBuffer,
    words: number,
    bytes: Uint8Array,
    cid: CID,
    ckey: string,
    level: number,
    size: number,
    cum: Float64Array,
    total: number,
    pfx: number,
  ) {
    super(buf, 0, words);
    this.level = level;
    this.size = size;
    this.nf = recordBase(size);
    this.pfx = pfx >= 0 ? pfx : fillDiscriminators(this, bytes, size);
    this.bytes = bytes;
    this.kids = level === 0 ? NO_KIDS : new Array<ProllyNode | undefined>(size);
    this.hot = false;
    this.cum = cum;
    this.total = total;
    this.cid = cid;
    this.ckey = ckey;
    this.backParent = null;
    this.backSlot = 0;
    this.backParent2 = null;
    this.backSlot2 = 0;
    this.cachedIn = null;
    this.dv = null;
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
    const r = this.nf + REC * i;
    return view(this.bytes, this[r + 1]!, this[r + 2]!);
  }

  /** Leaf value i as a view into the node bytes. */
  valueAt(i: number): Uint8Array {
    const r = this.nf + REC * i;
    return view(this.bytes, this[r + 3]!, this[r + 4]!);
  }

  /** Entries in child i's subtree (internal nodes). */
  countAt(i: number): number {
    return i === 0 ? this.cum[0]! : this.cum[i]! - this.cum[i - 1]!;
  }

  /** Greatest key in this subtree (undefined for the empty leaf). */
  lastKey(): Uint8Array | undefined {
    return this.size === 0 ? undefined : this.keyAt(this.size - 1);
  }

  /** Internal: offset in `bytes` of child i's 36 CID bytes. */
  cidOffset(i: number): number {
    return linkBase(this.size) + LINK_BYTES * i + 5;
  }

  /** Internal: `cidKey` of child i (its digest as a latin1 string), read from the bytes. */
  ckeyAt(i: number): string {
    const o = linkBase(this.size) + LINK_BYTES * i + 9;
    return latin1Range(this.bytes, o, o + 32);
  }

  /** Internal: the CID of child i (decoded from the bytes; needed only to read the child from a store). */
  childCid(i: number): CID {
    const o = this.cidOffset(i);
    return CID.decode(this.bytes.slice(o, o + CID_BYTES));
  }

  /** Internal: the child CIDs. */
  get children(): CID[] {
    const out: CID[] = new Array<CID>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.childCid(i);
    return out;
  }

  /** Approximate heap bytes held by this node, for the byte-bounded cache. */
  get memSize(): number {
    return this.buffer.byteLength + 300 + (this.level === 0 ? 0 : this.size * 8);
  }
}

/** A read-only view `b[s, e)` (cheaper than `subarray`). */
export function view(b: Uint8Array, s: number, e: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + s, e - s);
}

/** Offset of the first link in an internal node of n children. */
export function linkBase(n: number): number {
  return 3 + headSize(n);
}

/**
 * Fill the discriminators and fences of `ix` from its key offsets; return the shared prefix
 * length (the common prefix of the first and last keys is shared by all, keys being sorted).
 */
function fillDiscriminators(ix: Uint32Array, b: Uint8Array, n: number): number {
  if (n === 0) return 0;
  const nf = recordBase(n);
  const s0 = ix[nf + 1]!;
  const rl = nf + REC * (n - 1);
  const sl = ix[rl + 1]!;
  const max = Math.min(ix[nf + 2]! - s0, ix[rl + 2]! - sl);
  let p = 0;
  while (p < max && b[s0 + p] === b[sl + p]) p++;
  const pw = fenceCount(n);
  const pl = p < 4 * PFX_WORDS ? p : 4 * PFX_WORDS;
  for (let j = 0; j < PFX_WORDS; j++) ix[pw + j] = 0;
  for (let j = 0; j < pl; j++) ix[pw + (j >>> 2)] |= b[s0 + j]! << (24 - ((j & 3) << 3));
  for (let i = 0, r = nf; i < n; i++, r += REC) {
    const s = ix[r + 1]! + p;
    const l = ix[r + 2]! - s;
    const d =
      l >= 4
        ? ((b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!) >>> 0
        : (((l > 0 ? b[s]! : 0) << 24) | ((l > 1 ? b[s + 1]! : 0) << 16) | ((l > 2 ? b[s + 2]! : 0) << 8)) >>> 0;
    ix[r] = d;
    if ((i & 3) === 0) {
      ix[i >>> 1] = d;
      ix[(i >>> 1) + 1] = ix[r + 1]!;
    }
  }
  return p;
}

/** Room for a node of n entries and `len` encoded bytes: one buffer, index first. */
export interface NodeRoom {
  buf: ArrayBuffer;
  words: number;
  /** The index words, to fill the records' offsets. */
  ix: Uint32Array;
  bytes: Uint8Array;
}

export function allocNode(len: number, n: number): NodeRoom {
  const words = indexWords(n);
  const buf = new ArrayBuffer(4 * words + len);
  return { buf, words, ix: new Uint32Array(buf, 0, words), bytes: new Uint8Array(buf, 4 * words, len) };
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

/** Write the link head (`d8 2a 58 25 00`) at `pos`, the 36 CID bytes follow. */
export function writeLinkHead(buf: Uint8Array, pos: number): void {
  buf[pos] = 0xd8;
  buf[pos + 1] = 0x2a;
  buf[pos + 2] = 0x58;
  buf[pos + 3] = 0x25;
  buf[pos + 4] = 0x00;
}

/** Leaf framing: encoded size minus the entries' weights, for n entries. */
export function leafFraming(n: number): number {
  return 8 + 2 * headSize(n);
}

/** Encode a leaf from entries (sorted by key; not checked here). */
export function encodeLeaf(entries: readonly { key: Uint8Array; value: Uint8Array }[]): ProllyNode {
  const n = entries.length;
  let len = leafFraming(n);
  for (const e of entries) len += headSize(e.key.length) + e.key.length + headSize(e.value.length) + e.value.length;
  const { buf, words, ix, bytes } = allocNode(len, n);
  const nf = recordBase(n);
  bytes[0] = 0xa3;
  bytes[1] = 0x61;
  bytes[2] = 0x6b;
  let p = writeHead(bytes, 3, 4, n);
  for (let i = 0; i < n; i++) {
    const k = entries[i]!.key;
    p = writeHead(bytes, p, 2, k.length);
    bytes.set(k, p);
    ix[nf + REC * i + 1] = p;
    ix[nf + REC * i + 2] = p += k.length;
  }
  bytes[p++] = 0x61;
  bytes[p++] = 0x6c;
  bytes[p++] = 0x00;
  bytes[p++] = 0x61;
  bytes[p++] = 0x76;
  p = writeHead(bytes, p, 4, n);
  for (let i = 0; i < n; i++) {
    const v = entries[i]!.value;
    p = writeHead(bytes, p, 2, v.length);
    bytes.set(v, p);
    ix[nf + REC * i + 3] = p;
    ix[nf + REC * i + 4] = p += v.length;
  }
  const cid = nodeCid(bytes);
  return new ProllyNode(buf, words, bytes, cid, nodeKey(cid), 0, n, EMPTY_F64, n, -1);
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
  let len = linkBase(n) + LINK_BYTES * n + 2 + headSize(n) + 2 + headSize(level) + 2 + headSize(n);
  for (const r of refs) {
    if (r.cid.bytes.length !== CID_BYTES || r.cid.code !== DAG_CBOR || r.cid.multihash.code !== SHA2_256) {
      throw new TypeError('A child link must be a CID v1 dag-cbor sha2-256');
    }
    len += headSize(r.key.length) + r.key.length + headSize(r.count);
  }
  const { buf, words, ix, bytes } = allocNode(len, n);
  const nf = recordBase(n);
  const cum = new Float64Array(n);
  bytes[0] = 0xa4;
  bytes[1] = 0x61;
  bytes[2] = 0x63;
  let p = writeHead(bytes, 3, 4, n);
  for (let i = 0; i < n; i++) {
    writeLinkHead(bytes, p);
    bytes.set(refs[i]!.cid.bytes, p + 5);
    p += LINK_BYTES;
  }
  bytes[p++] = 0x61;
  bytes[p++] = 0x6b;
  p = writeHead(bytes, p, 4, n);
  for (let i = 0; i < n; i++) {
    const k = refs[i]!.key;
    p = writeHead(bytes, p, 2, k.length);
    bytes.set(k, p);
    ix[nf + REC * i + 1] = p;
    ix[nf + REC * i + 2] = p += k.length;
  }
  bytes[p++] = 0x61;
  bytes[p++] = 0x6c;
  p = writeHead(bytes, p, 0, level);
  bytes[p++] = 0x61;
  bytes[p++] = 0x6e;
  p = writeHead(bytes, p, 4, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    p = writeHead(bytes, p, 0, refs[i]!.count);
    cum[i] = total += refs[i]!.count;
  }
  const cid = nodeCid(bytes);
  return new ProllyNode(buf, words, bytes, cid, nodeKey(cid), level, n, cum, total, -1);
}

/** The node of the empty tree. */
export const EMPTY_LEAF: ProllyNode = encodeLeaf([]);
/** Root CID of the empty tree. */
export const EMPTY_ROOT: CID = EMPTY_LEAF.cid;
/** Shared empty count array of leaves. */
export const NO_COUNTS: Float64Array = EMPTY_F64;

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

  /** Read a byte string of at most `max` bytes; record its start and end in `out` at `at`. */
  bytesInto(out: Uint32Array, at: number, what: string, max: number): void {
    const len = this.head(2, what);
    if (len > max) this.fail(`${what} of ${len} bytes is over the limit of ${max}`);
    const start = this.pos;
    const end = start + len;
    if (end > this.b.length) this.fail(`${what} runs past the end`);
    out[at] = start;
    out[at + 1] = end;
    this.pos = end;
  }
}

/**
 * Decode and check a node. Raises `DecodeError` when `bytes` is not a well-formed node.
 * `cid` is the node's content id (not re-checked here; `NodeStore` verifies hashes). The
 * node keeps a copy of `bytes` (next to its index).
 */
export function decodeNode(cid: CID, bytes: Uint8Array): ProllyNode {
  const first = bytes.length > 0 ? bytes[0] : -1;
  let node: ProllyNode;
  if (first === 0xa3) node = decodeLeaf(bytes, cid);
  else if (first === 0xa4) node = decodeInternal(bytes, cid);
  else return new Reader(bytes).fail('expected a map of 3 (leaf) or 4 (internal) fields');
  const b = node.bytes;
  const nf = node.nf;
  for (let i = 1; i < node.size; i++) {
    const r = nf + REC * i;
    if (compareRanges(b, node[r - REC + 1]!, node[r - REC + 2]!, b, node[r + 1]!, node[r + 2]!) >= 0) {
      throw new DecodeError('prolly tree node', `keys ${i - 1} and ${i} are not in ascending order`);
    }
  }
  return node;
}

/** Read the head of the first array (at byte 3) and allocate the node's room around a copy of `bytes`. */
function roomFor(src: Uint8Array, what: string): { r: Reader; n: number; room: NodeRoom } {
  const pre = new Reader(src);
  pre.pos = 1;
  pre.byte(0x61, `field "${what}"`);
  pre.byte(what.charCodeAt(0), `field "${what}"`);
  const n = pre.head(4, what === 'k' ? 'array of keys' : 'array of links');
  if (n > src.length) pre.fail('array length beyond node size');
  const room = allocNode(src.length, n);
  room.bytes.set(src);
  const r = new Reader(room.bytes);
  r.pos = pre.pos;
  return { r, n, room };
}

function decodeLeaf(src: Uint8Array, cid: CID): ProllyNode {
  const { r, n, room } = roomFor(src, 'k');
  const ix = room.ix;
  const nf = recordBase(n);
  for (let i = 0; i < n; i++) r.bytesInto(ix, nf + REC * i + 1, 'key', MAX_KEY_BYTES);
  r.byte(0x61, 'field "l"');
  r.byte(0x6c, 'field "l"');
  r.byte(0x00, 'level 0');
  r.byte(0x61, 'field "v"');
  r.byte(0x76, 'field "v"');
  const m = r.head(4, 'array of values');
  if (m !== n) r.fail(`${n} keys but ${m} values`);
  for (let i = 0; i < n; i++) r.bytesInto(ix, nf + REC * i + 3, 'value', MAX_VALUE_BYTES);
  if (r.pos !== src.length) r.fail('trailing bytes');
  return new ProllyNode(room.buf, room.words, room.bytes, cid, cidKey(cid), 0, n, EMPTY_F64, n, -1);
}

function decodeInternal(src: Uint8Array, cid: CID): ProllyNode {
  const { r, n, room } = roomFor(src, 'c');
  const b = room.bytes;
  const ix = room.ix;
  const nf = recordBase(n);
  if (n === 0) r.fail('internal node without children');
  for (let i = 0; i < n; i++) {
    if (r.pos + LINK_BYTES > b.length) r.fail('truncated link');
    for (let j = 0; j < LINK_HEAD.length; j++) {
      if (b[r.pos + j] !== LINK_HEAD[j]) {
        r.pos += j;
        r.fail(j < 2 ? 'link (tag 42)' : j < 4 ? 'bad link length' : j === 4 ? 'link without the 0x00 multibase prefix' : 'child link is not a CID v1 dag-cbor sha2-256');
      }
    }
    r.pos += LINK_BYTES;
  }
  r.byte(0x61, 'field "k"');
  r.byte(0x6b, 'field "k"');
  if (r.head(4, 'array of keys') !== n) r.fail('key count differs from link count');
  for (let i = 0; i < n; i++) r.bytesInto(ix, nf + REC * i + 1, 'key', MAX_KEY_BYTES);
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
  if (r.pos !== src.length) r.fail('trailing bytes');
  return new ProllyNode(room.buf, room.words, b, cid, cidKey(cid), level, n, cum, total, -1);
}
