/**
 * The conflict matrix of three-way merge, as data: every case is {base setup, ours SQL, theirs
 * SQL} → the outcome the merge rules call for (DESIGN.md "Branches and merge", issue 5). Shared
 * by test/merge/matrix/matrix.test.ts and scripts/merge-matrix.ts (which prints it).
 *
 * Expected outcomes are written from the rules here, never taken from the merge's output:
 * - rows: a 7×7 grid of row operations on one table, with a literal clean/conflict grid and the
 *   merged rows of a clean pair computed by applying both sides' edits to a plain JS model (a
 *   clean pair touches disjoint cells or makes identical changes, so the edits commute);
 * - schema: a 13×13 grid of schema operations (unordered pairs, each run both ways), clean
 *   unless listed in SCHEMA_CONFLICTS; a clean pair must show the effect of both operations;
 * - mixed: hand-written cases where a schema change on one side meets data on the other
 *   (rename vs update, narrowing vs long values, constraints added vs violating rows, …).
 */

export type ExpectStatus = 'clean' | 'conflicts';

/** A check run on the destination branch after a clean merge. */
export type Probe =
  /** A query and its expected rows (plain objects); `error: true` expects the query to fail. */
  | { kind: 'sql'; sql: string; rows?: Record<string, unknown>[]; error?: true }
  /** The declared type of column `column` of t (`a|b`: whichever of the names exists). */
  | { kind: 'columnType'; column: string; rows: { type: string }[] }
  /** The primary-key columns of t, in key order. */
  | { kind: 'primaryKey'; rows: { name: string }[] };

export interface Expectation {
  status: ExpectStatus;
  /** Expected data-conflict count (rows). */
  dataConflicts?: number;
  /** Minimum schema-conflict count. */
  schemaConflictsAtLeast?: number;
  /** Violation kinds expected (each at least once). */
  violations?: string[];
  /**
   * Rows of `heliosdb_conflicts('t')` (only the fields given), written for the theirs→ours
   * direction; the other direction swaps ours_/theirs_ and our_/their_.
   */
  conflictRows?: Record<string, unknown>[];
  /** Several acceptable outcomes (e.g. a primary-key change: re-keyed or a schema conflict). */
  or?: Expectation;
  /** Checks on the merged branch when the merge is clean. */
  probes?: Probe[];
}

export interface MergeCase {
  group: 'rows' | 'schema' | 'mixed';
  name: string;
  setup: string;
  ours: string;
  theirs: string;
  expect: Expectation;
}

// ---- rows: 7 × 7 ---------------------------------------------------------------------------------

const ROW_SETUP = `CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c INTEGER);
INSERT INTO t VALUES (1, 10, 20, 30), (2, 11, 21, 31);`;

export const ROW_OPS = ['none', 'insert', 'updA', 'updB', 'sameSame', 'sameDiff', 'delete'] as const;
export type RowOp = (typeof ROW_OPS)[number];

export const ROW_OP_LABEL: Record<RowOp, string> = {
  none: 'no change',
  insert: 'insert',
  updA: 'update column A',
  updB: 'update column B',
  sameSame: 'same cell, same value',
  sameDiff: 'same cell, different value',
  delete: 'delete',
};

/** The SQL of a row op on one side (`side` gives per-side values where the op calls for them). */
function rowSql(op: RowOp, side: 'ours' | 'theirs'): string {
  const v = side === 'ours' ? 1 : 2;
  switch (op) {
    case 'none':
      return '';
    case 'insert':
      return `INSERT INTO t VALUES (3, ${40 + v}, 0, 0)`;
    case 'updA':
      return 'UPDATE t SET a = 100 WHERE id = 1';
    case 'updB':
      return 'UPDATE t SET b = 200 WHERE id = 1';
    case 'sameSame':
      return 'UPDATE t SET c = 300 WHERE id = 1';
    case 'sameDiff':
      return `UPDATE t SET c = ${300 + v} WHERE id = 1`;
    case 'delete':
      return 'DELETE FROM t WHERE id = 1';
  }
}

