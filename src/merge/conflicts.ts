/**
 * The records a three-way row merge hands back: data conflicts (what collided, on which key,
 * with the base / ours / theirs rows), the kinds of change on each side, the merged row edits
 * (with the old row, for index maintenance) and the merge counters. Types only, plus the
 * small helpers that build and mirror conflict records.
 */
import type { TreeEdit } from '../objects/index.js';

/** How one side changed a key relative to the base (the prolly diff's kinds). */
export type ChangeKind = 'added' | 'removed' | 'modified';

/**
 * Why a key conflicts:
 * - `cells`: both sides updated the row and at least one cell (column tag) was changed to
 *   different values (for JSON columns: the same JSON key changed differently, or a JSON cell
 *   that cannot be merged key by key);
 * - `delete-update`: one side deleted the row, the other updated it (`oursChange` /
 *   `theirsChange` say which);
 * - `insert-insert`: both sides inserted the key with different rows;
 * - `count`: keyless table, the three-way row count went negative (both sides deleted more
 *   copies of the row than the base held).
 */
export type ConflictReason = 'cells' | 'delete-update' | 'insert-insert' | 'count';

/** One JSON key path (object keys from the cell's top level) that collided inside a cell. */
export interface JsonConflictPath {
  tag: number;
  path: string[];
}

/** One data conflict, on one key. Byte arrays are private copies (safe to keep). */
export interface RowConflict {
  /** The row's key bytes (primary-key encoding, or the row hash of a keyless table). */
  key: Uint8Array;
  /** The row in the base, ours and theirs; null where the key is absent. */
  base: Uint8Array | null;
  ours: Uint8Array | null;
  theirs: Uint8Array | null;
  oursChange: ChangeKind;
  theirsChange: ChangeKind;
  reason: ConflictReason;
  /** Column tags whose cells collided (ascending); empty unless `reason` is `cells`. */
  tags: number[];
  /** For JSON cells merged key by key: the colliding key paths (empty path = whole cell). */
  jsonPaths: JsonConflictPath[];
}

/**
 * One edit of the merged result, to apply to OURS (`ours.mutate(edits)` takes them as they
 * are: a `RowEdit` is a `TreeEdit`). `value` is the merged row (null: delete the key), `old`
 * is the row ours held before the merge (null: absent).
 *
 * Secondary indexes are never merged on their own (DESIGN.md): the caller updates each index
 * from these edits — remove the index entries derived from `old`, add those derived from
 * `value` — so index maintenance costs O(edits), never a rebuild. Edits come in strictly
 * ascending key order, one per key; the byte arrays may be views into tree nodes: read-only.
 */
export interface RowEdit extends TreeEdit {
  old: Uint8Array | null;
}

/** Counters of one row merge. */
export interface RowMergeStats {
  /** Entries of the base→ours and base→theirs diffs. */
  oursChanges: number;
  theirsChanges: number;
  /** Keys changed on both sides. */
  bothChanged: number;
  /** Keys changed identically on both sides (nothing to do). */
  converged: number;
  /** Rows updated on both sides and merged cell by cell without conflict. */
  cellMerged: number;
  /** JSON cells merged key by key (inside cell-merged rows, or resolved ones). */
  jsonMerged: number;
  /** Keyless rows whose counts were merged three-way. */
  countMerged: number;
  /** Data conflicts found, including those the strategy resolved. */
  conflicts: number;
  /** Of `conflicts`, how many `strategy` resolved automatically. */
  resolved: number;
  /** Edits returned (keys where the merged tree differs from ours). */
  edits: number;
}

export function newStats(): RowMergeStats {
  return {
    oursChanges: 0,
    theirsChanges: 0,
    bothChanged: 0,
    converged: 0,
    cellMerged: 0,
    jsonMerged: 0,
    countMerged: 0,
    conflicts: 0,
    resolved: 0,
    edits: 0,
  };
}

function copy(b: Uint8Array | null): Uint8Array | null {
  return b === null ? null : b.slice();
}

/** A conflict record with private copies of the bytes (diff entries are views into nodes). */
export function makeConflict(
  key: Uint8Array,
  base: Uint8Array | null,
  ours: Uint8Array | null,
  theirs: Uint8Array | null,
  oursChange: ChangeKind,
  theirsChange: ChangeKind,
  reason: ConflictReason,
  tags: number[] = [],
  jsonPaths: JsonConflictPath[] = [],
): RowConflict {
  return {
    key: key.slice(),
    base: copy(base),
    ours: copy(ours),
    theirs: copy(theirs),
    oursChange,
    theirsChange,
    reason,
    tags,
    jsonPaths,
  };
}

/** The same conflict seen from the other side (ours and theirs swapped). */
export function mirrorConflict(c: RowConflict): RowConflict {
  return {
    key: c.key,
    base: c.base,
    ours: c.theirs,
    theirs: c.ours,
    oursChange: c.theirsChange,
    theirsChange: c.oursChange,
    reason: c.reason,
    tags: c.tags,
    jsonPaths: c.jsonPaths,
  };
}
