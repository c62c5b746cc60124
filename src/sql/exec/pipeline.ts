/**
 * The FROM/WHERE pipeline: a nested-loop join over row sources in the planner's order, all
 * filling one shared row buffer (each relation at its fixed offset, whatever the join order).
 * Conditions run at the first level where everything they read is bound; LEFT JOIN levels
 * null-extend when their ON conditions match nothing. With no levels it yields one empty row
 * (a SELECT without FROM).
 *
 * RIGHT / FULL JOIN: the level of the right-hand relation remembers (by value) which of its
 * rows matched an ON condition; when the nested loop is done, an extra pass scans that
 * relation again and emits the rows that never matched, with every earlier level NULL, then
 * continues into the later levels as usual (so a later RIGHT / FULL level also sees them).
 * Several such levels get one extra pass each, left to right.
 */
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from './types.js';
import type { Pred } from './compile-expr.js';
import type { Cursor, Source } from './sources.js';
import { rowKey } from './value-key.js';
import { tick } from './interrupt.js';

export interface Level {
  source: Source;
  /** LEFT JOIN: null-extend when nothing matches `on`. */
  left: boolean;
  /** Match conditions of a LEFT JOIN (checked before the row counts as matched). */
  on?: Pred;
  /** Conditions checked once this level is bound. */
  filter?: Pred;
  /** RIGHT / FULL JOIN: a plain scan of this relation for the unmatched-rows pass. */
  unmatched?: Source;
}

export class JoinPipeline implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly width: number,
    private readonly levels: Level[],
    /** Conditions that read no relation of this scope (checked once per open). */
    private readonly constFilter: Pred | undefined,
  ) {}

  explain(): ExplainLine {
    if (this.levels.length === 0) return line('SCAN CONSTANT ROW');
    const l = line('FROM');
    for (const lv of this.levels) {
      const kind = lv.unmatched ? (lv.left ? 'FULL JOIN ' : 'RIGHT JOIN ') : lv.left ? 'LEFT JOIN ' : '';
      l.children.push(line(kind + lv.source.explain()));
      if (lv.unmatched) l.children.push(line(`UNMATCHED ROWS: ${lv.unmatched.explain()}`));
    }
    if (this.levels.length === 1) return l.children[0]!;
    return l;
  }

  open(): Pull {
    const row: Row = new Array(this.width).fill(null);
    const levels = this.levels;
    const n = levels.length;
    const constFilter = this.constFilter;
    if (n === 0) {
      let done = false;
      return () => {
        if (done) return undefined;
        done = true;
        if (constFilter && !constFilter(row)) return undefined;
        return row;
      };
    }
    let started = false;
    let done = false;
    if (n === 1 && !levels[0]!.left) {
      // Single relation: a tight loop.
      const c = levels[0]!.source.cursor(row);
      const f = levels[0]!.filter;
      return () => {
        if (done) return undefined;
        if (!started) {
          started = true;
          if (constFilter && !constFilter(row)) {
            done = true;
            return undefined;
          }
          c.start();
        }
        while (c.next()) {
          tick();
          if (f === undefined || f(row)) return row;
        }
        done = true;
        return undefined;
      };
    }
    const cursors = levels.map((l) => l.source.cursor(row));
    const matched = new Array<boolean>(n).fill(false);
    const nulled = new Array<boolean>(n).fill(false);
    let lvl = 0;
    const fill = (i: number): void => {
      const s = levels[i]!.source;
      for (let j = 0; j < s.width; j++) row[s.offset + j] = null;
    };
    // RIGHT / FULL JOIN bookkeeping: the outer levels, the rows of each that matched.
    const ks: number[] = [];
    levels.forEach((l, i) => l.unmatched && ks.push(i));
    const seen = levels.map((l) => (l.unmatched ? new Set<string>() : undefined));
    const keyOf = (i: number): string => {
      const s = levels[i]!.source;
      return rowKey(row.slice(s.offset, s.offset + s.width));
    };
    let phase = 0;
    let k = -1;
    let scan: Cursor | undefined;
    let base = 0;
    return () => {
      if (done) return undefined;
      if (!started) {
        started = true;
        if (constFilter && !constFilter(row)) {
          done = true;
          return undefined;
        }
        cursors[0]!.start();
        matched[0] = false;
        nulled[0] = false;
        lvl = 0;
      } else lvl = n - 1;
      for (;;) {
        while (lvl >= base) {
          tick();
          const L = levels[lvl]!;
          const second = lvl === k;
          let ok: boolean;
          if (!nulled[lvl] && (second ? scan!.next() : cursors[lvl]!.next())) {
            if (second) {
              if (seen[lvl]!.has(keyOf(lvl))) continue;
            } else {
              if (L.on && !L.on(row)) continue;
              matched[lvl] = true;
              const sn = seen[lvl];
              if (sn) sn.add(keyOf(lvl));
            }
            ok = L.filter === undefined || L.filter(row);
          } else if (L.left && !second && !matched[lvl] && !nulled[lvl]) {
            nulled[lvl] = true;
            matched[lvl] = true;
            fill(lvl);
            ok = L.filter === undefined || L.filter(row);
          } else {
            lvl--;
            continue;
          }
          if (!ok) continue;
          if (lvl === n - 1) return row;
          lvl++;
          cursors[lvl]!.start();
          matched[lvl] = false;
          nulled[lvl] = false;
        }
        if (phase >= ks.length) break;
        // Extra pass: the unmatched rows of the next RIGHT / FULL JOIN relation.
        k = ks[phase++]!;
        for (let i = 0; i < k; i++) fill(i);
        scan = levels[k]!.unmatched!.cursor(row);
        scan.start();
        base = k;
        lvl = k;
        matched[k] = false;
        nulled[k] = false;
      }
      done = true;
      return undefined;
    };
  }
}
