/**
 * Relational operators above the FROM pipeline: filter, projection, sort, DISTINCT, LIMIT /
 * OFFSET, VALUES, compound selects (UNION [ALL] / INTERSECT / EXCEPT), column trimming and the
 * O(log n) `COUNT(*)` of a whole table. Every operator is pull-based (see types.ts).
 */
import { SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import { compareValues, toInteger, type Collation } from '../values/index.js';
import type { ExecEnv, TxnAccess } from './env.js';
import type { Eval, Pred } from './compile-expr.js';
import { line, type ColumnMeta, type ExplainLine, type PlanNode, type Pull, type Row } from './types.js';
import { rowKey } from './value-key.js';
import { tick } from './interrupt.js';
import { probeRanges, type KeyProbe } from './sources.js';
import type { IndexInfo } from '../storage/table-info.js';
import type { TreeReader } from '../storage/table-state.js';
import type { RangeOptions, Tree } from '../../objects/index.js';

export class FilterNode implements PlanNode {
  constructor(
    private readonly input: PlanNode,
    private readonly pred: Pred,
    private readonly label = 'FILTER',
  ) {}
  get columns(): ColumnMeta[] {
    return this.input.columns;
  }
  explain(): ExplainLine {
    return line(this.label, this.input.explain());
  }
  open(): Pull {
    const pull = this.input.open();
    const pred = this.pred;
    return () => {
      for (let r = pull(); r !== undefined; r = pull()) if (pred(r)) return r;
      return undefined;
    };
  }
}

/** Computes output rows (fresh arrays) from input rows. */
export class ProjectNode implements PlanNode {
  constructor(
    private readonly input: PlanNode,
    readonly columns: ColumnMeta[],
    private readonly exprs: Eval[],
  ) {}
  explain(): ExplainLine {
    return this.input.explain();
  }
  open(): Pull {
    const pull = this.input.open();
    const exprs = this.exprs;
    const n = exprs.length;
    return () => {
      const r = pull();
      if (r === undefined) return undefined;
      const out: Row = new Array(n);
      for (let i = 0; i < n; i++) out[i] = exprs[i]!(r);
      return out;
    };
  }
}

export interface SortKey {
  idx: number;
  desc: boolean;
  nullsFirst: boolean;
  coll: Collation;
}

export function rowComparator(keys: SortKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.idx]!;
      const y = b[k.idx]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      let c = compareValues(x, y, k.coll);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

/** Sorts its input (rows must be fresh arrays). With a known limit it keeps only the top rows. */
export class SortNode implements PlanNode {
  constructor(
    private readonly input: PlanNode,
    private readonly keys: SortKey[],
    private readonly label = 'USE TEMP B-TREE FOR ORDER BY',
  ) {}
  get columns(): ColumnMeta[] {
    return this.input.columns;
  }
  explain(): ExplainLine {
    return line(this.label, this.input.explain());
  }
  open(): Pull {
    const pull = this.input.open();
    let rows: Row[] | undefined;
    let i = 0;
    return () => {
      if (!rows) {
        rows = [];
        for (let r = pull(); r !== undefined; r = pull()) rows.push(r);
        rows.sort(rowComparator(this.keys));
      }
      return i < rows.length ? rows[i++] : undefined;
    };
  }
}

export class DistinctNode implements PlanNode {
  constructor(
    private readonly input: PlanNode,
    /** Number of leading columns that define distinctness. */
    private readonly n: number,
    private readonly colls: Collation[],
  ) {}
  get columns(): ColumnMeta[] {
    return this.input.columns;
  }
  explain(): ExplainLine {
    return line('USE TEMP B-TREE FOR DISTINCT', this.input.explain());
  }
  open(): Pull {
    const pull = this.input.open();
    const seen = new Set<string>();
    return () => {
      for (let r = pull(); r !== undefined; r = pull()) {
        const k = rowKey(r, this.colls, this.n);
        if (seen.has(k)) continue;
        seen.add(k);
        return r;
      }
      return undefined;
    };
  }
}

function limitValue(v: SqlValue, what: string): number {
  if (v === null) return what === 'LIMIT' ? -1 : 0;
  let i: bigint | null;
  if (typeof v === 'bigint') i = v;
  else if (typeof v === 'number' && Number.isInteger(v)) i = BigInt(v);
  else {
    i = typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? toInteger(v) : null;
    if (i === null) throw new SqlError('DATATYPE_MISMATCH', 'datatype mismatch');
  }
  if (i > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (i < -BigInt(Number.MAX_SAFE_INTEGER)) return -1;
  return Number(i);
}

export class LimitNode implements PlanNode {
  constructor(
    private readonly input: PlanNode,
    private readonly limit: Eval | undefined,
    private readonly offset: Eval | undefined,
  ) {}
  get columns(): ColumnMeta[] {
    return this.input.columns;
  }
  explain(): ExplainLine {
    return line('LIMIT', this.input.explain());
  }
  open(): Pull {
    const empty: Row = [];
    const lim = this.limit ? limitValue(this.limit(empty), 'LIMIT') : -1;
    let off = this.offset ? limitValue(this.offset(empty), 'OFFSET') : 0;
    if (off < 0) off = 0;
    if (lim === 0) return () => undefined;
    const pull = this.input.open();
    let taken = 0;
    return () => {
      while (off > 0) {
        if (pull() === undefined) return undefined;
        off--;
      }
      if (lim >= 0 && taken >= lim) return undefined;
      const r = pull();
      if (r !== undefined) taken++;
      return r;
    };
  }
}

/** Keeps the first `n` columns (drops sort keys appended by the projection). */
export class TrimNode implements PlanNode {
  readonly columns: ColumnMeta[];
  constructor(
    private readonly input: PlanNode,
    private readonly n: number,
  ) {
    this.columns = input.columns.slice(0, n);
  }
  explain(): ExplainLine {
    return this.input.explain();
  }
  open(): Pull {
    const pull = this.input.open();
    const n = this.n;
    return () => {
      const r = pull();
      if (r === undefined) return undefined;
      if (r.length > n) r.length = n;
      return r;
    };
  }
}

export class ValuesNode implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly rows: Eval[][],
  ) {}
  explain(): ExplainLine {
    return line(`SCAN ${this.rows.length} CONSTANT ROW${this.rows.length === 1 ? '' : 'S'}`);
  }
  open(): Pull {
    let i = 0;
    const empty: Row = [];
    return () => {
      if (i >= this.rows.length) return undefined;
      const exprs = this.rows[i++]!;
      return exprs.map((e) => e(empty));
    };
  }
}

