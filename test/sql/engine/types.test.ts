/**
 * The dialect's exact column types, checked on write: DECIMAL(p,s) (exact, range-checked),
 * BOOLEAN, JSON/JSONB (validated), DATE/TIMESTAMP (ISO text), VARCHAR(n)/CHAR(n) (length
 * enforced), and INTEGER PRIMARY KEY [AUTOINCREMENT] as SQLite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { open, type Database } from '../../../src/index.js';
import { Pair, canon } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await open();
});
afterEach(async () => {
  await db.close();
});

const rows = async (sql: string, params: unknown[] = []): Promise<unknown[][]> => db.prepare<unknown[]>(sql).raw().all(params);
const code = async (sql: string, params: unknown[] = []): Promise<string> => {
  try {
    await db.run(sql, params);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'OK';
};

describe('DECIMAL(p,s)', () => {
  it('stores exactly, rounds to the scale and rejects values out of range', async () => {
    await db.exec('CREATE TABLE m(id INTEGER PRIMARY KEY, amt DECIMAL(8,2), n NUMERIC(5))');
    await db.run('INSERT INTO m VALUES (1, ?, ?)', ['0.1', 12345]);
    await db.run(`INSERT INTO m VALUES (2, 0.2, '7')`);
    await db.run(`INSERT INTO m VALUES (3, '123456.785', 1.5)`);
    expect(await rows('SELECT CAST(sum(amt) AS TEXT) FROM m')).toEqual([['123457.09']]);
    expect(await rows('SELECT CAST(amt AS TEXT) FROM m WHERE id = 3')).toEqual([['123456.79']]);
    expect(await rows(`SELECT CAST(amt + 0 AS TEXT) FROM m WHERE id < 3 ORDER BY id`)).toEqual([['0.10'], ['0.20']]);
    expect(await rows(`SELECT CAST(n AS TEXT) FROM m ORDER BY id`)).toEqual([['12345'], ['7'], ['2']]);
    expect(await code(`INSERT INTO m VALUES (4, 1000000, 1)`)).toBe('NUMERIC_OUT_OF_RANGE');
    expect(await code(`INSERT INTO m VALUES (5, 1, 123456)`)).toBe('NUMERIC_OUT_OF_RANGE');
    expect(await code(`INSERT INTO m VALUES (6, 'abc', 1)`)).toBe('DATATYPE_MISMATCH');
    expect(await code(`UPDATE m SET amt = amt * 100000 WHERE id = 3`)).toBe('NUMERIC_OUT_OF_RANGE');
    expect(await rows('SELECT count(*) FROM m')).toEqual([[3]]);
  });

  it('property: sums of DECIMAL(12,2) are exact (no binary float error)', async () => {
    await db.exec('CREATE TABLE s(v DECIMAL(12,2))');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -99999, max: 99999 }), { minLength: 1, maxLength: 20 }), async (cents) => {
        await db.exec('DELETE FROM s');
        for (const c of cents) await db.run('INSERT INTO s VALUES (?)', [(c / 100).toFixed(2)]);
        const total = cents.reduce((a, b) => a + b, 0);
        const [[got]] = (await rows('SELECT CAST(sum(v) AS TEXT) FROM s')) as [[string]];
        const sign = total < 0 ? '-' : '';
        const abs = Math.abs(total);
        expect(got).toBe(`${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`);
      }),
      { numRuns: 30 },
    );
  });
});

describe('BOOLEAN, JSON, DATE/TIMESTAMP, VARCHAR(n)', () => {
  it('BOOLEAN stores 1/0 for TRUE/FALSE and true/false words; other text fails', async () => {
    await db.exec('CREATE TABLE b(x BOOLEAN)');
    await db.exec(`INSERT INTO b VALUES (TRUE), (FALSE), ('true'), ('False'), ('yes'), ('off'), (1), (NULL)`);
    expect(await rows('SELECT x, typeof(x) FROM b')).toEqual([
      [1, 'integer'], [0, 'integer'], [1, 'integer'], [0, 'integer'], [1, 'integer'], [0, 'integer'], [1, 'integer'], [null, 'null'],
    ]);
    expect(await code(`INSERT INTO b VALUES ('maybe')`)).toBe('CONSTRAINT_TYPE');
  });

  it('JSON/JSONB must be valid JSON on every write', async () => {
    await db.exec('CREATE TABLE j(id INTEGER PRIMARY KEY, doc JSON, bin JSONB)');
    await db.exec(`INSERT INTO j VALUES (1, '{"a": [1, 2]}', '[true, null]')`);
    expect(await code(`INSERT INTO j VALUES (2, '{"a": }', NULL)`)).toBe('CONSTRAINT_TYPE');
    expect(await code(`INSERT INTO j VALUES (3, NULL, 'nope')`)).toBe('CONSTRAINT_TYPE');
    expect(await code(`UPDATE j SET doc = '{' WHERE id = 1`)).toBe('CONSTRAINT_TYPE');
    expect(await code(`INSERT INTO j VALUES (4, x'00', NULL)`)).toBe('CONSTRAINT_TYPE');
    expect(await rows(`SELECT doc ->> '$.a[1]' FROM j`)).toEqual([[2]]);
  });

  it('DATE and TIMESTAMP take ISO text of a real date', async () => {
    await db.exec('CREATE TABLE d(day DATE, at TIMESTAMP)');
    await db.exec(`INSERT INTO d VALUES ('2024-02-29', '2024-02-29 23:59:59'), ('2023-12-31', '2023-12-31T08:00:00.123Z'), (NULL, '2024-01-01')`);
    for (const bad of [`('2023-02-29', NULL)`, `('2024-13-01', NULL)`, `('yesterday', NULL)`, `(NULL, '2024-01-01 24:00:00')`, `(NULL, '2024-01-01 10:61')`]) {
      expect(await code(`INSERT INTO d VALUES ${bad}`), bad).toBe('CONSTRAINT_TYPE');
    }
    expect(await rows(`SELECT count(*) FROM d`)).toEqual([[3]]);
  });

  it('VARCHAR(n) and CHAR(n) enforce their length (in characters); TEXT does not', async () => {
    await db.exec('CREATE TABLE v(a VARCHAR(3), b CHAR(2), c TEXT, d CHARACTER VARYING(1))');
    await db.exec(`INSERT INTO v VALUES ('abc', 'é€', 'anything at all', 'x')`);
    expect(await code(`INSERT INTO v VALUES ('abcd', NULL, NULL, NULL)`)).toBe('CONSTRAINT_TYPE');
    expect(await code(`INSERT INTO v VALUES (NULL, 'abc', NULL, NULL)`)).toBe('CONSTRAINT_TYPE');
    expect(await code(`INSERT INTO v VALUES (NULL, NULL, NULL, 'xy')`)).toBe('CONSTRAINT_TYPE');
    expect(await code(`INSERT INTO v VALUES (123, NULL, NULL, NULL)`)).toBe('OK');
  });
});

describe('INTEGER PRIMARY KEY', () => {
  it('behaves as SQLite (rowid alias, AUTOINCREMENT, datatype mismatch)', async () => {
    const pair = await Pair.create();
    try {
      const steps = [
        'CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v)',
        'CREATE TABLE b(id INTEGER PRIMARY KEY, v)',
        `INSERT INTO a(v) VALUES (1), (2)`,
        `INSERT INTO b VALUES (5, 'x'), (NULL, 'y'), ('7', 'z')`,
        `DELETE FROM a WHERE id = 2`,
        `INSERT INTO a(v) VALUES (3)`,
      ];
      for (const s of steps) await pair.exec(s);
      for (const q of ['SELECT rowid, * FROM a', 'SELECT oid, id, typeof(id) FROM b']) {
        expect(canon(await pair.heliosRows(q), false)).toEqual(canon(pair.sqliteRows(q), false));
      }
      await expect(pair.helios.exec(`INSERT INTO b VALUES ('x', 1)`)).rejects.toMatchObject({ code: 'DATATYPE_MISMATCH' });
      expect(() => pair.sqlite.exec(`INSERT INTO b VALUES ('x', 1)`)).toThrow(/datatype mismatch/);
    } finally {
      await pair.close();
    }
  });
});
