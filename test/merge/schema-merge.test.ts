/**
 * Unit tests and properties of the three-way schema merge (src/merge/schema-merge.ts): columns
 * by tag and by name, type changes, indexes and constraints, primary keys, tables, views and
 * triggers. Schemas are built by hand, as the SQL layer would store them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyTypeChange, mergeSchemas, type SchemaSide } from '../../src/merge/index.js';
import type { ColumnSchema, IndexSchema, TableSchema } from '../../src/objects/index.js';

function col(tag: number, name: string, type = 'INTEGER', extra: Partial<ColumnSchema> = {}): ColumnSchema {
  const aff = /INT/i.test(type) ? 'INTEGER' : /CHAR|TEXT|CLOB/i.test(type) ? 'TEXT' : /REAL|DOUB|FLOA/i.test(type) ? 'REAL' : 'NUMERIC';
  return { tag, name, type, affinity: aff, notNull: false, ...extra };
}

/** Base table t(id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR(10)), tags 0..2. */
function baseTable(): TableSchema {
  return {
    name: 't',
    columns: [col(0, 'id'), col(1, 'a'), col(2, 'b', 'VARCHAR(10)')],
    primaryKey: [{ tag: 0, desc: false }],
    rowidAlias: 0,
    autoincrement: false,
    checks: [],
    foreignKeys: [],
    indexes: [],
    nextTag: 3,
    sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR(10))',
  };
}

function side(tables: TableSchema[], views: SchemaSide['views'] = {}, triggers: SchemaSide['triggers'] = {}): SchemaSide {
  return { tables: new Map(tables.map((t) => [t.name.toLowerCase(), t] as const)), views, triggers };
}

function edit(f: (t: TableSchema) => void): TableSchema {
  const t = structuredClone(baseTable());
  f(t);
  t.sql = `${t.sql} /*${Math.random()}*/`;
  return t;
}

const addCol = (name: string, type = 'INTEGER', extra: Partial<ColumnSchema> = {}) => (t: TableSchema): void => {
  t.columns.push(col(t.nextTag++, name, type, extra));
};
const dropCol = (name: string) => (t: TableSchema): void => {
  t.columns = t.columns.filter((c) => c.name !== name);
};
const setType = (name: string, type: string) => (t: TableSchema): void => {
  const c = t.columns.find((x) => x.name === name)!;
  Object.assign(c, col(c.tag, c.name, type));
};
const rename = (from: string, to: string) => (t: TableSchema): void => {
  t.columns.find((x) => x.name === from)!.name = to;
};
const addIndex = (name: string, tags: number[], unique = false, origin: IndexSchema['origin'] = 'create') => (t: TableSchema): void => {
  t.indexes.push({ name, columns: tags.map((tag) => ({ tag, desc: false })), unique, origin, ...(origin === 'create' ? { sql: `CREATE INDEX ${name} ON t(${tags.join(',')})` } : {}) });
};

function merge1(o: (t: TableSchema) => void, th: (t: TableSchema) => void) {
  const b = baseTable();
  return mergeSchemas(side([b]), side([edit(o)]), side([edit(th)]));
}
const noop = (): void => {};

