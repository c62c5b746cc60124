/**
 * The three-way merge of one table's rows (storage level: trees of key bytes → row bytes).
 *
 * `mergeRows(base, ours, theirs)` walks the prolly diffs base→ours and base→theirs together in
 * one ordered pass, matching rows by key bytes. The diffs skip shared subtrees by CID, so the
 * cost follows the number of changes, never the size of the table, and no table is ever
 * materialised. Per key:
 *
 * | ours \ theirs  | unchanged | changed                                                   |
 * | -------------- | --------- | --------------------------------------------------------- |
 * | unchanged      | —         | take theirs (an edit)                                     |
 * | changed        | keep ours | same result: converge; both updated: cell by cell         |
 * |                |           | (`cell-merge.ts`, JSON key by key); delete vs update,     |
 * |                |           | insert vs insert of different rows, same cell changed     |
 * |                |           | differently: data conflict                                |
 *
 * Keyless tables (`keyless: true`) merge keys both sides changed by row count
 * (`keyless-merge.ts`). `strategy: 'ours' | 'theirs'` resolves every data conflict to that side
 * — conflicting cells or JSON keys only, the rest of the row still merges; a delete vs update or
 * an insert vs insert takes that side's whole row — and counts it in `stats.resolved` instead of
 * returning a conflict record.
 *
 * The result is a list of edits to apply to OURS (`ours.mutate(result.edits)`), one per key
 * where the merged table differs from ours, each with ours' old row so that the caller updates
 * its secondary indexes from the edits (indexes are never merged on their own; see
 * `RowEdit`). A conflicting key gets no edit: ours' row stays until the conflict is resolved.
 *
 * Schemas are not this module's business: rows are tag → value cells, and a tag that only one
 * side's rows carry (a column added on that side) is an ordinary cell change from NULL. The
 * schema merge decides separately whether the schemas themselves merge. Explicit NULL cells (a
 * column added with a constant DEFAULT to a non-empty table; see `cell-merge.ts`) are merged as
 * stored and written back with `encodeRow(tags, values, nullTags)`.
 */
import { compareBytes, decodeRow, encodeRow, type SqlValue, type Tree } from '../objects/index.js';
import { mergeCells } from './cell-merge.js';
import {
  makeConflict,
  newStats,
  type ConflictReason,
  type JsonConflictPath,
  type RowConflict,
  type RowEdit,
  type RowMergeStats,
} from './conflicts.js';
import { mergeKeylessEntry } from './keyless-merge.js';
import { diffRows, type RowChange } from './row-diff.js';

export type MergeStrategy = 'ours' | 'theirs';

export interface RowMergeOptions {
  /** Tags of JSON columns: their object cells merge key by key. */
  jsonTags?: ReadonlySet<number>;
  /** Missing values of columns added with a constant DEFAULT, by tag (see `cell-merge.ts`). */
  missing?: ReadonlyMap<number, SqlValue>;
  /** The table has no primary key: keys are row hashes and values carry a row count. */
  keyless?: boolean;
  /** Resolve every data conflict automatically to this side (still counted in the stats). */
  strategy?: MergeStrategy;
}

export interface RowMergeResult {
  /** Edits turning ours into the merged tree, ascending by key, one per key. */
  edits: RowEdit[];
  /** Data conflicts in key order (empty when a `strategy` resolved them). */
  conflicts: RowConflict[];
  stats: RowMergeStats;
}

