/**
 * Shared helpers for the prolly tree tests: deterministic entry generators, a sorted-array
 * model of the tree, and small byte utilities. The model is written independently of the
 * implementation (plain arrays and Buffer.compare).
 */
import { MemoryChunkStore } from '../../../src/store/index.js';
import { NodeStore, type DiffEntry, type RangeOptions, type TreeEntry } from '../../../src/objects/index.js';

export const enc = new TextEncoder();

export function bytes(s: string): Uint8Array {
  return enc.encode(s);
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function cmp(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function newStore(cacheBytes?: number): { store: MemoryChunkStore; ns: NodeStore } {
  const store = new MemoryChunkStore();
  return { store, ns: new NodeStore(store, cacheBytes === undefined ? {} : { cacheBytes }) };
}

/** mulberry32. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(r: () => number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** Shapes of generated data: key and value size mixes that exercise different tree shapes. */
export type Shape = 'small' | 'mixed' | 'bigkeys' | 'bigvalues';

/** A random key for a shape. Keys come from a bounded space so that operations collide. */
export function randomKey(r: () => number, shape: Shape, space: number): Uint8Array {
  const id = Math.floor(r() * space);
  const base = `k${String(id).padStart(7, '0')}`;
  if (shape === 'bigkeys' && id % 3 === 0) return bytes(base + 'x'.repeat(300 + (id % 1700)));
  if (shape === 'mixed' && id % 11 === 0) return bytes(base + '/' + 'y'.repeat(id % 200));
  return bytes(base);
}

export function randomValue(r: () => number, shape: Shape): Uint8Array {
  const roll = r();
  let len: number;
  if (shape === 'bigvalues') len = roll < 0.1 ? 4000 + Math.floor(r() * 9000) : Math.floor(r() * 600);
  else if (shape === 'mixed') len = roll < 0.02 ? 5000 + Math.floor(r() * 3000) : Math.floor(r() * 300);
  else len = Math.floor(r() * 40);
  return randomBytes(r, len);
}

/** Sorted-array model of a tree. */
export class Model {
  readonly map = new Map<string, TreeEntry>();

  put(key: Uint8Array, value: Uint8Array): void {
    this.map.set(hex(key), { key, value });
  }

  delete(key: Uint8Array): void {
    this.map.delete(hex(key));
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.map.get(hex(key))?.value;
  }

  sorted(): TreeEntry[] {
    return [...this.map.values()].sort((a, b) => cmp(a.key, b.key));
  }

  clone(): Model {
    const m = new Model();
    for (const [k, v] of this.map) m.map.set(k, v);
    return m;
  }
}

/** The entries of a sorted array that fall within `options`, in the requested order. */
export function modelRange(sorted: TreeEntry[], o: RangeOptions): TreeEntry[] {
  const out = sorted.filter((e) => {
    if (o.start !== undefined) {
      const c = cmp(e.key, o.start);
      if (c < 0 || (c === 0 && o.startExclusive)) return false;
    }
    if (o.end !== undefined) {
      const c = cmp(e.key, o.end);
      if (c > 0 || (c === 0 && !o.endInclusive)) return false;
    }
    return true;
  });
  return o.reverse ? out.reverse() : out;
}

/** Naive diff of two sorted entry arrays. */
export function naiveDiff(a: TreeEntry[], b: TreeEntry[]): DiffEntry[] {
  const out: DiffEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : cmp(a[i]!.key, b[j]!.key);
    if (c < 0) {
      out.push({ kind: 'removed', key: a[i]!.key, from: a[i]!.value });
      i++;
    } else if (c > 0) {
      out.push({ kind: 'added', key: b[j]!.key, to: b[j]!.value });
      j++;
    } else {
      if (cmp(a[i]!.value, b[j]!.value) !== 0) out.push({ kind: 'modified', key: b[j]!.key, from: a[i]!.value, to: b[j]!.value });
      i++;
      j++;
    }
  }
  return out;
}

/** Entries as hex pairs, for readable deep equality. */
export function show(entries: Iterable<TreeEntry>): string[] {
  const out: string[] = [];
  for (const e of entries) out.push(`${hex(e.key)}=${hex(e.value)}`);
  return out;
}

export function showDiff(d: Iterable<DiffEntry>): string[] {
  const out: string[] = [];
  for (const e of d) {
    if (e.kind === 'added') out.push(`+${hex(e.key)}=${hex(e.to)}`);
    else if (e.kind === 'removed') out.push(`-${hex(e.key)}=${hex(e.from)}`);
    else out.push(`~${hex(e.key)}=${hex(e.from)}>${hex(e.to)}`);
  }
  return out;
}

/** Shuffle in place (Fisher–Yates). */
export function shuffle<T>(r: () => number, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Fixed-format keys and values for golden tests and benchmarks: `key-000000` → `value-000000`. */
export function fixedEntry(i: number): TreeEntry {
  const n = String(i).padStart(6, '0');
  return { key: bytes(`key-${n}`), value: bytes(`value-${n}`) };
}
