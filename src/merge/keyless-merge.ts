/**
 * Three-way merge of one entry of a keyless table (a table without a primary key).
 *
 * Such a table is keyed by the hash of the row's cells, and the value holds the cells plus how
 * many identical rows the entry stands for. Both sides' changes to the count add up: with base
 * count c0, ours c1 and theirs c2 (0 where the key is absent) the merged count is
 * c1 + c2 − c0. Equal inserts on both sides therefore merge cleanly into two rows, and a delete
 * of one copy on each side removes two. A merged count of 0 deletes the entry; a negative one
 * (both sides deleted copies the base did not have between them) is a `count` conflict —
 * except when both sides removed every copy (c1 = c2 = 0): they agree, and the row is gone,
 * as a delete on both sides converges in a keyed table.
 *
 * The cells of one key are normally identical on every side (the key is their hash); if they
 * do differ (a schema-level rewrite on one side), they are merged cell by cell like a keyed row.
 * This function is called only for keys both sides changed.
 */
import { decodeKeylessValue, encodeKeylessValue, keylessCount } from '../objects/index.js';
import { mergeCells, sameValue, type Cells, type CellMergeOptions } from './cell-merge.js';
import type { ConflictReason, JsonConflictPath } from './conflicts.js';

export interface KeylessMergeResult {
  /**
   * The merged value (null: the entry is deleted). With a conflict: resolved to the `prefer`
   * side (a `count` conflict takes that side's whole value), or ours without one.
   */
  value: Uint8Array | null;
  /** Set when the entry conflicts. */
  conflict: ConflictReason | null;
  tags: number[];
  jsonPaths: JsonConflictPath[];
  jsonMerged: number;
}

function sameCells(a: Cells, b: Cells): boolean {
  if (a.tags.length !== b.tags.length) return false;
  const an = a.nullTags ?? [];
  const bn = b.nullTags ?? [];
  if (an.length !== bn.length || an.some((t, i) => t !== bn[i])) return false;
  for (let i = 0; i < a.tags.length; i++) {
    if (a.tags[i] !== b.tags[i] || !sameValue(a.values[i]!, b.values[i]!)) return false;
  }
  return true;
}

/** Merge one keyless entry; each argument is the entry's value on that side, or null. */
export function mergeKeylessEntry(
  base: Uint8Array | null,
  ours: Uint8Array | null,
  theirs: Uint8Array | null,
  options: CellMergeOptions = {},
): KeylessMergeResult {
  const prefer = options.prefer;
  const pick = prefer === 'theirs' ? theirs : ours;
  const c0 = base === null ? 0 : keylessCount(base);
  const c1 = ours === null ? 0 : keylessCount(ours);
  const c2 = theirs === null ? 0 : keylessCount(theirs);
  // both sides removed every copy: they agree, the row is gone (not a negative count)
  if (c1 === 0 && c2 === 0) return { value: null, conflict: null, tags: [], jsonPaths: [], jsonMerged: 0 };
  const count = c1 + c2 - c0;
  if (count < 0) return { value: pick, conflict: 'count', tags: [], jsonPaths: [], jsonMerged: 0 };
  if (count === 0) return { value: null, conflict: null, tags: [], jsonPaths: [], jsonMerged: 0 };
  // count > 0, so at least one side holds the entry
  const o = ours === null ? null : decodeKeylessValue(ours);
  const t = theirs === null ? null : decodeKeylessValue(theirs);
  let cells: Cells;
  if (o === null) cells = t!;
  else if (t === null || sameCells(o, t)) cells = o;
  else {
    const b = base === null ? null : decodeKeylessValue(base);
    const r = mergeCells(b, o, t, options);
    if (r.conflictTags.length > 0) {
      // resolved cells (to `prefer`) with the merged count; without a strategy ours stays
      const value = prefer === undefined ? ours : encodeKeylessValue(r.tags, r.values, count, r.nullTags);
      return { value, conflict: 'cells', tags: r.conflictTags, jsonPaths: r.jsonPaths, jsonMerged: r.jsonMerged };
    }
    return { value: encodeKeylessValue(r.tags, r.values, count, r.nullTags), conflict: null, tags: [], jsonPaths: [], jsonMerged: r.jsonMerged };
  }
  return { value: encodeKeylessValue(cells.tags, cells.values, count, cells.nullTags), conflict: null, tags: [], jsonPaths: [], jsonMerged: 0 };
}
