/**
 * Shared helpers for the row-merge tests: tables as plain maps (id → {tag → value}) turned into
 * real prolly trees over a memory chunk store, and read back. Independent of src/merge.
 */
import {
  decodeKey,
  decodeKeylessValue,
  decodeRow,
  encodeKey,
  encodeKeylessValue,
  encodeRow,
  keylessKey,
  NodeStore,
  ProllyTree,
  type SqlValue,
  type Tree,
  type TreeEntry,
} from '../../src/objects/index.js';
import { MemoryChunkStore } from '../../src/store/index.js';

/** A row as cells by tag (no NULLs: an absent tag is NULL). */
export type Row = Record<number, SqlValue>;
/** A keyed table: id → row. */
export type Table = Map<number, Row>;

export function newNs(cacheBytes?: number): NodeStore {
  return new NodeStore(new MemoryChunkStore(), cacheBytes === undefined ? {} : { cacheBytes });
}

export function keyOf(id: number): Uint8Array {
  return encodeKey([BigInt(id)]);
}

export function idOf(key: Uint8Array): number {
  return Number(decodeKey(key)[0] as bigint);
}

export function rowBytes(row: Row): Uint8Array {
  const tags = Object.keys(row)
    .map(Number)
    .sort((a, b) => a - b);
  return encodeRow(
    tags,
    tags.map((t) => row[t]!),
  );
}

export function rowOf(bytes: Uint8Array): Row {
  const { tags, values } = decodeRow(bytes);
  const r: Row = {};
  tags.forEach((t, i) => (r[t] = values[i]!));
  return r;
}

/** Build a tree from a keyed table. */
export function treeOf(ns: NodeStore, table: Table): ProllyTree {
  const entries: TreeEntry[] = [...table.keys()]
    .sort((a, b) => a - b)
    .map((id) => ({ key: keyOf(id), value: rowBytes(table.get(id)!) }));
  return ProllyTree.build(ns, entries);
}

/** Read a keyed tree back as a table. */
export function tableOf(tree: Tree): Table {
  const t: Table = new Map();
  for (const e of tree.entries()) t.set(idOf(e.key), rowOf(e.value));
  return t;
}

export function cloneTable(t: Table): Table {
  const c: Table = new Map();
  for (const [k, v] of t) c.set(k, { ...v });
  return c;
}

// ── keyless tables: a multiset of rows, each row a list of string cells on tags 1.. ──

export interface KeylessRow {
  cells: string[];
  count: number;
}

export function keylessEntry(cells: string[], count: number): TreeEntry {
  const tags = cells.map((_, i) => i + 1);
  return { key: keylessKey(tags, cells), value: encodeKeylessValue(tags, cells, count) };
}

export function keylessTree(ns: NodeStore, rows: KeylessRow[]): ProllyTree {
  const es = rows.map((r) => keylessEntry(r.cells, r.count)).sort((a, b) => Buffer.compare(a.key, b.key));
  return ProllyTree.build(ns, es);
}

/** A keyless tree read back as "cells joined by |" → count. */
export function keylessCounts(tree: Tree): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of tree.entries()) {
    const v = decodeKeylessValue(e.value);
    m.set((v.values as string[]).join('|'), v.count);
  }
  return m;
}

export function hex(b: Uint8Array | null): string | null {
  return b === null ? null : Buffer.from(b).toString('hex');
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
