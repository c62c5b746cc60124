/**
 * Packed chunks: the stored-value format of chunks that GC rewrote as deltas against a chunk
 * they replaced (or were replaced by), and their reconstruction.
 *
 * A packed value is stored under the chunk's own key, in place of its raw bytes, so presence
 * (`has`, `cids`, sweep) is unchanged and packing one chunk is one atomic put. Format:
 *
 *   0x00  kind  depth  baseLen  base CID bytes  deflateRaw(bytes, dictionary = base bytes)   (kind 1)
 *   0x00  kind  deflateRaw(bytes)                                                           (kind 2)
 *
 * Only dag-cbor chunks (CID codec 0x71) are ever packed, and no valid dag-cbor value longer than
 * one byte starts with 0x00 (0x00 is the whole encoding of the integer 0; dag-cbor forbids
 * trailing bytes). The store accepts any bytes, though, so a value starting with 0x00 counts as
 * packed only when it does not hash to its CID (raw values never pay that hash). Reading a packed chunk
 * inflates synchronously, recursively through its base (chain depth ≤ `MAX_PACK_DEPTH`).
 *
 * `PackIndex` keeps, in its own key range, which packed chunk depends on which base: a base is
 * never deleted without first rewriting its dependents raw (see `LevelChunkStore.deleteMany`).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CID, bytesMatchCid, cidKey } from '../hash/index.js';

export const PACK_TAG = 0x00;
export const PACK_DELTA = 1;
export const PACK_PLAIN = 2;
/** Longest chain of bases a packed chunk may have (reads inflate at most this many values). */
export const MAX_PACK_DEPTH = 8;
const DAG_CBOR = 0x71;

/**
 * Whether the stored value `v` of `cid` is packed. Only a value of a dag-cbor CID that starts
 * with 0x00 can be; since the store accepts any bytes under any CID, such a value is packed only
 * when it does not hash to its CID (one hash, paid only by packed values).
 */
export function isPacked(cid: CID, v: Uint8Array): boolean {
  return v.length > 1 && v[0] === PACK_TAG && cid.code === DAG_CBOR && !bytesMatchCid(cid, v);
}

/** Whether `cid` may be packed at all. */
export function packable(cid: CID): boolean {
  return cid.code === DAG_CBOR;
}

export interface PackHeader {
  kind: number;
  /** Chain depth: 1 + the base's depth (0 for a raw base); 1 for a plain-deflated chunk. */
  depth: number;
  base: CID | undefined;
  /** Offset of the deflated data. */
  data: number;
}

export function readHeader(v: Uint8Array): PackHeader {
  const kind = v[1]!;
  if (kind === PACK_PLAIN) return { kind, depth: 1, base: undefined, data: 2 };
  if (kind !== PACK_DELTA || v.length < 4) throw new Error('unknown packed chunk format');
  const len = v[3]!;
  const base = CID.decode(v.subarray(4, 4 + len));
  return { kind, depth: v[2]!, base, data: 4 + len };
}

/** Depth of a stored value (0 when raw). */
export function depthOf(cid: CID, v: Uint8Array): number {
  return isPacked(cid, v) ? readHeader(v).depth : 0;
}

/** A delta value of `bytes` against `baseBytes` (the base's original bytes). */
export function encodeDelta(bytes: Uint8Array, base: CID, baseBytes: Uint8Array, baseDepth: number): Uint8Array {
  const d = deflateRawSync(bytes, { dictionary: baseBytes, level: 9 });
  const b = base.bytes;
  const out = new Uint8Array(4 + b.length + d.length);
  out[0] = PACK_TAG;
  out[1] = PACK_DELTA;
  out[2] = baseDepth + 1;
  out[3] = b.length;
  out.set(b, 4);
  out.set(d, 4 + b.length);
  return out;
}

