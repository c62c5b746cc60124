/**
 * The ordered row diff between two versions of one table's row tree: a thin view over the
 * tree diff (which skips shared subtrees by CID, so its cost follows the changes), with the
 * old and new rows spelled out as nullable fields. Used by the row merge, `heliosdb_diff` and
 * index maintenance.
 */
import type { Tree } from '../objects/index.js';
import type { ChangeKind } from './conflicts.js';

/** One changed key: `from` is the row before (null when added), `to` after (null when removed). */
export interface RowChange {
  kind: ChangeKind;
  key: Uint8Array;
  from: Uint8Array | null;
  to: Uint8Array | null;
}

/**
 * Changes from `from` to `to` in ascending key order. Byte arrays may be views into tree
 * nodes: treat them as read-only, copy what you keep.
 */
export function* diffRows(from: Tree, to: Tree): Generator<RowChange, void, undefined> {
  if (from.root.equals(to.root)) return;
  for (const e of from.diff(to)) {
    switch (e.kind) {
      case 'added':
        yield { kind: 'added', key: e.key, from: null, to: e.to };
        break;
      case 'removed':
        yield { kind: 'removed', key: e.key, from: e.from, to: null };
        break;
      default:
        yield { kind: 'modified', key: e.key, from: e.from, to: e.to };
    }
  }
}
