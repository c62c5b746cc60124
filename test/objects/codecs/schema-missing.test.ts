/**
 * A column's `missingValue` in the table schema encoding: exact round trip of every storage
 * class, version 2 only when some column has one (other schemas keep their bytes), and
 * malformed values refused.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { Decimal, decodeTableSchema, encodeRow, encodeTableSchema, type SqlValue, type TableSchema } from '../../../src/objects/index.js';
import { DecodeError } from '../../../src/errors/index.js';
import { sameValue, sqlValueArb } from './sql-values.js';

function schema(missing?: SqlValue): TableSchema {
  const c: TableSchema['columns'][number] = { tag: 2, name: 'c', type: 'TEXT', affinity: 'TEXT', notNull: false, default: "'x'" };
  if (missing !== undefined) c.missingValue = missing;
  return {
    name: 't',
    columns: [{ tag: 1, name: 'id', type: 'INTEGER', affinity: 'INTEGER', notNull: false }, c],
    primaryKey: [{ tag: 1, desc: false }],
    rowidAlias: 1,
    autoincrement: false,
    checks: [],
    foreignKeys: [],
    indexes: [],
    nextTag: 3,
    sql: 'CREATE TABLE t(id INTEGER PRIMARY KEY, c TEXT)',
  };
}

describe('table schema: missingValue', () => {
  it('round-trips every storage class exactly', () => {
    for (const v of [5n, 1, -0, 1.5, 'x', '', new Uint8Array([0, 255]), new Decimal(150n, 2), 2n ** 63n - 1n] as SqlValue[]) {
      const d = decodeTableSchema(encodeTableSchema(schema(v)));
      expect(sameValue(d.columns[1]!.missingValue!, v)).toBe(true);
    }
    fc.assert(
      fc.property(sqlValueArb, (v) => {
        if (v === null) return;
        const d = decodeTableSchema(encodeTableSchema(schema(v)));
        expect(sameValue(d.columns[1]!.missingValue!, v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes version 2 only for schemas that have one', () => {
    const plain = dagCbor.decode(encodeTableSchema(schema())) as { v: number };
    expect(plain.v).toBe(1);
    expect(decodeTableSchema(encodeTableSchema(schema()))).toEqual(schema());
    const withMissing = dagCbor.decode(encodeTableSchema(schema(7n))) as { v: number; columns: { missing?: Uint8Array }[] };
    expect(withMissing.v).toBe(2);
    expect(Buffer.from(withMissing.columns[1]!.missing!).toString('hex')).toBe(Buffer.from(encodeRow([0], [7n])).toString('hex'));
  });

  it('refuses NULL and malformed stored values', () => {
    expect(() => encodeTableSchema(schema(null))).toThrow(TypeError);
    const o = dagCbor.decode(encodeTableSchema(schema(7n))) as { columns: Record<string, unknown>[] };
    for (const bad of [encodeRow([0], [null], [0]), encodeRow([1], [7n]), encodeRow([0, 1], [7n, 8n]), new Uint8Array([9]), 'x']) {
      o.columns[1]!.missing = bad;
      expect(() => decodeTableSchema(dagCbor.encode(o))).toThrow(DecodeError);
    }
  });
});
