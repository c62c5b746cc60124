/**
 * Byte-string helpers for the prolly tree's hot paths: unsigned lexicographic comparison of
 * whole arrays or of ranges inside a node's encoded bytes (so lookups compare keys in place,
 * without allocating views), equality, and the latin1 string form of a key used as an
 * order-preserving map key by the editor overlay.
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

/** True when `a[as, ae)` and `b[bs, be)` hold the same bytes. */
export function equalRanges(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  const n = ae - as;
  if (n !== be - bs) return false;
  for (let i = 0; i < n; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** True when two byte strings are equal. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return equalRanges(a, 0, a.length, b, 0, b.length);
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
  if (nativeLatin1 !== undefined) return nativeLatin1.call(bytes, 0, bytes.length);
  const n = bytes.length;
  if (n <= 8192) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  }
  return s;
}

/**
 * `compareRanges` four bytes at a time through DataViews over the same arrays (big-endian
 * words compare like their bytes). For the diff's inner loop, where most keys are equal.
 */
export function compareRangesDV(
  a: Uint8Array,
  da: DataView,
  as: number,
  ae: number,
  b: Uint8Array,
  db: DataView,
  bs: number,
  be: number,
): number {
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

/** `equalRanges` four bytes at a time through DataViews. */
export function equalRangesDV(a: Uint8Array, da: DataView, as: number, ae: number, b: Uint8Array, db: DataView, bs: number, be: number): boolean {
  const n = ae - as;
  if (n !== be - bs) return false;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (da.getInt32(as + i) !== db.getInt32(bs + i)) return false;
  for (; i < n; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}