describe('columns', () => {
  it('different columns added on both sides merge; theirs is retagged', () => {
    const r = merge1(addCol('x'), addCol('y', 'TEXT'));
    expect(r.conflicts).toEqual([]);
    const p = r.tables.get('t')!;
    expect(p.schema.columns.map((c) => [c.tag, c.name])).toEqual([[0, 'id'], [1, 'a'], [2, 'b'], [3, 'x'], [4, 'y']]);
    expect(p.theirsRetag).toEqual(new Map([[3, 4]]));
    expect(p.schema.nextTag).toBe(5);
    expect(p.sqlStale).toBe(true);
  });

  it('the renderer is used when the merged schema equals no side', () => {
    const r = mergeSchemas(side([baseTable()]), side([edit(addCol('x'))]), side([edit(addCol('y'))]), { renderCreateTable: (s) => `R:${s.columns.map((c) => c.name).join(',')}` });
    expect(r.tables.get('t')!.schema.sql).toBe('R:id,a,b,x,y');
    expect(r.tables.get('t')!.sqlStale).toBe(false);
  });

  it('the same column added with the same definition is one column', () => {
    const r = merge1(addCol('x', 'TEXT'), addCol('x', 'TEXT'));
    expect(r.conflicts).toEqual([]);
    const p = r.tables.get('t')!;
    expect(p.schema.columns.map((c) => c.name)).toEqual(['id', 'a', 'b', 'x']);
    expect(p.theirsRetag.size).toBe(0);
  });

  it('the same column added with the same definition under different tags: theirs is mapped onto ours', () => {
    const r = merge1(addCol('x', 'TEXT'), (t) => {
      addCol('tmp')(t);
      dropCol('tmp')(t);
      addCol('x', 'TEXT')(t);
    });
    expect(r.conflicts).toEqual([]);
    const p = r.tables.get('t')!;
    expect(p.schema.columns.map((c) => [c.tag, c.name])).toEqual([[0, 'id'], [1, 'a'], [2, 'b'], [3, 'x']]);
    expect(p.theirsRetag).toEqual(new Map([[4, 3]]));
    expect(p.droppedTags).toEqual([]);
    expect(p.theirsStaleTags).toEqual([3]);
  });

  it('the same name added with different definitions is a conflict showing both', () => {
    const r = merge1(addCol('x', 'TEXT'), addCol('x', 'INTEGER'));
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ table: 't', column: 'x', ours: 'x TEXT', theirs: 'x INTEGER' });
  });

  it('a column dropped on one side merges; dropped and changed is a conflict', () => {
    const r = merge1(dropCol('a'), noop);
    expect(r.conflicts).toEqual([]);
    expect(r.tables.get('t')!.schema.columns.map((c) => c.name)).toEqual(['id', 'b']);
    expect(r.tables.get('t')!.droppedTags).toEqual([1]);
    const c = merge1(dropCol('a'), setType('a', 'BIGINT'));
    expect(c.conflicts.map((x) => x.kind)).toEqual(['column-dropped-and-changed']);
    expect(c.conflicts[0]).toMatchObject({ base: 'a INTEGER', ours: '(absent)', theirs: 'a BIGINT' });
  });

  it('a rename on one side keeps the tag; renamed differently on both sides conflicts', () => {
    const r = merge1(rename('a', 'alpha'), noop);
    expect(r.conflicts).toEqual([]);
    expect(r.tables.get('t')!.schema.columns[1]).toMatchObject({ tag: 1, name: 'alpha' });
    expect(merge1(rename('a', 'x'), rename('a', 'y')).conflicts.map((c) => c.kind)).toEqual(['column-renamed-differently']);
  });

  it('a rename onto a name the other side added is a name clash', () => {
    expect(merge1(rename('a', 'x'), addCol('x')).conflicts.map((c) => c.kind)).toContain('column-name-clash');
  });

  it('a rename on one side and a type widening on the other merge', () => {
    const r = merge1(rename('b', 'bee'), setType('b', 'TEXT'));
    expect(r.conflicts).toEqual([]);
    expect(r.tables.get('t')!.schema.columns[2]).toMatchObject({ tag: 2, name: 'bee', type: 'TEXT' });
    expect(r.tables.get('t')!.validate).toEqual([]);
  });

  it('widening on one side is clean; narrowing is marked for validation against the other side', () => {
    for (const [from, to] of [['a', 'BIGINT'], ['b', 'VARCHAR(20)'], ['b', 'TEXT']] as const) {
      const r = merge1(noop, setType(from, to));
      expect(r.conflicts).toEqual([]);
      expect(r.tables.get('t')!.validate).toEqual([]);
    }
    const n = merge1(setType('b', 'VARCHAR(3)'), noop);
    expect(n.conflicts).toEqual([]);
    expect(n.tables.get('t')!.validate).toEqual([2]);
    expect(n.tables.get('t')!.validateBy.get(2)).toBe('ours');
  });

  it('one column given two types is a conflict showing both', () => {
    const r = merge1(setType('a', 'BIGINT'), setType('a', 'TEXT'));
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ kind: 'column-type-changed-differently', column: 'a', base: 'a INTEGER', ours: 'a BIGINT', theirs: 'a TEXT' });
  });

  it('NOT NULL added on one side is a constraint the caller checks', () => {
    const r = merge1((t) => (t.columns[1]!.notNull = true), noop);
    expect(r.conflicts).toEqual([]);
    expect(r.tables.get('t')!.constraintsAddedBy).toEqual(['ours']);
  });
});