type ModelRow = { id: number; a: number; b: number; c: number };

function applyRowOp(rows: Map<number, ModelRow>, op: RowOp, side: 'ours' | 'theirs'): void {
  const v = side === 'ours' ? 1 : 2;
  const r1 = rows.get(1);
  switch (op) {
    case 'none':
      return;
    case 'insert':
      rows.set(3, { id: 3, a: 40 + v, b: 0, c: 0 });
      return;
    case 'updA':
      if (r1) r1.a = 100;
      return;
    case 'updB':
      if (r1) r1.b = 200;
      return;
    case 'sameSame':
      if (r1) r1.c = 300;
      return;
    case 'sameDiff':
      if (r1) r1.c = 300 + v;
      return;
    case 'delete':
      rows.delete(1);
  }
}

/**
 * The rule grid (symmetric): a data conflict when both sides touch row 1 incompatibly — the same
 * cell to different values, delete against any update — or insert key 3 with different values.
 */
function rowConflict(o: RowOp, t: RowOp): boolean {
  const pair = (x: RowOp, y: RowOp): boolean => (o === x && t === y) || (o === y && t === x);
  const updates: RowOp[] = ['updA', 'updB', 'sameSame', 'sameDiff'];
  if (pair('insert', 'insert')) return true; // same key, different values
  if (pair('sameDiff', 'sameDiff') || pair('sameSame', 'sameDiff')) return true; // c: 301 vs 302, 300 vs 30x
  for (const u of updates) if (pair('delete', u)) return true; // delete vs update
  return false;
}

const baseModel = (): Map<number, ModelRow> =>
  new Map([
    [1, { id: 1, a: 10, b: 20, c: 30 }],
    [2, { id: 2, a: 11, b: 21, c: 31 }],
  ]);

/** The conflict row the rules call for: the key, each side's diff kind and values, the reason. */
function rowConflictRow(o: RowOp, t: RowOp): Record<string, unknown> {
  const key = o === 'insert' ? 3 : 1;
  const kind = (op: RowOp): string => (op === 'insert' ? 'added' : op === 'delete' ? 'removed' : 'modified');
  const after = (op: RowOp, side: 'ours' | 'theirs'): ModelRow | undefined => {
    const m = baseModel();
    applyRowOp(m, op, side);
    return m.get(key);
  };
  const or = after(o, 'ours');
  const tr = after(t, 'theirs');
  return {
    id: key,
    our_diff_type: kind(o),
    their_diff_type: kind(t),
    reason: o === 'insert' ? 'insert-insert' : o === 'delete' || t === 'delete' ? 'delete-update' : 'cells',
    ours_a: or?.a ?? null,
    theirs_a: tr?.a ?? null,
    ours_c: or?.c ?? null,
    theirs_c: tr?.c ?? null,
  };
}

function rowCases(): MergeCase[] {
  const out: MergeCase[] = [];
  for (let i = 0; i < ROW_OPS.length; i++) {
    for (let j = i; j < ROW_OPS.length; j++) {
      const o = ROW_OPS[i]!;
      const t = ROW_OPS[j]!;
      const conflict = rowConflict(o, t);
      let expect: Expectation;
      if (conflict) expect = { status: 'conflicts', dataConflicts: 1, conflictRows: [rowConflictRow(o, t)] };
      else {
        const m = baseModel();
        applyRowOp(m, o, 'ours');
        applyRowOp(m, t, 'theirs');
        const rows = [...m.values()].sort((x, y) => x.id - y.id);
        expect = { status: 'clean', probes: [{ kind: 'sql', sql: 'SELECT id, a, b, c FROM t ORDER BY id', rows }] };
      }
      out.push({ group: 'rows', name: `${ROW_OP_LABEL[o]} × ${ROW_OP_LABEL[t]}`, setup: ROW_SETUP, ours: rowSql(o, 'ours'), theirs: rowSql(t, 'theirs'), expect });
    }
  }
  return out;
}

