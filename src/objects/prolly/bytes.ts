/**
 * Byte-string helpers for the prolly tree's hot paths: unsigned lexicographic comparison of
 * whole arrays or of ranges inside a node's encoded bytes (so lookups compare keys in place,
 * without allocating views), equality of long spans (native memcmp where the runtime has it)
 * and the position of the first difference (the diff's inner loop), and the latin1 string
 * form of a key (an order-preserving map key for the editor overlay; the node cache key).
 */

/** Unsigned lexicographic order of two byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Compare `a[as, ae)` with `b` (whole). */
export function compareRangeTo(a: Uint8Array, as: number, ae: number, b: Uint8Array): number {
  const la = ae - as;
  const lb = b.length;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Compare `a[as, ae)` with `b[bs, be)`. */
export function compareRanges(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/** Node's native latin1 decoder (works on any Uint8Array), when the runtime has one. */
const nativeLatin1: Latin1Slice | undefined = (() => {
  const B = (globalThis as { Buffer?: { prototype?: { latin1Slice?: unknown } } }).Buffer;
  const f = B?.prototype?.latin1Slice;
  if (typeof f !== 'function') return undefined;
  try {
    return (f as Latin1Slice).call(new Uint8Array([0x61, 0xff]), 0, 2) === 'a\xff' ? (f as Latin1Slice) : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * The latin1 string of `bytes` (one UTF-16 code unit per byte). JavaScript compares such
 * strings in the same order as `compareBytes` compares the bytes.
 */
export function latin1(bytes: Uint8Array): string {
  return latin1Range(bytes, 0, bytes.length);
}

/** The latin1 string of `bytes[start, end)`. */
export function latin1Range(bytes: Uint8Array, start: number, end: number): string {
  if (nativeLatin1 !== undefined) return nativeLatin1.call(bytes, start, end);
  if (end - start <= 8192) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  }
  return s;
}

type RangeCompare = (this: Uint8Array, target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number) => number;

/** Node's native range comparison (memcmp; works on any Uint8Array), when the runtime has one. */
const nativeCompare: RangeCompare | undefined = (() => {
  const B = (globalThis as { Buffer?: { prototype?: { compare?: unknown } } }).Buffer;
  const f = B?.prototype?.compare;
  if (typeof f !== 'function') return undefined;
  try {
    const a = new Uint8Array([1, 2, 3, 4]);
    const b = new Uint8Array([9, 2, 3, 5]);
    const g = f as RangeCompare;
    return g.call(a, b, 1, 3, 1, 3) === 0 && g.call(a, b, 1, 4, 1, 4) < 0 && g.call(b, a, 0, 1, 0, 1) > 0 ? g : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * True when `a[as, as + len)` equals `b[bs, bs + len)`. Long spans go to the native memcmp
 * (one call costs about as much as comparing 40 bytes in JavaScript).
 */
export function equalSpan(a: Uint8Array, as: number, b: Uint8Array, bs: number, len: number): boolean {
  if (len > 48 && nativeCompare !== undefined) return nativeCompare.call(a, b, bs, bs + len, as, as + len) === 0;
  for (let i = 0; i < len; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/**
 * Length of the common prefix of `a[as, as + len)` and `b[bs, bs + len)`, four bytes at a
 * time through DataViews over the same arrays.
 */
export function commonPrefix(a: Uint8Array, da: DataView, as: number, b: Uint8Array, db: DataView, bs: number, len: number): number {
  let i = 0;
  // sixteen bytes per step, one branch: the spans are usually equal for hundreds of bytes
  const l16 = len - 15;
  while (
    i < l16 &&
    ((da.getInt32(as + i) ^ db.getInt32(bs + i)) |
      (da.getInt32(as + i + 4) ^ db.getInt32(bs + i + 4)) |
      (da.getInt32(as + i + 8) ^ db.getInt32(bs + i + 8)) |
      (da.getInt32(as + i + 12) ^ db.getInt32(bs + i + 12))) ===
      0
  ) {
    i += 16;
  }
  const l4 = len - 3;
  while (i < l4 && da.getInt32(as + i) === db.getInt32(bs + i)) i += 4;
  while (i < len && a[as + i] === b[bs + i]) i++;
  return i;
}

/**
 * `compareRanges` four bytes at a time through DataViews over the same arrays (keys of one
 * tree often share long prefixes).
 */
export function compareRangesWide(a: Uint8Array, da: DataView, as: number, ae: number, b: Uint8Array, db: DataView, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  let i = 0;
  const n4 = n - 3;
  while (i < n4 && da.getInt32(as + i) === db.getInt32(bs + i)) i += 4;
  for (; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/**
 * `commonPrefix` for long spans: halves the window with the native comparison (when the
 * runtime has one) while it is longer than a few hundred bytes, then scans the rest.
 */
export function mismatchAt(a: Uint8Array, da: DataView, as: number, b: Uint8Array, db: DataView, bs: number, len: number): number {
  let lo = 0;
  let hi = len;
  if (nativeCompare !== undefined) {
    while (hi - lo > 384) {
      const mid = lo + ((hi - lo) >>> 1);
      if (nativeCompare.call(a, b, bs + lo, bs + mid, as + lo, as + mid) === 0) lo = mid;
      else hi = mid;
    }
  }
  return lo + commonPrefix(a, da, as + lo, b, db, bs + lo, hi - lo);
}
