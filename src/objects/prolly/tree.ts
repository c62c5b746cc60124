/**
 * `ProllyTree`: the immutable sorted map from byte keys to byte values that implements the
 * `Tree` contract of `tree-types.ts`. A tree is a `NodeStore` plus a decoded root node; every
 * mutation returns a new tree sharing the unchanged nodes, and queues the new nodes in the
 * `NodeStore` until its `flush()`. The work itself lives in builder / cursor / mutate / diff.
 *
 * Keys and values handed out (get, entries, at, diff) are views into the immutable node bytes:
 * read them, copy them, but never write into them.
 */
import type { CID } from '../../hash/index.js';
import type { NodeStore } from '../node-store.js';
import type { DiffEntry, RangeOptions, Tree, TreeEdit, TreeEntry } from '../tree-types.js';
import { compareBytes } from './bytes.js';
import { buildTree, checkKey, checkValue, finishBuild } from './builder.js';
import { entryAt, iterateFrom, lookup, rangeIterator, rank } from './cursor.js';
import { diffTrees } from './diff.js';
import { ProllyEditor, type EditableTree } from './editor.js';
import { LeafWriter } from './level-writer.js';
import { mutateTree, sortEdits, type LeafEdit } from './mutate.js';
import { EMPTY_LEAF, EMPTY_ROOT, type ProllyNode } from './node.js';

export class ProllyTree implements Tree, EditableTree<ProllyTree> {
  private constructor(
    /** Where the nodes are read and queued. */
    readonly ns: NodeStore,
    /** The decoded root node. */
    readonly rootNode: ProllyNode,
  ) {}

  /** The empty tree (its node is queued so that the root CID resolves after a flush). */
  static empty(ns: NodeStore): ProllyTree {
    ns.putNode(EMPTY_LEAF);
    return new ProllyTree(ns, EMPTY_LEAF);
  }

  /** The tree whose root is `root`, read synchronously (ChunkNotFoundError / ChunkCorruptError). */
  static load(ns: NodeStore, root: CID): ProllyTree {
    if (root.equals(EMPTY_ROOT)) return new ProllyTree(ns, EMPTY_LEAF);
    return new ProllyTree(ns, ns.getNode(root));
  }

  /**
   * Build from entries in strictly ascending key order. Raises `UnsortedInputError` for
   * unsorted or duplicate keys and `EntryTooLargeError` for over-size keys or values.
   */
  static build(ns: NodeStore, sortedEntries: Iterable<TreeEntry>): ProllyTree {
    return new ProllyTree(ns, buildTree(ns, sortedEntries));
  }

  get root(): CID {
    return this.rootNode.cid;
  }

  get count(): number {
    return this.rootNode.total;
  }

  get depth(): number {
    return this.rootNode.level + 1;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.ns, this.rootNode, key);
  }

  has(key: Uint8Array): boolean {
    return lookup(this.ns, this.rootNode, key) !== undefined;
  }

  entries(options?: RangeOptions): IterableIterator<TreeEntry> {
    return rangeIterator(this.ns, this.rootNode, options);
  }

  countRange(options: RangeOptions = {}): number {
    const root = this.rootNode;
    const lo = options.start === undefined ? 0 : rank(this.ns, root, options.start, options.startExclusive === true);
    const hi = options.end === undefined ? root.total : rank(this.ns, root, options.end, options.endInclusive === true);
    return hi > lo ? hi - lo : 0;
  }

  at(offset: number): TreeEntry | undefined {
    return entryAt(this.ns, this.rootNode, offset);
  }

  entriesFrom(offset: number): IterableIterator<TreeEntry> {
    return iterateFrom(this.ns, this.rootNode, offset);
  }

  /** Smallest entry, or undefined when empty. */
  first(): TreeEntry | undefined {
    return entryAt(this.ns, this.rootNode, 0);
  }

  /** Greatest entry, or undefined when empty. */
  last(): TreeEntry | undefined {
    return entryAt(this.ns, this.rootNode, this.rootNode.total - 1);
  }

  mutate(edits: Iterable<TreeEdit>): ProllyTree {
    const list: LeafEdit[] = [];
    for (const e of edits) {
      checkKey(e.key);
      if (e.value !== null) checkValue(e.value);
      list.push({ key: e.key, value: e.value });
    }
    if (list.length === 0) return this;
    return this.mutateSorted(sortEdits(list));
  }

  /**
   * `mutate` for edits already checked and sorted strictly ascending by key (the editor's
   * flush). Not checked again.
   */
  mutateSorted(edits: readonly LeafEdit[]): ProllyTree {
    const root = mutateTree(this.ns, this.rootNode, edits);
    return root === this.rootNode ? this : new ProllyTree(this.ns, root);
  }

  /** Bulk-build from sorted, checked edits (deletes skipped); used when the base is empty. */
  buildFromSortedEdits(edits: readonly LeafEdit[]): ProllyTree {
    const leaves: ProllyNode[] = [];
    const w = new LeafWriter((n) => leaves.push(n));
    for (const e of edits) if (e.value !== null) w.add(e.key, 0, e.key.length, e.value, 0, e.value.length);
    w.finish();
    return new ProllyTree(this.ns, finishBuild(this.ns, leaves));
  }

  diff(other: Tree): IterableIterator<DiffEntry> {
    if (other instanceof ProllyTree) return diffTrees(this.ns, this.rootNode, other.ns, other.rootNode);
    return naiveDiff(this.entries(), other.entries());
  }

  editor(): ProllyEditor<ProllyTree> {
    return new ProllyEditor<ProllyTree>(this);
  }
}

/** Diff by merging two ordered entry streams (for a `Tree` of another implementation). */
function* naiveDiff(a: Iterator<TreeEntry>, b: Iterator<TreeEntry>): Generator<DiffEntry, void, undefined> {
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && compareBytes(x.value.key, y.value.key) < 0)) {
      yield { kind: 'removed', key: x.value.key, from: x.value.value };
      x = a.next();
    } else if (x.done || compareBytes(x.value.key, y.value.key) > 0) {
      yield { kind: 'added', key: y.value.key, to: y.value.value };
      y = b.next();
    } else {
      if (compareBytes(x.value.value, y.value.value) !== 0) {
        yield { kind: 'modified', key: y.value.key, from: x.value.value, to: y.value.value };
      }
      x = a.next();
      y = b.next();
    }
  }
}
