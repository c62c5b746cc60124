/**
 * The undo log of a transaction: what to restore so that a failed statement (statement-level
 * rollback) or `ROLLBACK TO savepoint` leaves the data exactly as it was at a mark.
 *
 * Tree edits record the key's previous value (or its absence); catalog changes record a
 * closure that restores the previous state. Entries are replayed newest first. When no
 * savepoint is open the log is cut at every statement boundary, so it only ever holds one
 * statement's edits.
 */
import type { TreeEditor } from '../../objects/index.js';

export class UndoLog {
  // Parallel arrays used up to `n`; slots past `n` are cleared but kept allocated, so the
  // per-statement truncate does not shrink and regrow the arrays.
  private eds: (TreeEditor | (() => void) | undefined)[] = [];
  private keys: (Uint8Array | undefined)[] = [];
  private prevs: (Uint8Array | undefined)[] = [];
  private n = 0;

  /** Bumped by every `rollbackTo`: caches derived from the trees (key bounds) check it. */
  generation = 0;

  get size(): number {
    return this.n;
  }

  /** Record that `key` in `ed` is about to change; `prev` is its current value. */
  edit(ed: TreeEditor, key: Uint8Array, prev: Uint8Array | undefined): void {
    const i = this.n++;
    this.eds[i] = ed;
    this.keys[i] = key;
    this.prevs[i] = prev;
  }

  /** Record a closure that undoes a non-tree change. */
  action(undo: () => void): void {
    const i = this.n++;
    this.eds[i] = undo;
    this.keys[i] = undefined;
    this.prevs[i] = undefined;
  }

  mark(): number {
    return this.n;
  }

  /** Undo everything recorded after `mark`. */
  rollbackTo(mark: number): void {
    this.generation++;
    for (let i = this.n - 1; i >= mark; i--) {
      const e = this.eds[i]!;
      if (typeof e === 'function') e();
      else {
        const prev = this.prevs[i];
        if (prev === undefined) e.delete(this.keys[i]!);
        else e.put(this.keys[i]!, prev);
      }
    }
    this.truncate(mark);
  }

  /** Forget entries after `mark` (they will never be undone). */
  truncate(mark: number): void {
    const n = this.n;
    if (n <= mark) return;
    this.n = mark;
    if (this.eds.length > 4096) {
      // A large statement: give the memory back.
      this.eds.length = mark;
      this.keys.length = mark;
      this.prevs.length = mark;
      return;
    }
    for (let i = mark; i < n; i++) {
      this.eds[i] = undefined;
      this.keys[i] = undefined;
      this.prevs[i] = undefined;
    }
  }
}