// ---- schema: 13 × 13 -----------------------------------------------------------------------------

const SCHEMA_SETUP = `CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO p VALUES (1, 'p1'), (2, 'p2');
CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR(10), c TEXT, d INTEGER);
CREATE INDEX t_c ON t(c);
CREATE TABLE old (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t VALUES (1, 1, 'one', 'x', 1), (2, 2, 'two', 'y', 2);
INSERT INTO old VALUES (1, 'o');`;

interface SchemaOp {
  label: string;
  sql: string;
  /** What must hold after any clean merge that includes this operation. */
  probes: Probe[];
}

const colType = (column: string, type: string): Probe => ({ kind: 'columnType', column, rows: [{ type }] });
const hasObject = (name: string, yes: boolean): Probe => ({ kind: 'sql', sql: `SELECT name FROM sqlite_schema WHERE name = '${name}'`, rows: yes ? [{ name }] : [] });
const sqlHas = (text: string): Probe => ({ kind: 'sql', sql: `SELECT instr(sql, '${text}') > 0 AS has FROM sqlite_schema WHERE name = 't'`, rows: [{ has: 1 }] });

export const SCHEMA_OPS: Record<string, SchemaOp> = {
  addCol: { label: 'add column', sql: 'ALTER TABLE t ADD COLUMN e INTEGER', probes: [{ kind: 'sql', sql: 'SELECT id, e FROM t ORDER BY id', rows: [{ id: 1, e: null }, { id: 2, e: null }] }] },
  dropCol: { label: 'drop column', sql: 'ALTER TABLE t DROP COLUMN d', probes: [{ kind: 'sql', sql: 'SELECT d FROM t', error: true }] },
  renameCol: { label: 'rename column', sql: 'ALTER TABLE t RENAME COLUMN b TO bee', probes: [{ kind: 'sql', sql: 'SELECT bee FROM t ORDER BY id', rows: [{ bee: 'one' }, { bee: 'two' }] }] },
  widen: { label: 'widen type', sql: 'ALTER TABLE t ALTER COLUMN b TYPE VARCHAR(20)', probes: [colType('b|bee', 'VARCHAR(20)')] },
  narrow: { label: 'narrow type', sql: 'ALTER TABLE t ALTER COLUMN b TYPE VARCHAR(5)', probes: [colType('b|bee', 'VARCHAR(5)')] },
  addIndex: { label: 'add index', sql: 'CREATE INDEX t_a ON t(a)', probes: [hasObject('t_a', true)] },
  dropIndex: { label: 'drop index', sql: 'DROP INDEX t_c', probes: [hasObject('t_c', false)] },
  addTable: { label: 'add table', sql: 'CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)', probes: [hasObject('n', true)] },
  dropTable: { label: 'drop table', sql: 'DROP TABLE old', probes: [hasObject('old', false)] },
  unique: { label: 'add UNIQUE', sql: 'ALTER TABLE t ADD CONSTRAINT t_a_unique UNIQUE (a)', probes: [sqlHas('t_a_unique')] },
  fk: { label: 'add FOREIGN KEY', sql: 'ALTER TABLE t ADD CONSTRAINT t_d_fk FOREIGN KEY (d) REFERENCES p(id)', probes: [sqlHas('t_d_fk')] },
  check: { label: 'add CHECK', sql: 'ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0)', probes: [sqlHas('t_a_pos')] },
  pk: { label: 'change primary key', sql: 'ALTER TABLE t DROP PRIMARY KEY; ALTER TABLE t ADD PRIMARY KEY (id, a)', probes: [{ kind: 'primaryKey', rows: [{ name: 'id' }, { name: 'a' }] }] },
};

/** Unordered pairs of schema operations that the rules make a schema conflict. */
const SCHEMA_CONFLICTS: [string, string][] = [
  ['widen', 'narrow'], // one column given two types
  ['dropCol', 'fk'], // a FOREIGN KEY on a column the other side dropped
];