function next(it: Iterator<RowChange, void, undefined>): RowChange | undefined {
  const r = it.next();
  return r.done === true ? undefined : r.value;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The merge of one key both sides changed: the value to write (undefined: keep ours) or a conflict. */
interface KeyOutcome {
  value: Uint8Array | null | undefined;
  conflict: ConflictReason | null;
  tags: number[];
  jsonPaths: JsonConflictPath[];
}

const NO_TAGS: number[] = [];
const NO_PATHS: JsonConflictPath[] = [];

class RowMerger {
  readonly edits: RowEdit[] = [];
  readonly conflicts: RowConflict[] = [];
  readonly stats = newStats();
  private readonly jsonTags: ReadonlySet<number> | undefined;
  private readonly missing: ReadonlyMap<number, SqlValue> | undefined;
  readonly keyless: boolean;
  private readonly strategy: MergeStrategy | undefined;

  constructor(options: RowMergeOptions) {
    const s = options.strategy;
    if (s !== undefined && s !== 'ours' && s !== 'theirs') {
      throw new TypeError(`strategy must be 'ours' or 'theirs', got ${String(s)}`);
    }
    this.strategy = s;
    this.keyless = options.keyless === true;
    this.jsonTags = options.jsonTags !== undefined && options.jsonTags.size > 0 ? options.jsonTags : undefined;
    this.missing = options.missing !== undefined && options.missing.size > 0 ? options.missing : undefined;
  }

  /** Record an edit unless the new value equals ours' old one. */
  private edit(key: Uint8Array, value: Uint8Array | null, old: Uint8Array | null): void {
    if (value === null ? old === null : old !== null && equalBytes(value, old)) return;
    this.edits.push({ key, value, old });
  }

  /** A key only theirs changed: ours still holds the base row, which the diff says differs. */
  theirsOnly(t: RowChange): void {
    this.edits.push({ key: t.key, value: t.to, old: t.from });
  }

  /** A key both sides changed. */
  both(o: RowChange, t: RowChange): void {
    const st = this.stats;
    st.bothChanged++;
    if ((o.kind === 'added') !== (t.kind === 'added')) {
      throw new Error('mergeRows: the two diffs disagree on the base row (internal error)');
    }
    const out = this.keyless ? this.mergeKeyless(o, t) : this.mergeKeyed(o, t);
    if (out.conflict !== null) {
      st.conflicts++;
      if (this.strategy === undefined) {
        this.conflicts.push(makeConflict(o.key, o.from, o.to, t.to, o.kind, t.kind, out.conflict, out.tags, out.jsonPaths));
        return;
      }
      st.resolved++;
    }
    if (out.value !== undefined) this.edit(o.key, out.value, o.to);
  }

  private mergeKeyed(o: RowChange, t: RowChange): KeyOutcome {
    const st = this.stats;
    const ov = o.to;
    const tv = t.to;
    if (ov === null || tv === null) {
      if (ov === tv) {
        st.converged++;
        return { value: undefined, conflict: null, tags: NO_TAGS, jsonPaths: NO_PATHS };
      }
      return this.whole('delete-update', tv);
    }
    if (equalBytes(ov, tv)) {
      st.converged++;
      return { value: undefined, conflict: null, tags: NO_TAGS, jsonPaths: NO_PATHS };
    }
    if (o.kind === 'added') return this.whole('insert-insert', tv);
    // both updated the row: cell by cell
    const r = mergeCells(decodeRow(o.from!), decodeRow(ov), decodeRow(tv), { jsonTags: this.jsonTags, prefer: this.strategy, missing: this.missing });
    st.jsonMerged += r.jsonMerged;
    if (r.conflictTags.length > 0) {
      return {
        value: this.strategy === undefined ? undefined : encodeRow(r.tags, r.values, r.nullTags),
        conflict: 'cells',
        tags: r.conflictTags,
        jsonPaths: r.jsonPaths,
      };
    }
    st.cellMerged++;
    return { value: encodeRow(r.tags, r.values, r.nullTags), conflict: null, tags: NO_TAGS, jsonPaths: NO_PATHS };
  }

  /** A whole-row conflict: with a strategy the chosen side's row wins (ours: no edit). */
  private whole(reason: ConflictReason, theirs: Uint8Array | null): KeyOutcome {
    return { value: this.strategy === 'theirs' ? theirs : undefined, conflict: reason, tags: NO_TAGS, jsonPaths: NO_PATHS };
  }

  private mergeKeyless(o: RowChange, t: RowChange): KeyOutcome {
    const r = mergeKeylessEntry(o.from, o.to, t.to, { jsonTags: this.jsonTags, prefer: this.strategy, missing: this.missing });
    this.stats.jsonMerged += r.jsonMerged;
    if (r.conflict === null) this.stats.countMerged++;
    return { value: r.value, conflict: r.conflict, tags: r.tags, jsonPaths: r.jsonPaths };
  }
}

/**
 * Three-way merge of the row trees `base`, `ours` and `theirs` of one table (see the module
 * header). Reads only the nodes the two diffs visit. Apply the result with
 * `ours.mutate(result.edits)`. A merge where theirs equals the base (or, for keyed tables,
 * ours) returns at once with all counters zero.
 */
export function mergeRows(base: Tree, ours: Tree, theirs: Tree, options: RowMergeOptions = {}): RowMergeResult {
  const m = new RowMerger(options);
  const st = m.stats;
  // theirs = base: nothing to take. theirs = ours: keyed rows converge everywhere, but keyless
  // counts still add up (both sides inserting one copy of a row gives two), so walk those.
  const skip = theirs.root.equals(base.root) || (!m.keyless && theirs.root.equals(ours.root));
  if (!skip) {
    const itO = diffRows(base, ours);
    const itT = diffRows(base, theirs);
    let o = next(itO);
    let t = next(itT);
    while (t !== undefined) {
      const c = o === undefined ? 1 : compareBytes(o.key, t.key);
      if (c < 0) {
        st.oursChanges++;
        o = next(itO);
      } else if (c > 0) {
        st.theirsChanges++;
        m.theirsOnly(t);
        t = next(itT);
      } else {
        st.oursChanges++;
        st.theirsChanges++;
        m.both(o!, t);
        o = next(itO);
        t = next(itT);
      }
    }
    // the rest of ours' changes need no edit; walk them only to count them
    for (; o !== undefined; o = next(itO)) st.oursChanges++;
  }
  st.edits = m.edits.length;
  return { edits: m.edits, conflicts: m.conflicts, stats: st };
}
