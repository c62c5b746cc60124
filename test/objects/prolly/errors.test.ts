/**
 * Bad input and damaged storage raise typed errors: unsorted or duplicate bulk input,
 * over-size keys and values, a missing chunk, a corrupted chunk. Never a crash and never a
 * silent wrong answer.
 */
import { describe, expect, it } from 'vitest';
import {
  ChunkCorruptError,
  ChunkNotFoundError,
  EntryTooLargeError,
  UnsortedInputError,
} from '../../../src/errors/index.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, NodeStore, ProllyTree } from '../../../src/objects/index.js';
import { MemoryChunkStore } from '../../../src/store/index.js';
import { bytes, fixedEntry, newStore } from './helpers.js';

function expectCode(fn: () => unknown, type: new (...a: never[]) => Error, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(type);
  expect((caught as { code: string }).code).toBe(code);
}

async function builtAndFlushed(n: number): Promise<{ store: MemoryChunkStore; tree: ProllyTree }> {
  const { store, ns } = newStore();
  const tree = ProllyTree.build(ns, Array.from({ length: n }, (_, i) => fixedEntry(i)));
  await ns.flush();
  return { store, tree };
}

describe('bad input', () => {
  it('unsorted or duplicate bulk input raises UnsortedInputError and queues nothing', () => {
    const { ns } = newStore();
    const entries = Array.from({ length: 3000 }, (_, i) => fixedEntry(i));
    const swapped = entries.slice();
    [swapped[2500], swapped[2501]] = [swapped[2501]!, swapped[2500]!];
    expectCode(() => ProllyTree.build(ns, swapped), UnsortedInputError, 'UNSORTED_INPUT');
    const dup = entries.slice();
    dup[10] = dup[9]!;
    expectCode(() => ProllyTree.build(ns, dup), UnsortedInputError, 'UNSORTED_INPUT');
    expect(ns.pendingCount).toBe(0);
    try {
      ProllyTree.build(ns, swapped);
    } catch (err) {
      expect((err as Error).message).toContain('2501');
    }
  });

  it('keys and values over the limit raise EntryTooLargeError everywhere; at the limit they work', () => {
    const { ns } = newStore();
    const bigKey = new Uint8Array(MAX_KEY_BYTES + 1);
    const bigValue = new Uint8Array(MAX_VALUE_BYTES + 1);
    const okKey = new Uint8Array(MAX_KEY_BYTES).fill(7);
    const okValue = new Uint8Array(MAX_VALUE_BYTES).fill(9);
    expectCode(() => ProllyTree.build(ns, [{ key: bigKey, value: bytes('v') }]), EntryTooLargeError, 'KEY_TOO_LARGE');
    expectCode(() => ProllyTree.build(ns, [{ key: bytes('k'), value: bigValue }]), EntryTooLargeError, 'VALUE_TOO_LARGE');
    const t = ProllyTree.empty(ns);
    expectCode(() => t.mutate([{ key: bigKey, value: bytes('v') }]), EntryTooLargeError, 'KEY_TOO_LARGE');
    expectCode(() => t.mutate([{ key: bigKey, value: null }]), EntryTooLargeError, 'KEY_TOO_LARGE');
    expectCode(() => t.mutate([{ key: bytes('k'), value: bigValue }]), EntryTooLargeError, 'VALUE_TOO_LARGE');
    const ed = t.editor();
    expectCode(() => ed.put(bigKey, bytes('v')), EntryTooLargeError, 'KEY_TOO_LARGE');
    expectCode(() => ed.put(bytes('k'), bigValue), EntryTooLargeError, 'VALUE_TOO_LARGE');
    expectCode(() => ed.delete(bigKey), EntryTooLargeError, 'KEY_TOO_LARGE');
    expect(ed.dirty).toBe(false);
    // at the limit: fine, and the huge value sits alone in its leaf
    const u = t.mutate([
      { key: okKey, value: okValue },
      { key: bytes('a'), value: bytes('1') },
      { key: bytes('z'), value: bytes('2') },
    ]);
    expect(u.count).toBe(3);
    expect(u.get(okKey)!.length).toBe(MAX_VALUE_BYTES);
    expect(u.depth).toBe(2);
  });

  it('keys and values must be Uint8Arrays (TypeError)', () => {
    const { ns } = newStore();
    const t = ProllyTree.empty(ns);
    expect(() => t.mutate([{ key: 'a' as unknown as Uint8Array, value: bytes('1') }])).toThrow(TypeError);
    expect(() => ProllyTree.build(ns, [{ key: bytes('a'), value: [1] as unknown as Uint8Array }])).toThrow(TypeError);
    expect(() => t.editor().put(bytes('a'), 'x' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('damaged storage', () => {
  it('a missing chunk raises ChunkNotFoundError on get, iteration and load', async () => {
    const { store, tree } = await builtAndFlushed(20_000);
    const root = tree.rootNode;
    const victim = root.children[1]!;
    await store.deleteMany([victim]);
    const ns = new NodeStore(store);
    const t = ProllyTree.load(ns, tree.root);
    const inFirst = ns.getNode(root.children[0]!).lastKey()!;
    expect(t.get(inFirst)).toBeDefined(); // the first subtree is intact
    const probe = fixedEntry(19_999).key; // somewhere after the first subtree
    let seen = 0;
    expect(() => {
      for (const e of t.entries()) if (e) seen++;
    }).toThrow(ChunkNotFoundError);
    expect(seen).toBe(root.countAt(0));
    expect(() => t.at(root.countAt(0))).toThrow(ChunkNotFoundError);
    expect(t.get(probe)).toBeDefined(); // a later subtree is intact too
    const missingKey = ns.getNode(root.children[0]!).lastKey()!.slice();
    missingKey[missingKey.length - 1]! += 1; // just past the first subtree: falls in the victim
    expect(() => t.get(missingKey)).toThrow(ChunkNotFoundError);
    await store.deleteMany([tree.root]);
    expect(() => ProllyTree.load(new NodeStore(store), tree.root)).toThrow(ChunkNotFoundError);
  });

  it('a corrupted chunk raises ChunkCorruptError (hash mismatch, or undecodable with verify off)', async () => {
    const { store, tree } = await builtAndFlushed(20_000);
    const victim = tree.rootNode.children[0]!;
    const good = store.getSync(victim)!;
    const flipped = good.slice();
    flipped[flipped.length >> 1]! ^= 1;
    await store.put(victim, flipped);
    const t = ProllyTree.load(new NodeStore(store), tree.root);
    expect(() => t.get(fixedEntry(0).key)).toThrow(ChunkCorruptError);
    expect(() => [...t.entries()]).toThrow(ChunkCorruptError);
    // with verification off, bytes that do not decode as a node are still caught
    await store.put(victim, new Uint8Array([0xa3, 1, 2, 3]));
    const lax = ProllyTree.load(new NodeStore(store, { verify: false }), tree.root);
    expect(() => lax.get(fixedEntry(0).key)).toThrow(ChunkCorruptError);
    // the error is not sticky: after repair, reads work
    await store.put(victim, good);
    const fresh = ProllyTree.load(new NodeStore(store), tree.root);
    expect(fresh.get(fixedEntry(0).key)).toBeDefined();
  });

  it('a chunk that is not a node (e.g. a commit object) is reported as corrupt, not misread', async () => {
    const store = new MemoryChunkStore();
    const ns = new NodeStore(store);
    const cid = ns.putBytes(new Uint8Array([0xa1, 0x61, 0x61, 0x01])); // {"a": 1}
    await ns.flush();
    expect(() => ProllyTree.load(new NodeStore(store), cid)).toThrow(ChunkCorruptError);
  });
});
