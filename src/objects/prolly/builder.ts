/**
 * Bulk build: turns entries sorted by key into a tree, bottom-up, in one streaming pass over
 * the input (leaves are encoded as the entries arrive), then chunks each level of child
 * references into the level above until a single root remains. Also checks every entry
 * (byte arrays, size limits, strictly ascending keys) before anything is written.
 */
import { EntryTooLargeError, UnsortedInputError } from '../../errors/index.js';
import type { NodeStore } from '../node-store.js';
import type { TreeEntry } from '../tree-types.js';
import { compareBytes } from './bytes.js';
import { InternalWriter, LeafWriter } from './level-writer.js';
import { EMPTY_LEAF, MAX_KEY_BYTES, MAX_VALUE_BYTES, type ProllyNode } from './node.js';

/** Check a key: a byte array within the size limit. */
export function checkKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError('A tree key must be a Uint8Array');
  if (key.length > MAX_KEY_BYTES) throw new EntryTooLargeError('key', key.length, MAX_KEY_BYTES);
}

/** Check a value: a byte array within the size limit. */
export function checkValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('A tree value must be a Uint8Array');
  if (value.length > MAX_VALUE_BYTES) throw new EntryTooLargeError('value', value.length, MAX_VALUE_BYTES);
}

/**
 * Chunk nodes of one level (in key order, at least one) into the levels above until one
 * node remains; queue every new node in `ns`. Returns the root.
 */
export function buildAbove(ns: NodeStore, nodes: ProllyNode[]): ProllyNode {
  let level = nodes;
  while (level.length > 1) {
    const next: ProllyNode[] = [];
    const w = new InternalWriter(level[0]!.level + 1, (n) => next.push(n));
    for (const n of level) w.addNode(n);
    w.finish();
    for (const n of next) ns.putNode(n);
    level = next;
  }
  return level[0]!;
}

/**
 * Build a tree from entries in strictly ascending key order. Raises `UnsortedInputError`
 * (unsorted or duplicate keys), `EntryTooLargeError` or `TypeError` before queuing any node.
 * Returns the root node.
 */
export function buildTree(ns: NodeStore, entries: Iterable<TreeEntry>): ProllyNode {
  const leaves: ProllyNode[] = [];
  const writer = new LeafWriter((n) => leaves.push(n));
  let prev: Uint8Array | undefined;
  let i = 0;
  for (const e of entries) {
    const k = e.key;
    const v = e.value;
    if (!(k instanceof Uint8Array) || k.length > MAX_KEY_BYTES) checkKey(k);
    if (!(v instanceof Uint8Array) || v.length > MAX_VALUE_BYTES) checkValue(v);
    if (prev !== undefined && compareBytes(prev, k) >= 0) throw new UnsortedInputError(i);
    writer.add(k, 0, k.length, v, 0, v.length);
    prev = k;
    i++;
  }
  writer.finish();
  return finishBuild(ns, leaves);
}

/** Queue `leaves` and build the levels above them (the empty tree when there are none). */
export function finishBuild(ns: NodeStore, leaves: ProllyNode[]): ProllyNode {
  if (leaves.length === 0) {
    ns.putNode(EMPTY_LEAF);
    return EMPTY_LEAF;
  }
  for (const n of leaves) ns.putNode(n);
  return buildAbove(ns, leaves);
}