describe('type classification', () => {
  it.each([
    ['INT', 'BIGINT', 'widen'],
    ['BIGINT', 'INT', 'narrow'],
    ['REAL', 'DOUBLE', 'widen'],
    ['DOUBLE PRECISION', 'REAL', 'narrow'],
    ['VARCHAR(10)', 'VARCHAR(20)', 'widen'],
    ['VARCHAR(10)', 'TEXT', 'widen'],
    ['VARCHAR(10)', 'VARCHAR(5)', 'narrow'],
    ['TEXT', 'VARCHAR(5)', 'narrow'],
    ['DECIMAL(10,2)', 'DECIMAL(12,2)', 'widen'],
    ['DECIMAL(10,2)', 'DECIMAL(8,2)', 'narrow'],
    ['DECIMAL(10,2)', 'DECIMAL(12,3)', 'convert'],
    ['DECIMAL(10,2)', 'DECIMAL(10,3)', 'narrow'],
    ['INTEGER', 'TEXT', 'narrow'],
    ['varchar(4)', 'VARCHAR(4)', 'same'],
  ])('%s → %s is %s', (a, b, want) => {
    expect(classifyTypeChange(a, b)).toBe(want);
  });
});

describe('indexes and constraints', () => {
  it('an index added on one side and one dropped on the other merge', () => {
    const b = edit(addIndex('ia', [1]));
    const o = structuredClone(b);
    o.indexes.push({ name: 'ib', columns: [{ tag: 2, desc: false }], unique: false, origin: 'create' });
    const th = structuredClone(b);
    th.indexes = [];
    const r = mergeSchemas(side([b]), side([o]), side([th]));
    expect(r.conflicts).toEqual([]);
    expect(r.tables.get('t')!.schema.indexes.map((i) => i.name)).toEqual(['ib']);
  });

  it('an index on a column the other side dropped is a conflict', () => {
    expect(merge1(addIndex('ia', [1]), dropCol('a')).conflicts.map((c) => c.kind)).toEqual(['index-on-dropped-column']);
  });

  it('two unnamed UNIQUE constraints with the same autoindex name are both kept, theirs renamed', () => {
    const r = merge1(addIndex('sqlite_autoindex_t_1', [1], true, 'unique'), addIndex('sqlite_autoindex_t_1', [2], true, 'unique'));
    expect(r.conflicts).toEqual([]);
    const p = r.tables.get('t')!;
    expect(p.schema.indexes.map((i) => [i.name, i.columns[0]!.tag])).toEqual([['sqlite_autoindex_t_1', 1], ['sqlite_autoindex_t_2', 2]]);
    expect(p.indexRenames).toEqual(new Map([['sqlite_autoindex_t_1', 'sqlite_autoindex_t_2']]));
    expect(p.constraintsAddedBy).toEqual(['ours', 'theirs']);
  });

  it('CHECK and FOREIGN KEY added on either side merge as schema', () => {
    const r = merge1((t) => t.checks.push({ expr: 'a > 0' }), (t) => t.foreignKeys.push({ columns: [1], table: 'p', refColumns: [], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' }));
    expect(r.conflicts).toEqual([]);
    const s = r.tables.get('t')!.schema;
    expect(s.checks).toEqual([{ expr: 'a > 0' }]);
    expect(s.foreignKeys).toHaveLength(1);
    expect(r.tables.get('t')!.constraintsAddedBy).toEqual(['ours', 'theirs']);
  });

  it('a CHECK on a column renamed or dropped on the other side is a conflict', () => {
    expect(merge1((t) => t.checks.push({ expr: 'a > 0' }), rename('a', 'z')).conflicts.map((c) => c.kind)).toEqual(['check-on-dropped-column']);
    expect(merge1((t) => t.checks.push({ expr: '"a" > 0' }), dropCol('a')).conflicts.map((c) => c.kind)).toEqual(['check-on-dropped-column']);
    expect(merge1((t) => t.checks.push({ expr: "b <> 'a'" }), dropCol('a')).conflicts).toEqual([]);
  });

  it('a named CHECK changed differently on both sides conflicts', () => {
    const b = edit((t) => t.checks.push({ name: 'c1', expr: 'a > 0' }));
    const o = structuredClone(b);
    o.checks[0]!.expr = 'a > 1';
    const th = structuredClone(b);
    th.checks[0]!.expr = 'a > 2';
    expect(mergeSchemas(side([b]), side([o]), side([th])).conflicts.map((c) => c.kind)).toEqual(['check-changed-differently']);
  });
});

describe('primary key', () => {
  const pkAB = (t: TableSchema): void => {
    t.primaryKey = [{ tag: 0, desc: false }, { tag: 1, desc: false }];
    delete t.rowidAlias;
  };
  it('changed on one side is taken and flagged', () => {
    const r = merge1(noop, pkAB);
    expect(r.conflicts).toEqual([]);
    expect(r.tables.get('t')!.pkChangedBy).toBe('theirs');
    expect(r.tables.get('t')!.schema.primaryKey.map((k) => k.tag)).toEqual([0, 1]);
    expect(r.tables.get('t')!.schema.rowidAlias).toBeUndefined();
  });
  it('changed differently on both sides conflicts', () => {
    const r = merge1(pkAB, (t) => {
      t.primaryKey = [{ tag: 2, desc: false }];
      delete t.rowidAlias;
    });
    expect(r.conflicts.map((c) => c.kind)).toEqual(['primary-key-changed-differently']);
  });
});

describe('tables, views, triggers', () => {
  const u: TableSchema = { ...baseTable(), name: 'u', sql: 'CREATE TABLE u (id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR(10))' };
  it('tables added or dropped on one side merge', () => {
    const r = mergeSchemas(side([baseTable()]), side([baseTable(), u]), side([]));
    expect(r.conflicts).toEqual([]);
    expect([...r.tables.keys()]).toEqual(['u']);
    expect(r.tables.get('u')!.addedBy).toBe('ours');
    expect(r.droppedTables).toEqual(new Map([['t', 'theirs']]));
  });
  it('a table dropped on one side and altered on the other conflicts', () => {
    const r = mergeSchemas(side([baseTable()]), side([edit(addCol('x'))]), side([]));
    expect(r.conflicts.map((c) => c.kind)).toEqual(['table-dropped-and-changed']);
  });
  it('the same table added on both sides with different definitions conflicts', () => {
    const r = mergeSchemas(side([]), side([baseTable()]), side([edit(addCol('x'))]));
    expect(r.conflicts.map((c) => c.kind)).toEqual(['table-added-differently']);
    expect(mergeSchemas(side([]), side([baseTable()]), side([baseTable()])).conflicts).toEqual([]);
  });
  it('views and triggers merge key by key', () => {
    const v1 = { name: 'v1', sql: 'CREATE VIEW v1 AS SELECT 1' };
    const v2 = { name: 'v2', sql: 'CREATE VIEW v2 AS SELECT 2' };
    const tr = { name: 'tr', table: 't', sql: 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END' };
    const r = mergeSchemas(side([baseTable()], { v1 }), side([baseTable()], { v1, v2 }), side([baseTable()], {}, { tr }));
    expect(r.conflicts).toEqual([]);
    expect(r.views).toEqual({ v2 });
    expect(r.triggers).toEqual({ tr });
    const c = mergeSchemas(side([], { v1 }), side([], { v1: { ...v1, sql: 'CREATE VIEW v1 AS SELECT 3' } }), side([], { v1: { ...v1, sql: 'CREATE VIEW v1 AS SELECT 4' } }));
    expect(c.conflicts.map((x) => x.kind)).toEqual(['view-changed-differently']);
  });
  it('a trigger added on a table the other side dropped conflicts', () => {
    const tr = { name: 'tr', table: 't', sql: 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END' };
    const r = mergeSchemas(side([baseTable()]), side([baseTable()], {}, { tr }), side([]));
    expect(r.conflicts.map((x) => x.kind)).toEqual(['trigger-on-dropped-table']);
  });
});

// ---- properties -----------------------------------------------------------------------------------

type Op = { k: 'add'; name: string; type: string } | { k: 'drop'; i: number } | { k: 'rename'; i: number; to: string } | { k: 'type'; i: number; type: string } | { k: 'index'; i: number } | { k: 'check'; i: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('add' as const), name: fc.constantFrom('x', 'y', 'z', 'w'), type: fc.constantFrom('INTEGER', 'TEXT', 'REAL') }),
  fc.record({ k: fc.constant('drop' as const), i: fc.nat(5) }),
  fc.record({ k: fc.constant('rename' as const), i: fc.nat(5), to: fc.constantFrom('r1', 'r2', 'r3') }),
  fc.record({ k: fc.constant('type' as const), i: fc.nat(5), type: fc.constantFrom('BIGINT', 'TEXT', 'VARCHAR(5)', 'VARCHAR(50)') }),
  fc.record({ k: fc.constant('index' as const), i: fc.nat(5) }),
  fc.record({ k: fc.constant('check' as const), i: fc.nat(5) }),
);

/** Apply ops as the SQL layer would (skipping ones that would fail there). */
function applyOps(ops: Op[]): TableSchema {
  const t = structuredClone(baseTable());
  for (const op of ops) {
    const nonKey = t.columns.filter((c) => c.tag !== 0);
    const c = 'i' in op && nonKey.length ? nonKey[op.i % nonKey.length] : undefined;
    const used = (n: string): boolean => t.columns.some((x) => x.name === n);
    const referenced = (x: ColumnSchema): boolean => t.indexes.some((i) => i.columns.some((k) => k.tag === x.tag)) || t.checks.some((k) => k.expr.includes(x.name));
    if (op.k === 'add' && !used(op.name)) t.columns.push(col(t.nextTag++, op.name, op.type));
    else if (op.k === 'drop' && c && !referenced(c)) t.columns = t.columns.filter((x) => x !== c);
    else if (op.k === 'rename' && c && !used(op.to) && !referenced(c)) c.name = op.to;
    else if (op.k === 'type' && c) Object.assign(c, col(c.tag, c.name, op.type));
    else if (op.k === 'index' && c && !t.indexes.some((i) => i.name === `i_${c.name}`)) t.indexes.push({ name: `i_${c.name}`, columns: [{ tag: c.tag, desc: false }], unique: false, origin: 'create' });
    else if (op.k === 'check' && c && !t.checks.some((k) => k.expr === `${c.name} IS NOT NULL`)) t.checks.push({ expr: `${c.name} IS NOT NULL` });
  }
  t.sql = `sql:${JSON.stringify(ops)}`;
  return t;
}

/** A schema with tags renamed to their column names (compare "up to retag"). */
function shape(s: TableSchema): unknown {
  const n = (tag: number): string => s.columns.find((c) => c.tag === tag)?.name ?? `#${tag}`;
  return {
    columns: s.columns.map(({ tag: _t, ...rest }) => rest).sort((a, b) => a.name.localeCompare(b.name)),
    pk: s.primaryKey.map((k) => n(k.tag)),
    indexes: s.indexes.map((i) => `${i.name}:${i.columns.map((k) => n(k.tag)).join(',')}`).sort(),
    checks: s.checks.map((c) => c.expr).sort(),
  };
}

describe('properties', () => {
  const opsArb = fc.array(opArb, { maxLength: 6 });
  it('merging a side with itself is that side', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const s = applyOps(ops);
        const r = mergeSchemas(side([baseTable()]), side([s]), side([s]));
        expect(r.conflicts).toEqual([]);
        expect(r.tables.get('t')!.schema).toEqual(s);
        expect(r.tables.get('t')!.theirsRetag.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
  it('when one side equals the base the result is the other side', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const s = applyOps(ops);
        for (const r of [mergeSchemas(side([baseTable()]), side([baseTable()]), side([s])), mergeSchemas(side([baseTable()]), side([s]), side([baseTable()]))]) {
          expect(r.conflicts).toEqual([]);
          expect(r.tables.get('t')!.schema).toEqual(s);
          expect(r.tables.get('t')!.theirsRetag.size).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });
  it('clean merges commute up to retag; conflicts are found in both directions', () => {
    fc.assert(
      fc.property(opsArb, opsArb, (a, b) => {
        const sa = applyOps(a);
        const sb = applyOps(b);
        const ab = mergeSchemas(side([baseTable()]), side([sa]), side([sb]));
        const ba = mergeSchemas(side([baseTable()]), side([sb]), side([sa]));
        expect(ab.conflicts.length > 0).toBe(ba.conflicts.length > 0);
        if (ab.conflicts.length === 0) {
          expect(shape(ab.tables.get('t')!.schema)).toEqual(shape(ba.tables.get('t')!.schema));
          expect(ab.tables.get('t')!.validate.length).toBe(ba.tables.get('t')!.validate.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
