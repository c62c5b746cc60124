/**
 * The FROM/WHERE pipeline: a nested-loop join over row sources in the planner's order, all
 * filling one shared row buffer (each relation at its fixed offset, whatever the join order).
 * Conditions run at the first level where everything they read is bound; LEFT JOIN levels
 * null-extend when their ON conditions match nothing. With no levels it yields one empty row
 * (a SELECT without FROM).
 */
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from './types.js';
import type { Pred } from './compile-expr.js';
import type { Source } from './sources.js';

export interface Level {
  source: Source;
  /** LEFT JOIN: null-extend when nothing matches `on`. */
  left: boolean;
  /** Match conditions of a LEFT JOIN (checked before the row counts as matched). */
  on?: Pred;
  /** Conditions checked once this level is bound. */
  filter?: Pred;
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
    for (const lv of this.levels) l.children.push(line((lv.left ? 'LEFT JOIN ' : '') + lv.source.explain()));
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
    const cursors = levels.map((l) => l.source.cursor(row));
    const matched = new Array<boolean>(n).fill(false);
    const nulled = new Array<boolean>(n).fill(false);
    let started = false;
    let done = false;
    let lvl = 0;
    if (n === 1 && !levels[0]!.left) {
      // Single relation: a tight loop.
      const c = cursors[0]!;
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
          if (f === undefined || f(row)) return row;
        }
        done = true;
        return undefined;
      };
    }
    const fill = (i: number): void => {
      const s = levels[i]!.source;
      for (let j = 0; j < s.width; j++) row[s.offset + j] = null;
    };
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
      while (lvl >= 0) {
        const L = levels[lvl]!;
        let ok: boolean;
        if (!nulled[lvl] && cursors[lvl]!.next()) {
          if (L.on && !L.on(row)) continue;
          matched[lvl] = true;
          ok = L.filter === undefined || L.filter(row);
        } else if (L.left && !matched[lvl] && !nulled[lvl]) {
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
      done = true;
      return undefined;
    };
  }
}