/** A plain deflated value of `bytes`. */
export function encodePlain(bytes: Uint8Array): Uint8Array {
  const d = deflateRawSync(bytes, { level: 9 });
  const out = new Uint8Array(2 + d.length);
  out[0] = PACK_TAG;
  out[1] = PACK_PLAIN;
  out.set(d, 2);
  return out;
}

/**
 * The original bytes of a packed value. `readStored` returns a chunk's stored value (raw or
 * packed). Throws when a base is missing or the chain is too long.
 */
export function unpack(v: Uint8Array, readStored: (cid: CID) => Uint8Array | undefined, hops = 0): Uint8Array {
  if (hops >= MAX_PACK_DEPTH) throw new Error('packed chunk chain too long');
  const h = readHeader(v);
  const data = v.subarray(h.data);
  if (h.kind === PACK_PLAIN) return toPlain(inflateRawSync(data));
  const base = h.base!;
  const stored = readStored(base);
  if (stored === undefined) throw new Error(`base chunk ${base.toString()} of a packed chunk is missing`);
  const baseBytes = isPacked(base, stored) ? unpack(stored, readStored, hops + 1) : stored;
  return toPlain(inflateRawSync(data, { dictionary: baseBytes }));
}

function toPlain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One dependency: `target` is stored packed against `base`. */
export interface PackDep {
  target: CID;
  base: CID;
}

/** Key of a dependency in the pack index range: `prefix ++ base ++ target`. */
export function depKey(prefix: Uint8Array, base: CID, target: CID): Uint8Array {
  const b = base.bytes;
  const t = target.bytes;
  const k = new Uint8Array(prefix.length + 1 + b.length + t.length);
  k.set(prefix, 0);
  k[prefix.length] = b.length;
  k.set(b, prefix.length + 1);
  k.set(t, prefix.length + 1 + b.length);
  return k;
}

export function parseDepKey(prefix: Uint8Array, key: Uint8Array): PackDep | undefined {
  try {
    const len = key[prefix.length]!;
    const s = prefix.length + 1;
    const base = CID.decode(key.slice(s, s + len));
    const target = CID.decode(key.slice(s + len));
    return { base, target };
  } catch {
    return undefined;
  }
}

/** In-memory view of the pack index: base → dependents, target → base. */
export class PackIndex {
  readonly dependents = new Map<string, Map<string, CID>>();
  readonly baseOf = new Map<string, CID>();

  add(d: PackDep): void {
    const b = cidKey(d.base);
    const t = cidKey(d.target);
    let m = this.dependents.get(b);
    if (m === undefined) this.dependents.set(b, (m = new Map()));
    m.set(t, d.target);
    this.baseOf.set(t, d.base);
  }

  remove(d: PackDep): void {
    const b = cidKey(d.base);
    const t = cidKey(d.target);
    const m = this.dependents.get(b);
    if (m !== undefined) {
      m.delete(t);
      if (m.size === 0) this.dependents.delete(b);
    }
    if (this.baseOf.get(t)?.equals(d.base) === true) this.baseOf.delete(t);
  }

  hasDependents(cid: CID): boolean {
    return this.dependents.has(cidKey(cid));
  }

  get size(): number {
    return this.baseOf.size;
  }
}

/** A request to pack `target` against `base` (undefined: plain deflate). */
export interface PackRequest {
  target: CID;
  base?: CID | undefined;
}

export interface PackResult {
  /** Chunks rewritten as deltas. */
  packed: number;
  /** Chunks rewritten plain-deflated. */
  compressed: number;
  /** Requests refused (cycle, chain too long, not smaller, missing, already packed). */
  skipped: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Chunks that support packing (the LevelDB store). */
export interface PackingChunkStore {
  /** Whether `cid` is stored packed (false when absent). */
  isPackedSync(cid: CID): boolean;
  packChunks(requests: readonly PackRequest[], options?: { plain?: boolean }): Promise<PackResult>;
}

export function isPackingStore(s: unknown): s is PackingChunkStore {
  return typeof (s as { packChunks?: unknown } | null)?.packChunks === 'function';
}
