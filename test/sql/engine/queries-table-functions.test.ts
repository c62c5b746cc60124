/**
 * Table-valued functions in FROM: json_each / json_tree (visible and hidden columns, a path
 * argument, lateral calls reading an earlier table, joins, WHERE and aggregates), compared with
 * SQLite (better-sqlite3); the registry (`tableFunctions`) with a function defined by a test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pair, canon } from './helpers.js';
import { tableFunctions } from '../../../src/sql/exec/table-functions.js';

let pair: Pair;

beforeAll(async () => {
  pair = await Pair.create();
  await pair.exec(`
    CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT);
    INSERT INTO docs VALUES
      (1, '{"a":1,"b":[2,3,{"c":"x"}],"d":null}'),
      (2, '[10, 20.5, "t", true, false, {"k":[]}]'),
      (3, '"scalar"'),
      (4, NULL);
  `);
});
afterAll(async () => {
  await pair.close();
});

async function same(sql: string, sorted = true): Promise<void> {
  expect(canon(await pair.heliosRows(sql), sorted), sql).toEqual(canon(pair.sqliteRows(sql), sorted));
}

describe('json_each / json_tree', () => {
  it('agree with SQLite', async () => {
    const qs = [
      `SELECT * FROM json_each('[1, 2, {"x": [3]}]')`,
      `SELECT * FROM json_tree('[1, 2, {"x": [3]}]')`,
      `SELECT key, value, json, root FROM json_each('{"p": 1, "q": [1]}')`,
      `SELECT key, value, root FROM json_each('{"p": 1, "q": [7, 8]}', '$.q')`,
      `SELECT * FROM json_tree('{"p": 1, "q": [7, {"r": 8}]}', '$.q')`,
      `SELECT * FROM json_each('{"p": 1}', '$.nope')`,
      `SELECT docs.id, j.key, j.type, j.atom FROM docs, json_each(docs.body) AS j ORDER BY docs.id, j.id`,
      `SELECT d.id, t.fullkey, t.path, t.type FROM docs AS d JOIN json_tree(d.body) AS t WHERE t.type NOT IN ('object', 'array')`,
      `SELECT d.id, count(*) FROM docs d, json_tree(d.body) GROUP BY d.id`,
      `SELECT d.id, j.value FROM docs d LEFT JOIN json_each(d.body, '$.b') j ORDER BY 1, 2`,
      `SELECT value FROM json_each('[3, 1, 2]') ORDER BY value DESC LIMIT 2`,
      `SELECT a.value, b.value FROM json_each('[1, 2]') a, json_each('[10, 20]') b`,
      `SELECT (SELECT sum(value) FROM json_each(d.body)) FROM docs d WHERE d.id = 2`,
      `SELECT * FROM json_each(?1)`.replace('?1', `'[]'`),
      `SELECT j.* FROM json_each('[1]') AS j`,
    ];
    for (const q of qs) await same(q, !/ORDER BY/.test(q));
  });

  it('report errors like SQLite', async () => {
    for (const q of [`SELECT * FROM json_each('[1,')`, `SELECT * FROM json_each(1, 2, 3)`, `SELECT * FROM no_such_fn(1)`]) {
      let s = '';
      let h = '';
      try {
        pair.sqliteRows(q);
      } catch (e) {
        s = (e as Error).message;
      }
      try {
        await pair.heliosRows(q);
      } catch (e) {
        h = (e as Error).message;
      }
      expect(s, q).not.toBe('');
      expect(h, q).not.toBe('');
    }
    await expect(pair.heliosRows('SELECT * FROM no_such_fn(1)')).rejects.toMatchObject({ code: 'NO_SUCH_FUNCTION' });
    await expect(pair.heliosRows('SELECT * FROM json_each(1, 2, 3)')).rejects.toMatchObject({ code: 'WRONG_ARGUMENT_COUNT', message: expect.stringContaining('too many arguments on json_each() - max 2') });
    await same('SELECT * FROM json_each()');
    await same(`SELECT * FROM json_each('[1]', NULL)`);
  });
});

describe('registry', () => {
  it('serves functions registered at run time, with lateral arguments and columns from constant arguments', async () => {
    tableFunctions.register({
      name: 'test_series',
      minArgs: 1,
      maxArgs: 2,
      columns: (consts) => [{ name: typeof consts[1] === 'string' ? consts[1] : 'n', affinity: 'INTEGER' }, { name: 'step', hidden: true }],
      *rows(args) {
        const n = Number(args[0]);
        for (let i = 1; i <= n; i++) yield [BigInt(i), 1n];
      },
    });
    expect(tableFunctions.lookup('TEST_SERIES')?.name).toBe('test_series');
    expect(await pair.helios.query('SELECT * FROM test_series(3)')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await pair.helios.query(`SELECT v, step FROM test_series(2, 'v')`)).toEqual([{ v: 1, step: 1 }, { v: 2, step: 1 }]);
    expect(await pair.helios.query('SELECT d.id, s.n FROM docs d, test_series(d.id) s WHERE d.id <= 2 ORDER BY 1, 2')).toEqual([
      { id: 1, n: 1 },
      { id: 2, n: 1 },
      { id: 2, n: 2 },
    ]);
    const plan = await pair.helios.query<{ detail: string }>('EXPLAIN QUERY PLAN SELECT * FROM docs d, test_series(d.id) s');
    expect(plan.map((r) => r.detail)).toEqual(['FROM', 'SCAN docs AS d', 'SCAN test_series AS s VIRTUAL TABLE']);
  });
});
