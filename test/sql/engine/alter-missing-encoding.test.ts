/**
 * The canonical row encoding of `TableInfo` for columns with a missing value (a column added by
 * ALTER TABLE … ADD COLUMN … DEFAULT): a row decodes to what was encoded, a value identical to
 * the missing value is stored absent (so an old row without the cell and a new row holding the
 * default have the same bytes), NULL is an explicit NULL cell, and "identical" is exact
 * (1 vs 1.0, -0 vs 0, DECIMAL scale all differ). Keyed and keyless tables.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRow, encodeRow, type ColumnSchema, type SqlValue, type TableSchema } from '../../../src/objects/index.js';
import { TableInfo } from '../../../src/sql/storage/table-info.js';
import { sameValue, sqlValueArb } from '../../objects/codecs/sql-values.js';

const RUNS = process.env.HDB_LONG ? 5_000 : 300;

function tableWith(missing: (SqlValue | undefined)[], keyless: boolean): TableInfo {
  const columns: ColumnSchema[] = [{ tag: 0, name: 'id', type: 'INTEGER', affinity: 'INTEGER', notNull: false }];
  missing.forEach((m, i) => {
    const c: ColumnSchema = { tag: i + 1, name: `c${i}`, type: '', affinity: 'BLOB', notNull: false };
    if (m !== undefined) c.missingValue = m;
    columns.push(c);
  });
  const s: TableSchema = {
    name: 't',
    columns,
    primaryKey: keyless ? [] : [{ tag: 0, desc: false }],
    autoincrement: false,
    checks: [],
    foreignKeys: [],
    indexes: [],
    nextTag: columns.length,
    sql: '',
  };
  if (!keyless) s.rowidAlias = 0;
  return new TableInfo(s);
}

const nonNull = sqlValueArb.filter((v) => v !== null);
/** Per column: a missing value or none, and the row's value (often the missing value itself). */
const caseArb = fc.array(
  fc.record({ missing: fc.option(nonNull, { nil: undefined }), value: sqlValueArb, pick: fc.constantFrom('value', 'missing', 'null') }),
  { minLength: 1, maxLength: 6 },
);

function rowOf(cs: { missing: SqlValue | undefined; value: SqlValue; pick: string }[]): SqlValue[] {
  return [7n, ...cs.map((c) => (c.pick === 'missing' && c.missing !== undefined ? c.missing : c.pick === 'null' ? null : c.value))];
}

describe('TableInfo encoding with missing values', () => {
  it('round-trips, stores a value identical to the missing value as absent and NULL explicitly', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (cs, keyless) => {
        const info = tableWith(cs.map((c) => c.missing), keyless);
        const row = rowOf(cs);
        const value = keyless ? info.keylessValue(row, 1) : info.encodeValue(row);
        const key = keyless ? info.keylessKey(row) : info.encodeKey(row);
        const out: SqlValue[] = new Array<SqlValue>(info.width).fill('junk');
        info.decodeInto(key, value, out, 0, info.slotOfTag);
        for (let i = 0; i < row.length; i++) {
          if (!sameValue(out[i]!, row[i]!)) throw new Error(`slot ${i}: ${String(out[i])} vs ${String(row[i])}`);
        }
        const d = decodeRow(value);
        cs.forEach((c, i) => {
          const tag = i + 1;
          const v = row[i + 1]!;
          const stored = d.tags.includes(tag);
          const explicit = d.nullTags?.includes(tag) ?? false;
          if (c.missing === undefined) {
            expect(explicit).toBe(false);
            expect(stored).toBe(v !== null);
          } else {
            expect(explicit).toBe(v === null);
            expect(stored).toBe(v !== null && !sameValue(v, c.missing));
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('an old row (no cell) and a new row holding the default have the same bytes and key', () => {
    fc.assert(
      fc.property(nonNull, sqlValueArb, fc.boolean(), (m, other, keyless) => {
        const before = tableWith([undefined], keyless); // the table before the ALTER
        const after = tableWith([undefined, m], keyless);
        const old = keyless ? before.keylessValue([1n, other], 1) : before.encodeValue([1n, other]);
        const now = keyless ? after.keylessValue([1n, other, m], 1) : after.encodeValue([1n, other, m]);
        expect(Buffer.from(now).equals(Buffer.from(old))).toBe(true);
        if (keyless) expect(Buffer.from(after.keylessKey([1n, other, m])).equals(Buffer.from(before.keylessKey([1n, other])))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('identity is exact: 1 vs 1.0, -0 vs 0, DECIMAL scale, BLOB bytes', () => {
    const cases: [SqlValue, SqlValue][] = [
      [1n, 1],
      [0, -0],
      ['1', 1n],
      [new Uint8Array([1]), new Uint8Array([1, 0])],
    ];
    for (const [m, v] of cases) {
      const info = tableWith([m], false);
      const d = decodeRow(info.encodeValue([1n, v]));
      expect(d.tags).toEqual([1]);
      expect(decodeRow(info.encodeValue([1n, m])).tags).toEqual([]);
    }
    // the fill is a fresh BLOB per row
    const info = tableWith([new Uint8Array([9])], false);
    const a: SqlValue[] = [null, null];
    const b: SqlValue[] = [null, null];
    info.decodeInto(info.encodeKey([1n, null]), encodeRow([], []), a, 0, info.slotOfTag);
    info.decodeInto(info.encodeKey([1n, null]), encodeRow([], []), b, 0, info.slotOfTag);
    expect(a[1]).toEqual(new Uint8Array([9]));
    expect(a[1]).not.toBe(b[1]);
  });
});
