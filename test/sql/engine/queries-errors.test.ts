/**
 * The planner's and DML executor's errors: stable codes (not the generic SQL_ERROR), SQLite's
 * message text, and the position of the offending token where the statement has one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import { SqlError } from '../../../src/errors/index.js';

let db: Database;

beforeAll(async () => {
  db = await open();
  await db.exec(`
    CREATE TABLE t(a INT PRIMARY KEY, b TEXT UNIQUE);
    CREATE TABLE u(a INT, c INT);
    CREATE VIEW v AS SELECT a FROM t;
  `);
});
afterAll(async () => {
  await db.close();
});

async function err(sql: string): Promise<SqlError> {
  try {
    await db.query(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    return e as SqlError;
  }
  throw new Error(`no error from: ${sql}`);
}

const cases: [string, string, string, { line: number; column: number; token?: string }?][] = [
  ['SELECT * FROM nope', 'NO_SUCH_TABLE', 'no such table: nope', { line: 1, column: 15, token: 'nope' }],
  ['SELECT zz FROM t', 'NO_SUCH_COLUMN', 'no such column: zz', { line: 1, column: 8, token: 'zz' }],
  ['SELECT a\nFROM t, u\nWHERE a = 1', 'AMBIGUOUS_COLUMN', 'ambiguous column name: a', { line: 1, column: 8, token: 'a' }],
  ['SELECT b FROM t WHERE nofn(b)', 'NO_SUCH_FUNCTION', 'no such function: nofn', { line: 1, column: 23, token: 'nofn' }],
  ['SELECT substr() FROM t', 'WRONG_ARGUMENT_COUNT', 'wrong number of arguments to function substr()', { line: 1, column: 8 }],
  ['SELECT a FROM t WHERE count(*) > 1', 'MISUSE_OF_AGGREGATE', 'misuse of aggregate function count()', { line: 1, column: 23 }],
  ['SELECT sum(max(a)) FROM t', 'MISUSE_OF_AGGREGATE', 'misuse of aggregate function max()'],
  ['SELECT a FROM t GROUP BY 3', 'TERM_OUT_OF_RANGE', 'GROUP BY term out of range - should be between 1 and 1'],
  ['SELECT a FROM t ORDER BY 2', 'TERM_OUT_OF_RANGE', '1st ORDER BY term out of range - should be between 1 and 1'],
  ['SELECT a FROM t UNION SELECT a FROM t ORDER BY zz', 'ORDER_BY_NO_MATCH', '1st ORDER BY term does not match any column in the result set'],
  ['SELECT a FROM t UNION SELECT a, b FROM t', 'COLUMN_COUNT_MISMATCH', 'SELECTs to the left and right of UNION do not have the same number of result columns'],
  ['SELECT a FROM t WHERE a IN (SELECT a, b FROM t)', 'COLUMN_COUNT_MISMATCH', 'sub-select returns 2 columns - expected 1'],
  ['SELECT * FROM t JOIN u USING (zz)', 'JOIN_CLAUSE', 'cannot join using column zz - column not present in both tables'],
  ['SELECT (1, 2) = 3', 'ROW_VALUE_MISUSED', 'row value misused'],
  ['SELECT a FROM t HAVING a > 1', 'HAVING_WITHOUT_GROUP_BY', 'a GROUP BY clause is required before HAVING'],
  ['SELECT *', 'NO_TABLES_SPECIFIED', 'no tables specified'],
  ['WITH x AS (SELECT 1), x AS (SELECT 2) SELECT * FROM x', 'DUPLICATE_CTE', 'duplicate WITH table name: x'],
  ['SELECT a FROM t INDEXED BY nope', 'NO_SUCH_INDEX', 'no such index: nope'],
  ['SELECT a FROM t ORDER BY a COLLATE nope', 'NO_SUCH_COLLATION', 'no such collation sequence: nope'],
  ["SELECT 'a' LIKE 'a' ESCAPE 'xy'", 'BAD_ESCAPE', 'ESCAPE expression must be a single character'],
  ['INSERT INTO nope VALUES (1)', 'NO_SUCH_TABLE', 'no such table: nope'],
  ['INSERT INTO v VALUES (1)', 'READONLY_TABLE', 'cannot modify v because it is a view'],
  ['INSERT INTO t(zz) VALUES (1)', 'NO_SUCH_COLUMN', 'table t has no column named zz'],
  ['INSERT INTO t(a, a) VALUES (1, 2)', 'DUPLICATE_COLUMN', 'duplicate column name in INSERT column list'],
  ['INSERT INTO t VALUES (1)', 'COLUMN_COUNT_MISMATCH', 'table t has 2 columns but 1 values were supplied'],
  ['INSERT INTO t VALUES (1, 2) ON CONFLICT (a, b) DO NOTHING', 'UPSERT_TARGET_MISMATCH', 'ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint'],
  ['INSERT INTO t VALUES (1, 2) ON CONFLICT DO NOTHING ON CONFLICT (a) DO NOTHING', 'UPSERT_TARGET_MISSING', 'an ON CONFLICT clause without a conflict target must be the last one'],
  ['UPDATE t SET zz = 1', 'NO_SUCH_COLUMN', 'no such column: zz'],
  ['UPDATE t SET (a, b) = (1, 2, 3)', 'ROW_VALUE_MISUSED', '2 columns assigned 3 values'],
  ['DELETE FROM t RETURNING count(*)', 'MISUSE_OF_AGGREGATE', 'aggregate functions are not allowed in RETURNING'],
  ['SELECT * FROM json_each(1, 2, 3)', 'WRONG_ARGUMENT_COUNT', 'too many arguments on json_each() - max 2'],
  ['SELECT * FROM nofn(1)', 'NO_SUCH_FUNCTION', 'no such table-valued function: nofn'],
];

describe('error codes', () => {
  it.each(cases)('%s', async (sql, code, message, pos) => {
    const e = await err(sql);
    expect(e.code).toBe(code);
    expect(e.message.replace(/ \(at line \d+, column \d+\)$/, '')).toBe(message);
    if (pos) {
      expect(e.position).toMatchObject(pos);
      expect(e.message).toContain(`(at line ${pos.line}, column ${pos.column})`);
    }
  });
});