/** UNION ALL streams; UNION / INTERSECT / EXCEPT produce distinct rows in sorted order (as SQLite does). */
export class SetOpNode implements PlanNode {
  constructor(
    readonly columns: ColumnMeta[],
    private readonly op: 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT',
    private readonly left: PlanNode,
    private readonly right: PlanNode,
  ) {}
  explain(): ExplainLine {
    return line(`COMPOUND ${this.op}`, this.left.explain(), this.right.explain());
  }
  open(): Pull {
    const n = this.columns.length;
    const colls = this.columns.map((c) => c.collation);
    if (this.op === 'UNION ALL') {
      let pull = this.left.open();
      let second = false;
      return () => {
        for (;;) {
          const r = pull();
          if (r !== undefined) return r.slice(0, n);
          if (second) return undefined;
          second = true;
          pull = this.right.open();
        }
      };
    }
    let out: Row[] | undefined;
    let i = 0;
    return () => {
      if (!out) {
        const m = new Map<string, Row>();
        const lp = this.left.open();
        for (let r = lp(); r !== undefined; r = lp()) {
          const k = rowKey(r, colls, n);
          if (!m.has(k)) m.set(k, r.slice(0, n));
        }
        const rp = this.right.open();
        if (this.op === 'UNION') {
          for (let r = rp(); r !== undefined; r = rp()) {
            const k = rowKey(r, colls, n);
            if (!m.has(k)) m.set(k, r.slice(0, n));
          }
          out = [...m.values()];
        } else {
          const rs = new Set<string>();
          for (let r = rp(); r !== undefined; r = rp()) rs.add(rowKey(r, colls, n));
          out = [];
          for (const [k, r] of m) if (rs.has(k) === (this.op === 'INTERSECT')) out.push(r);
        }
        const keys: SortKey[] = colls.map((coll, idx) => ({ idx, desc: false, nullsFirst: true, coll }));
        out.sort(rowComparator(keys));
      }
      return i < out.length ? out[i++] : undefined;
    };
  }
}

