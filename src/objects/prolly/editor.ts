/**
 * `ProllyEditor`: the mutable `TreeEditor` over an immutable `ProllyTree`. Puts and deletes go
 * to an in-memory sorted overlay (`overlay.ts`); reads merge the overlay with the base tree;
 * `flush()` turns the overlay into one batched mutation of the base (or one bulk build when
 * the base is empty) and continues on top of the result.
 *
 * The editor keeps references to the key and value arrays it is given: do not modify them
 * after `put`. `count` is kept exact lazily: a key's presence in the base is looked up only
 * when `count` is read.
 */
import type { RangeOptions, Tree, TreeEditor, TreeEntry } from '../tree-types.js';
import { compareBytes } from './bytes.js';
import { checkKey, checkValue } from './builder.js';
import type { LeafEdit } from './mutate.js';
import { Overlay, type OverlayEdit } from './overlay.js';

/** What the editor needs of its base tree (`ProllyTree` is one; `T` is its own type). */
export interface EditableTree<T> extends Tree {
  /** Apply edits sorted strictly by key and already checked. */
  mutateSorted(edits: readonly LeafEdit[]): T;
  /** Bulk-build a tree in the same store from sorted, checked edits (deletes skipped). */
  buildFromSortedEdits(edits: readonly LeafEdit[]): T;
}

export class ProllyEditor<T extends EditableTree<T>> implements TreeEditor {
  private tree: T;
  private readonly overlay = new Overlay();
  /** Edits whose `inBase` is still unknown. */
  private unresolved: OverlayEdit[] = [];
  /** Count change from the resolved edits. */
  private delta = 0;

  constructor(base: T) {
    this.tree = base;
  }

  get base(): T {
    return this.tree;
  }

  get dirty(): boolean {
    return this.overlay.size > 0;
  }

  /** Number of pending edits (puts and deletes of distinct keys). */
  get pendingEdits(): number {
    return this.overlay.size;
  }

  get count(): number {
    if (this.unresolved.length > 0) {
      for (const e of this.unresolved) {
        e.inBase = this.tree.has(e.key) ? 1 : 0;
        this.delta += contribution(e);
      }
      this.unresolved = [];
    }
    return this.tree.count + this.delta;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const e = this.overlay.find(key);
    if (e !== undefined) return e.value ?? undefined;
    return this.tree.get(key);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    checkKey(key);
    checkValue(value);
    this.set(key, value);
  }

  delete(key: Uint8Array): void {
    checkKey(key);
    this.set(key, null);
  }

  private set(key: Uint8Array, value: Uint8Array | null): void {
    const e = this.overlay.find(key);
    if (e === undefined) {
      const edit: OverlayEdit = { key, value, inBase: this.tree.count === 0 ? 0 : -1 };
      this.overlay.add(edit);
      if (edit.inBase < 0) this.unresolved.push(edit);
      else this.delta += contribution(edit);
      return;
    }
    if (e.inBase >= 0) this.delta -= contribution(e);
    e.value = value;
    if (e.inBase >= 0) this.delta += contribution(e);
  }

  entries(options: RangeOptions = {}): IterableIterator<TreeEntry> {
    if (this.overlay.size === 0) return this.tree.entries(options);
    return mergeEntries(this.tree.entries(options), this.overlay.range(
      options.start,
      options.startExclusive === true,
      options.end,
      options.endInclusive === true,
      options.reverse === true,
    ), options.reverse === true);
  }

  flush(): T {
    if (this.overlay.size === 0) return this.tree;
    // the overlay's edits are LeafEdits already (key, value); `clear` lets go of the array
    const edits: readonly LeafEdit[] = this.overlay.sortedEdits();
    this.tree = this.tree.count === 0 ? this.tree.buildFromSortedEdits(edits) : this.tree.mutateSorted(edits);
    this.overlay.clear();
    this.unresolved = [];
    this.delta = 0;
    return this.tree;
  }
}

function contribution(e: OverlayEdit): number {
  return e.inBase === 1 ? (e.value === null ? -1 : 0) : e.value === null ? 0 : 1;
}

function* mergeEntries(
  base: IterableIterator<TreeEntry>,
  over: Generator<OverlayEdit, void, undefined>,
  reverse: boolean,
): Generator<TreeEntry, void, undefined> {
  const sign = reverse ? -1 : 1;
  let b = base.next();
  let o = over.next();
  while (!b.done || !o.done) {
    if (o.done) {
      yield b.value!;
      b = base.next();
      continue;
    }
    const oe = o.value;
    const c = b.done ? 1 : sign * compareBytes(b.value.key, oe.key);
    if (c < 0) {
      yield b.value!;
      b = base.next();
      continue;
    }
    if (oe.value !== null) yield { key: oe.key, value: oe.value };
    o = over.next();
    if (c === 0) b = base.next();
  }
}
