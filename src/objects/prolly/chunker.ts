/**
 * The boundary rule of the prolly tree: where one node ends and the next begins.
 *
 * The rule looks only at the entries themselves — each entry's key bytes and encoded size —
 * and at the size of the node being filled, which is itself a function of the entries since
 * the previous boundary. It never looks at the order in which entries were inserted, so one
 * set of entries always splits into the same nodes and gives the same root CID (history
 * independence). It is applied level by level, left to right, starting empty at each level.
 *
 * Terms (sizes in bytes):
 *  - weight w(e): a leaf entry weighs exactly its encoded bytes, `head(|k|) + |k| + head(|v|) + |v|`
 *    (`head(n)` = CBOR header length of a byte string of length n: 1 below 24, 2 below 256,
 *    3 below 65,536, else 5). An internal entry weighs `head(|k|) + |k| + 50` (its CID link,
 *    41 bytes, plus room for the largest count, 9). A node's encoded size is the sum of its
 *    entries' weights plus at most 20 bytes of framing.
 *  - s: the running size of the node being filled, after adding the current entry; n: the
 *    number of entries in it.
 *  - h(e) = murmur3-x86-32 of the entry's key bytes with seed `levelSeed(level)`
 *    (`0x5bd1e995 ^ imul(level + 1, 0x9e3779b9)`, as uint32). Leaves are level 0; a different
 *    seed per level keeps the boundary keys of one level from being boundaries again above.
 *
 * Rule, for each entry e in key order:
 *  1. (leaves only) if w(e) > BIG_ENTRY_BYTES and n > 0, end the node before e;
 *  2. add e to the node;
 *  3. end the node after e when any of:
 *     a. (leaves only) w(e) > BIG_ENTRY_BYTES — an over-large entry sits alone in its node;
 *     b. s ≥ FORCE_SPLIT_BYTES, so that no further entry can take the node past NODE_MAX_BYTES;
 *     c. s ≥ NODE_MIN_BYTES (and, above the leaves, n ≥ 2) and
 *        h(e) < T, T = floor(2^32 · w·(s − NODE_MIN_BYTES) / SIGMA2), or w·(s − NODE_MIN_BYTES) ≥ SIGMA2;
 *  4. the last node of a level ends after its last entry.
 *
 * Rule 3c gives each byte of a node a chance of ending it that grows linearly with the node's
 * size, so node sizes follow a Rayleigh distribution shifted by NODE_MIN_BYTES: mean ≈ 4 KiB
 * (NODE_TARGET_BYTES), and a node reaches the forced split of 3b with probability ≈ 3e-5.
 * All arithmetic is on integers below 2^53 followed by one correctly rounded division, so
 * every conforming JavaScript engine takes the same decisions.
 *
 * Guarantees: every node is at most NODE_MAX_BYTES (plus framing) except a leaf holding one
 * entry heavier than BIG_ENTRY_BYTES, which is alone; every node is at least NODE_MIN_BYTES
 * except the last node of a level, a leaf ended by rule 1, or an over-large entry's own node;
 * every internal node but the last of its level has ≥ 2 children, so the tree always has a
 * single root.
 */

/** Below this size a node never ends by hash (rule 3c). */
export const NODE_MIN_BYTES = 1024;
/** The mean node size the rule aims at (documentation; the rule uses SIGMA2). */
export const NODE_TARGET_BYTES = 4096;
/** Hard maximum of a node's entry weights (an over-large leaf entry alone excepted). */
export const NODE_MAX_BYTES = 16384;
/** A leaf entry heavier than this sits alone in its node. */
export const BIG_ENTRY_BYTES = 4096;
/** Largest weight of an entry that shares a node (a leaf entry ≤ BIG_ENTRY_BYTES, or any internal entry). */
export const MAX_SHARED_ENTRY_BYTES = 4224;
/** Rule 3b: a node this large ends after the current entry. */
export const FORCE_SPLIT_BYTES = NODE_MAX_BYTES - MAX_SHARED_ENTRY_BYTES;
/** Scale of the Rayleigh distribution (σ², bytes²); mean ≈ NODE_MIN_BYTES + 1.2533·σ. */
export const SIGMA2 = 6_000_000;
/** Weight of an internal entry beyond its key's bytes and header. */
export const INTERNAL_ENTRY_EXTRA = 50;

/** CBOR header length for a byte string (or array) of length `n`. */
export function headLen(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < 4294967296 ? 5 : 9;
}

/** Weight of a leaf entry (its exact encoded size). */
export function leafWeight(keyLen: number, valueLen: number): number {
  return headLen(keyLen) + keyLen + headLen(valueLen) + valueLen;
}

/** Weight of an internal entry. */
export function internalWeight(keyLen: number): number {
  return headLen(keyLen) + keyLen + INTERNAL_ENTRY_EXTRA;
}

/** Hash seed of a level (0 = leaves). */
export function levelSeed(level: number): number {
  return (0x5bd1e995 ^ Math.imul(level + 1, 0x9e3779b9)) >>> 0;
}

/**
 * Rule 3c for an entry of weight `w` that brought the node to size `s` (≥ NODE_MIN_BYTES),
 * whose key hashes to `h` (uint32).
 */
export function hashBoundary(h: number, w: number, s: number): boolean {
  const x = w * (s - NODE_MIN_BYTES);
  if (x >= SIGMA2) return true;
  return h < Math.floor((x * 4294967296) / SIGMA2);
}

/**
 * MurmurHash3 (x86, 32-bit) of `b[start, end)` with `seed`, as an unsigned 32-bit integer.
 * Fast and well mixed; not cryptographic (boundaries need spread, not secrecy).
 */
export function murmur3(b: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  const len = end - start;
  const e4 = start + (len & ~3);
  let i = start;
  while (i < e4) {
    let k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    i += 4;
  }
  const rest = len & 3;
  if (rest !== 0) {
    let k = 0;
    if (rest === 3) k ^= b[i + 2]! << 16;
    if (rest >= 2) k ^= b[i + 1]! << 8;
    k ^= b[i]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