function schemaCases(): MergeCase[] {
  const keys = Object.keys(SCHEMA_OPS);
  const out: MergeCase[] = [];
  const base: Probe = { kind: 'sql', sql: 'SELECT id, a, c FROM t ORDER BY id', rows: [{ id: 1, a: 1, c: 'x' }, { id: 2, a: 2, c: 'y' }] };
  for (let i = 0; i < keys.length; i++) {
    for (let j = i; j < keys.length; j++) {
      const o = SCHEMA_OPS[keys[i]!]!;
      const t = SCHEMA_OPS[keys[j]!]!;
      const conflict = SCHEMA_CONFLICTS.some(([x, y]) => (x === keys[i] && y === keys[j]) || (x === keys[j] && y === keys[i]));
      const expect: Expectation = conflict ? { status: 'conflicts', schemaConflictsAtLeast: 1, dataConflicts: 0 } : { status: 'clean', probes: [base, ...o.probes, ...(i === j ? [] : t.probes)] };
      out.push({ group: 'schema', name: `${o.label} × ${t.label}`, setup: SCHEMA_SETUP, ours: o.sql, theirs: t.sql, expect });
    }
  }
  return out;
}

// ---- mixed: schema on one side, data on the other ------------------------------------------------

function mixedCases(): MergeCase[] {
  const S = SCHEMA_SETUP;
  const c = (name: string, ours: string, theirs: string, expect: Expectation, setup = S): MergeCase => ({ group: 'mixed', name, setup, ours, theirs, expect });
  return [
    c('rename column × update that column', 'ALTER TABLE t RENAME COLUMN b TO bee', "UPDATE t SET b = 'uno' WHERE id = 1", {
      status: 'clean',
      probes: [{ kind: 'sql', sql: 'SELECT id, bee FROM t ORDER BY id', rows: [{ id: 1, bee: 'uno' }, { id: 2, bee: 'two' }] }],
    }),
    c('widen type × insert a row', 'ALTER TABLE t ALTER COLUMN b TYPE VARCHAR(20)', "INSERT INTO t VALUES (3, 3, 'three', 'z', 1)", {
      status: 'clean',
      probes: [colType('b', 'VARCHAR(20)'), { kind: 'sql', sql: 'SELECT id, b FROM t WHERE id = 3', rows: [{ id: 3, b: 'three' }] }],
    }),
    c('narrow type × a value that fits', 'ALTER TABLE t ALTER COLUMN b TYPE VARCHAR(5)', "INSERT INTO t VALUES (3, 3, 'ok', 'z', 1)", {
      status: 'clean',
      probes: [colType('b', 'VARCHAR(5)'), { kind: 'sql', sql: 'SELECT id, b FROM t WHERE id = 3', rows: [{ id: 3, b: 'ok' }] }],
    }),
    c('narrow type × a value too long for it', 'ALTER TABLE t ALTER COLUMN b TYPE VARCHAR(5)', "INSERT INTO t VALUES (3, 3, 'eightchr', 'z', 1)", { status: 'conflicts', schemaConflictsAtLeast: 1 }),
    c('different columns added, each side writes its own', "ALTER TABLE t ADD COLUMN x INTEGER; UPDATE t SET x = 7 WHERE id = 1", "ALTER TABLE t ADD COLUMN y TEXT; UPDATE t SET y = 'why' WHERE id = 2", {
      status: 'clean',
      probes: [{ kind: 'sql', sql: 'SELECT id, x, y FROM t ORDER BY id', rows: [{ id: 1, x: 7, y: null }, { id: 2, x: null, y: 'why' }] }],
    }),
    c(
      "a dropped column's leftover cells do not leak into the other side's new column",
      'ALTER TABLE t ADD COLUMN x INTEGER; UPDATE t SET x = 1 WHERE id = 1',
      'ALTER TABLE t ADD COLUMN tmp INTEGER; UPDATE t SET tmp = 99; ALTER TABLE t DROP COLUMN tmp; ALTER TABLE t ADD COLUMN z INTEGER; UPDATE t SET z = 5 WHERE id = 2',
      { status: 'clean', probes: [{ kind: 'sql', sql: 'SELECT id, x, z FROM t ORDER BY id', rows: [{ id: 1, x: 1, z: null }, { id: 2, x: null, z: 5 }] }] },
    ),
    c('the same column added on both sides, one side under another tag', 'ALTER TABLE t ADD COLUMN x INTEGER; UPDATE t SET x = 1 WHERE id = 1', 'ALTER TABLE t ADD COLUMN tmp INTEGER; UPDATE t SET tmp = 99; ALTER TABLE t DROP COLUMN tmp; ALTER TABLE t ADD COLUMN x INTEGER; UPDATE t SET x = 2 WHERE id = 2', {
      status: 'clean',
      probes: [{ kind: 'sql', sql: 'SELECT id, x FROM t ORDER BY id', rows: [{ id: 1, x: 1 }, { id: 2, x: 2 }] }],
    }),
    c('the same column added with two types', 'ALTER TABLE t ADD COLUMN x INTEGER', 'ALTER TABLE t ADD COLUMN x TEXT', { status: 'conflicts', schemaConflictsAtLeast: 1 }),
    c('add column with a default × insert on the other side', "ALTER TABLE t ADD COLUMN prefs JSONB DEFAULT '{}'", "INSERT INTO t VALUES (3, 3, 'three', 'z', 1)", {
      status: 'clean',
      probes: [{ kind: 'sql', sql: 'SELECT id, prefs FROM t ORDER BY id', rows: [{ id: 1, prefs: '{}' }, { id: 2, prefs: '{}' }, { id: 3, prefs: '{}' }] }],
    }),
    c('add index × update the indexed column', 'CREATE INDEX t_a ON t(a)', 'UPDATE t SET a = 50 WHERE id = 2', {
      status: 'clean',
      probes: [
        { kind: 'sql', sql: 'SELECT id FROM t WHERE a = 50', rows: [{ id: 2 }] },
        { kind: 'sql', sql: 'SELECT id FROM t WHERE a = 2', rows: [] },
      ],
    }),
    c('index on both sides × rows changed on both sides', "UPDATE t SET c = 'q' WHERE id = 1", "INSERT INTO t VALUES (3, 3, 'three', 'q', 1)", {
      status: 'clean',
      probes: [{ kind: 'sql', sql: "SELECT id FROM t WHERE c = 'q' ORDER BY id", rows: [{ id: 1 }, { id: 3 }] }, { kind: 'sql', sql: "SELECT id FROM t WHERE c = 'x'", rows: [] }],
    }),
    c('add UNIQUE × a duplicate inserted', 'ALTER TABLE t ADD CONSTRAINT t_a_unique UNIQUE (a)', "INSERT INTO t VALUES (3, 1, 'dup', 'z', 1)", { status: 'conflicts', violations: ['unique'] }),
    c('add CHECK × a violating row', 'ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0)', "INSERT INTO t VALUES (3, -5, 'neg', 'z', 1)", { status: 'conflicts', violations: ['check'] }),
    c('add FOREIGN KEY × an orphan row', 'ALTER TABLE t ADD CONSTRAINT t_d_fk FOREIGN KEY (d) REFERENCES p(id)', "INSERT INTO t VALUES (3, 3, 'orphan', 'z', 99)", { status: 'conflicts', violations: ['foreign_key'] }),
    c('UNIQUE in base × the same value inserted on both sides', "INSERT INTO t VALUES (3, 5, 'l', 'z', 1)", "INSERT INTO t VALUES (4, 5, 'r', 'z', 1)", { status: 'conflicts', violations: ['unique'] }, `${S}\nCREATE UNIQUE INDEX t_a_u ON t(a);`),
    c('FOREIGN KEY in base × parent deleted and child added', 'DELETE FROM p WHERE id = 2', "INSERT INTO t VALUES (3, 3, 'c', 'z', 2)", { status: 'conflicts', violations: ['foreign_key'] }, S.replace('d INTEGER)', 'd INTEGER REFERENCES p(id))').replace("(2, 2, 'two', 'y', 2)", "(2, 2, 'two', 'y', 1)")),
    c('CHECK in base × cells merged into a violating row', 'UPDATE t SET a = 5 WHERE id = 1', 'UPDATE t SET d = 5 WHERE id = 1', { status: 'conflicts', violations: ['check'] }, S.replace('d INTEGER)', 'd INTEGER, CHECK (a + d < 10))')),
    c('NOT NULL added × NULL inserted', 'ALTER TABLE t ALTER COLUMN c SET NOT NULL', "INSERT INTO t VALUES (3, 3, 'n', NULL, 1)", { status: 'conflicts', violations: ['not_null'] }),
    c('a view added on each side', 'CREATE VIEW v_ours AS SELECT id FROM t', 'CREATE VIEW v_theirs AS SELECT a FROM t', {
      status: 'clean',
      probes: [{ kind: 'sql', sql: "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name", rows: [{ name: 'v_ours' }, { name: 'v_theirs' }] }],
    }),
    c('a trigger added on one side × rows inserted on the other', "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO old VALUES (NEW.id + 100, 'trg'); END", "INSERT INTO t VALUES (3, 3, 'three', 'z', 1)", {
      status: 'clean',
      probes: [
        { kind: 'sql', sql: "SELECT name FROM sqlite_schema WHERE type = 'trigger'", rows: [{ name: 't_log' }] },
        { kind: 'sql', sql: 'SELECT id FROM t ORDER BY id', rows: [{ id: 1 }, { id: 2 }, { id: 3 }] },
      ],
    }),
    c('a trigger added on a table dropped on the other side', "CREATE TRIGGER old_trg AFTER INSERT ON old BEGIN SELECT 1; END", 'DROP TABLE old', { status: 'conflicts', schemaConflictsAtLeast: 1 }),
    c('drop table × rows changed in it', 'DROP TABLE old', "INSERT INTO old VALUES (2, 'new')", { status: 'conflicts', schemaConflictsAtLeast: 1 }),
    c('change primary key × rows changed', 'ALTER TABLE t DROP PRIMARY KEY; ALTER TABLE t ADD PRIMARY KEY (id, a)', "UPDATE t SET c = 'changed' WHERE id = 2", {
      status: 'clean',
      probes: [{ kind: 'sql', sql: 'SELECT id, a, c FROM t ORDER BY id', rows: [{ id: 1, a: 1, c: 'x' }, { id: 2, a: 2, c: 'changed' }] }],
      or: { status: 'conflicts', schemaConflictsAtLeast: 1 },
    }),
    c('JSON cells: different keys merge', `UPDATE j SET doc = '{"k1":1,"k2":0}'`, `UPDATE j SET doc = '{"k1":0,"k2":2}'`, {
      status: 'clean',
      probes: [{ kind: 'sql', sql: "SELECT doc->>'k1' AS k1, doc->>'k2' AS k2 FROM j", rows: [{ k1: 1, k2: 2 }] }],
    }, `${S}\nCREATE TABLE j (id INTEGER PRIMARY KEY, doc JSONB); INSERT INTO j VALUES (1, '{"k1":0,"k2":0}');`),
    c('JSON cells: the same key changed differently', `UPDATE j SET doc = '{"k1":1,"k2":0}'`, `UPDATE j SET doc = '{"k1":2,"k2":0}'`, { status: 'conflicts', dataConflicts: 1 }, `${S}\nCREATE TABLE j (id INTEGER PRIMARY KEY, doc JSONB); INSERT INTO j VALUES (1, '{"k1":0,"k2":0}');`),
  ];
}

export const CASES: MergeCase[] = [...rowCases(), ...schemaCases(), ...mixedCases()];