/** Materialises a plan's rows once per execution (CTEs referenced several times, IN sets). */
export function collect(plan: PlanNode): Row[] {
  const out: Row[] = [];
  const pull = plan.open();
  for (let r = pull(); r !== undefined; r = pull()) out.push(r.slice());
  return out;
}

/**
 * `SELECT count(*) FROM t WHERE …` where a primary-key or index probe represents the whole
 * WHERE: the count of each exact key range comes from the tree's subtree counts
 * (`countRange`, O(log n)); a range that is not exact (a column that may store a number in
 * several forms) or a tree with pending edits is walked, testing WHERE on each row.
 */
export class CountRangeNode implements PlanNode {
  constructor(
    private readonly env: ExecEnv,
    readonly columns: ColumnMeta[],
    private readonly tableKey: string,
    private readonly probe: KeyProbe,
    private readonly index: IndexInfo | undefined,
    private readonly where: Pred,
    private readonly label: string,
    /** An AS OF version to read (absent: the running transaction). */
    private readonly snapshot?: TxnAccess,
  ) {}
  explain(): ExplainLine {
    return line(`${this.label} (COUNT FROM TREE)`);
  }
  open(): Pull {
    let done = false;
    return () => {
      if (done) return undefined;
      done = true;
      const ts = (this.snapshot ?? this.env.tx).table(this.tableKey);
      const info = ts.info;
      const rows = ts.reader();
      let clean: Tree | undefined;
      let tree: TreeReader;
      if (this.index) {
        const st = ts.indexes.get(this.index.key)!;
        tree = st.editor ?? st.tree;
        clean = st.editor && st.editor.dirty ? undefined : st.editor ? st.editor.base : st.tree;
      } else {
        tree = rows;
        clean = ts.cleanRows();
      }
      const row: Row = new Array(info.width).fill(null);
      const ranges = probeRanges(this.probe, row, this.env, new Map(), false);
      const slotMap = info.slotOfTag;
      const test = (key: Uint8Array, value: Uint8Array): boolean => {
        info.decodeInto(key, value, row, 0, slotMap);
        return this.where(row);
      };
      let n = 0;
      for (const r of ranges) {
        if (r.exact && clean) {
          if (r.point) n += clean.has(r.point) ? 1 : 0;
          else {
            const o: RangeOptions = {};
            if (r.start) o.start = r.start;
            if (r.end) o.end = r.end;
            n += clean.countRange(o);
          }
          continue;
        }
        if (r.point) {
          const v = tree.get(r.point);
          if (v === undefined) continue;
          if (this.index) {
            const rv = rows.get(v);
            if (rv !== undefined && test(v, rv)) n++;
          } else if (test(r.point, v)) n++;
          continue;
        }
        const o: RangeOptions = {};
        if (r.start) o.start = r.start;
        if (r.end) o.end = r.end;
        for (const e of tree.entries(o)) {
          tick();
          if (this.index) {
            const rv = rows.get(e.value);
            if (rv !== undefined && test(e.value, rv)) n++;
          } else if (test(e.key, e.value)) n++;
        }
      }
      return [BigInt(n)];
    };
  }
}

/** `SELECT count(*) FROM t` answered from the tree's subtree counts. */
export class CountStarNode implements PlanNode {
  constructor(
    private readonly env: ExecEnv,
    readonly columns: ColumnMeta[],
    private readonly tableKey: string,
    private readonly tableName: string,
    private readonly snapshot?: TxnAccess,
  ) {}
  explain(): ExplainLine {
    return line(`SCAN ${this.tableName} (COUNT FROM TREE)`);
  }
  open(): Pull {
    let done = false;
    return () => {
      if (done) return undefined;
      done = true;
      const ts = (this.snapshot ?? this.env.tx).table(this.tableKey);
      const r = ts.reader();
      if (!ts.info.keyless) return [BigInt(r.count)];
      // A keyless table's insertion-order index has one entry per row copy.
      return [BigInt(ts.indexReader(ts.info.orderIndex!.key).count)];
    };
  }
}
