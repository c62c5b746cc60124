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
  private eds: (TreeEditor | (() => void))[] = [];
  private keys: (Uint8Array | undefined)[] = [];
  private prevs: (Uint8Array | undefined)[] = [];

  get size(): number {
    return this.eds.length;
  }

  /** Record that `key` in `ed` is about to change; `prev` is its current value. */
  edit(ed: TreeEditor, key: Uint8Array, prev: Uint8Array | undefined): void {
    this.eds.push(ed);
    this.keys.push(key);
    this.prevs.push(prev);
  }

  /** Record a closure that undoes a non-tree change. */
  action(undo: () => void): void {
    this.eds.push(undo);
    this.keys.push(undefined);
    this.prevs.push(undefined);
  }

  mark(): number {
    return this.eds.length;
  }

  /** Undo everything recorded after `mark`. */
  rollbackTo(mark: number): void {
    for (let i = this.eds.length - 1; i >= mark; i--) {
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
    if (this.eds.length === mark) return;
    this.eds.length = mark;
    this.keys.length = mark;
    this.prevs.length = mark;
  }
}
