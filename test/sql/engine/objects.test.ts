/**
 * The schema, table and root value objects: canonical dag-cbor round trips and rejection of
 * malformed bytes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { cidOf } from '../../../src/hash/index.js';
import {
  decodeRootObject,
  decodeTableObject,
  decodeTableSchema,
  encodeRootObject,
  encodeTableObject,
  encodeTableSchema,
  type TableSchema,
} from '../../../src/objects/index.js';
import { DecodeError } from '../../../src/errors/index.js';

const schema: TableSchema = {
  name: 'accounts',
  columns: [
    { tag: 1, name: 'id', type: 'INTEGER', affinity: 'INTEGER', notNull: false },
    { tag: 2, name: 'name', type: 'TEXT', affinity: 'TEXT', notNull: true, default: "'x'", collation: 'NOCASE' },
    { tag: 3, name: 'bal', type: 'DECIMAL(10,2)', affinity: 'NUMERIC', notNull: false },
  ],
  primaryKey: [{ tag: 1, desc: false }],
  rowidAlias: 1,
  autoincrement: true,
  checks: [{ name: 'pos', expr: 'bal >= 0' }],
  foreignKeys: [{ columns: [2], table: 'owners', refColumns: ['name'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
  indexes: [{ name: 'i_name', columns: [{ tag: 2, desc: true }], unique: false, origin: 'create', sql: 'CREATE INDEX i_name ON accounts(name DESC)' }],
  nextTag: 4,
  sql: 'CREATE TABLE accounts(…)',
};

describe('table schema object', () => {
  it('round-trips exactly', () => {
    expect(decodeTableSchema(encodeTableSchema(schema))).toEqual(schema);
  });

  it('is canonical: equal schemas give equal bytes and CIDs', () => {
    const copy: TableSchema = JSON.parse(JSON.stringify(schema));
    expect(cidOf(encodeTableSchema(copy)).equals(cidOf(encodeTableSchema(schema)))).toBe(true);
  });

  it('round-trips generated column lists', () => {
    const name = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.record({ name, notNull: fc.boolean(), def: fc.option(name, { nil: undefined }) }), { minLength: 1, maxLength: 8 }), (cols) => {
        const s: TableSchema = {
          ...schema,
          columns: cols.map((c, i) => ({
            tag: i + 1,
            name: c.name,
            type: '',
            affinity: 'BLOB',
            notNull: c.notNull,
            ...(c.def !== undefined ? { default: c.def } : {}),
          })),
          primaryKey: [],
          indexes: [],
          nextTag: cols.length + 1,
        };
        delete (s as { rowidAlias?: number }).rowidAlias;
        expect(decodeTableSchema(encodeTableSchema(s))).toEqual(s);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects malformed bytes with DecodeError', () => {
    expect(() => decodeTableSchema(new Uint8Array([1, 2, 3]))).toThrow(DecodeError);
    expect(() => decodeTableSchema(dagCbor.encode({ v: 1, name: 5 }))).toThrow(DecodeError);
    expect(() => decodeTableSchema(dagCbor.encode({ v: 99 }))).toThrow(/unknown version/);
  });
});

describe('table and root objects', () => {
  const a = cidOf(new Uint8Array([1]));
  const b = cidOf(new Uint8Array([2]));
  const c = cidOf(new Uint8Array([3]));

  it('table object round-trips, including large auto-increment counters', () => {
    const t = { schema: a, rows: b, indexes: { i_name: c }, autoIncrement: 2n ** 62n };
    const d = decodeTableObject(encodeTableObject(t));
    expect(d.schema.equals(a)).toBe(true);
    expect(d.rows.equals(b)).toBe(true);
    expect(d.indexes.i_name!.equals(c)).toBe(true);
    expect(d.autoIncrement).toBe(2n ** 62n);
    expect(decodeTableObject(encodeTableObject({ ...t, autoIncrement: 7n })).autoIncrement).toBe(7n);
  });

  it('root object round-trips and ignores map insertion order', () => {
    const r1 = { tables: { t1: a, t2: b }, views: { v: { name: 'V', sql: 'CREATE VIEW V AS SELECT 1' } }, triggers: {} };
    const r2 = { tables: { t2: b, t1: a }, views: { v: { name: 'V', sql: 'CREATE VIEW V AS SELECT 1' } }, triggers: {} };
    const bytes = encodeRootObject(r1);
    expect(Buffer.from(bytes).equals(Buffer.from(encodeRootObject(r2)))).toBe(true);
    const d = decodeRootObject(bytes);
    expect(Object.keys(d.tables)).toEqual(['t1', 't2']);
    expect(d.views.v).toEqual({ name: 'V', sql: 'CREATE VIEW V AS SELECT 1' });
  });

  it('rejects a root whose tables are not links', () => {
    expect(() => decodeRootObject(dagCbor.encode({ v: 1, tables: { t: 'x' }, views: {}, triggers: {} }))).toThrow(DecodeError);
  });
});
