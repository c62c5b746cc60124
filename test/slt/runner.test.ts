import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../src/objects/index.js';
import type { EngineFactory, SltQueryResult } from './engine.js';
import { betterSqlite3Engine } from './engines/better-sqlite3.js';
import { runScript } from './runner.js';

const run = (text: string, engineName?: string) =>
  runScript(text, 'inline.test', betterSqlite3Engine, engineName === undefined ? {} : { engineName });

const SETUP = ['statement ok', 'CREATE TABLE t1(a INTEGER, b TEXT)', '', 'statement ok', "INSERT INTO t1 VALUES(1,'x'),(2,'y'),(3,'z')", ''];

describe('sqllogictest runner over better-sqlite3', () => {
  it('passes correct records and counts them', async () => {
    const r = await run(
      [...SETUP, 'query IT rowsort', 'SELECT a, b FROM t1', '----', '1', 'x', '2', 'y', '3', 'z', '', 'statement error', 'SELECT * FROM missing'].join('\n'),
    );
    expect(r).toMatchObject({ passed: 4, failed: 0, skipped: 0, failures: [] });
  });

  it('reports a wrong expected value as a failure with the record line', async () => {
    const text = [...SETUP, '# comment', 'query I nosort', 'SELECT a FROM t1 ORDER BY a', '----', '1', '2', '4', '', 'query I nosort', 'SELECT 1', '----', '1'].join('\n');
    const r = await run(text);
    expect(r.passed).toBe(3);
    expect(r.failed).toBe(1);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ line: 8, sql: 'SELECT a FROM t1 ORDER BY a', expected: '1\n2\n4', actual: '1\n2\n3' });
  });

  it('reports missing or extra rows', async () => {
    const r = await run([...SETUP, 'query I rowsort', 'SELECT a FROM t1', '----', '1', '2'].join('\n'));
    expect(r.failures).toMatchObject([{ line: 7, reason: 'wrong result size' }]);
  });

  it('reports statement outcomes that differ from ok / error', async () => {
    const r = await run(['statement ok', 'CREATE TABLE', '', 'statement error', 'CREATE TABLE t(x)'].join('\n'));
    expect(r.failed).toBe(2);
    expect(r.failures.map((f) => [f.line, f.expected, f.actual === 'ok'])).toEqual([
      [1, 'ok', false],
      [4, 'error', true],
    ]);
  });

  it('fails a query that cannot be prepared or has the wrong column count', async () => {
    const r = await run(
      [...SETUP, 'query I nosort', 'SELECT nope FROM t1', '', 'query II nosort', 'SELECT a FROM t1 WHERE a = 1', '----', '1', '1', '', 'query II nosort', 'SELECT a FROM t1 WHERE a > 5'].join('\n'),
    );
    expect(r.failures.map((f) => [f.line, f.reason.split(':')[0]])).toEqual([
      [7, 'query failed to prepare'],
      [10, 'wrong column count'],
      [16, 'wrong column count'],
    ]);
  });

  it('runs every command of a multi-statement body and trigger bodies containing ;', async () => {
    const r = await run(
      [
        'statement ok',
        'CREATE TABLE t(x); CREATE TABLE log(y)',
        '',
        'statement ok',
        'CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES(new.x); INSERT INTO log VALUES(new.x * 10); END',
        '',
        'statement ok',
        'INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);',
        '',
        'query I rowsort',
        'SELECT y FROM log',
        '----',
        '1',
        '10',
        '2',
        '20',
      ].join('\n'),
    );
    expect(r).toMatchObject({ passed: 4, failed: 0 });
  });

  it('ends the result set at a stepping error, keeping what came before (FORMAT.md)', async () => {
    const r = await run(
      [
        'statement ok',
        'CREATE TABLE t(x INTEGER)',
        '',
        'statement ok',
        'INSERT INTO t VALUES(9223372036854775807),(1)',
        '',
        'query I nosort',
        'SELECT sum(x) FROM t',
        '----',
        '',
        'statement ok',
        'SELECT sum(x) FROM t',
      ].join('\n'),
    );
    // The query expects nothing (the error ends the result); the statement form fails.
    expect(r.passed).toBe(3);
    expect(r.failures.map((f) => f.line)).toEqual([11]);
  });

  it('skips skipif sqlite and onlyif <other> records; onlyif mssql + halt does not halt', async () => {
    const r = await run(
      [
        'onlyif mssql',
        'halt',
        '',
        'skipif sqlite',
        'halt',
        '',
        ...SETUP,
        'skipif sqlite # not here',
        'query I nosort',
        'SELECT 1',
        '----',
        'wrong',
        '',
        'onlyif mysql',
        'statement ok',
        'THIS IS NOT SQL',
        '',
        'onlyif sqlite',
        'query I nosort',
        'SELECT count(*) FROM t1',
        '----',
        '3',
        '',
        'skipif postgresql',
        'query I nosort',
        'SELECT 2',
        '----',
        '2',
      ].join('\n'),
    );
    expect(r).toMatchObject({ passed: 4, failed: 0, skipped: 2 });
  });

  it('halt stops the file for the engine it applies to; the rest counts as skipped', async () => {
    const r = await run([...SETUP, 'onlyif sqlite', 'halt', '', 'query I nosort', 'SELECT 1', '----', 'wrong', '', 'statement ok', 'BAD SQL'].join('\n'));
    expect(r).toMatchObject({ passed: 2, failed: 0, skipped: 2 });
    const other = await run([...SETUP, 'onlyif sqlite', 'halt', '', 'query I nosort', 'SELECT 1', '----', '1'].join('\n'), 'mysql');
    expect(other).toMatchObject({ passed: 3, failed: 0, skipped: 0 });
  });

  it('hashes results with more values than the threshold (default 8); 0 disables hashing', async () => {
    const rows = 'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c WHERE n < 9) SELECT n FROM c';
    const values = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const hashed = '9 values hashing to 22e400a2ddbb013acf2a5852d6ab69fc'; // `seq 9 | md5sum`
    const r = await run(
      [
        'query I nosort',
        rows,
        '----',
        hashed,
        '',
        'hash-threshold 0',
        '',
        'query I nosort',
        rows,
        '----',
        ...values,
        '',
        'hash-threshold 20',
        '',
        'query I nosort',
        rows,
        '----',
        ...values,
        '',
        'hash-threshold 3',
        '',
        'query I nosort',
        rows,
        '----',
        ...values,
      ].join('\n'),
    );
    expect(r.failures.map((f) => [f.line, f.reason, f.actual])).toEqual([[38, 'wrong result hash', hashed]]);
  });

  it('sorts rendered strings bytewise: rowsort by row, valuesort value by value', async () => {
    const r = await run(
      [
        'statement ok',
        'CREATE TABLE t(a INTEGER, b INTEGER)',
        '',
        'statement ok',
        'INSERT INTO t VALUES(9, 1), (10, 2), (9, 0)',
        '',
        'query II rowsort',
        'SELECT a, b FROM t',
        '----',
        '10',
        '2',
        '9',
        '0',
        '9',
        '1',
        '',
        'query II valuesort',
        'SELECT a, b FROM t',
        '----',
        '0',
        '1',
        '10',
        '2',
        '9',
        '9',
        '',
        'query II nosort',
        'SELECT a, b FROM t ORDER BY a, b',
        '----',
        '9',
        '0',
        '9',
        '1',
        '10',
        '2',
      ].join('\n'),
    );
    expect(r).toMatchObject({ passed: 5, failed: 0 });
  });

  it('requires queries sharing a label to produce the same hash', async () => {
    const r = await run(
      [
        ...SETUP,
        'query I rowsort label-1',
        'SELECT a FROM t1',
        '----',
        '1',
        '2',
        '3',
        '',
        'query I rowsort label-1',
        'SELECT a FROM t1 ORDER BY a DESC',
        '----',
        '1',
        '2',
        '3',
        '',
        'query I rowsort label-1',
        'SELECT a + 1 FROM t1',
        '----',
        '1',
        '2',
        '3',
      ].join('\n'),
    );
    // The third fails on its values (reported once); a label check also runs.
    expect(r.failures.map((f) => f.line)).toEqual([21]);
    expect(r.passed).toBe(4);
  });
});

describe('runner with a scripted engine', () => {
  /** An engine whose query answers are fixed by SQL text. */
  const scripted = (answers: Record<string, SltQueryResult | Error>): EngineFactory => async () => ({
    exec: async () => undefined,
    query: async (sql) => {
      const a = answers[sql];
      if (a === undefined) throw new Error(`no such query: ${sql}`);
      if (a instanceof Error) throw a;
      return a;
    },
    close: async () => undefined,
  });

  it('detects a label disagreement between queries whose own expectations pass', async () => {
    const rows = (vals: SqlValue[]): SqlValue[][] => vals.map((v) => [v]);
    const many = rows([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    const other = rows([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 10n]);
    const { hashLine } = await import('./render.js');
    const h1 = hashLine(many.map((r) => String(r[0])));
    const h2 = hashLine(other.map((r) => String(r[0])));
    const r = await runScript(
      ['query I nosort L', 'q1', '----', h1, '', 'query I nosort L', 'q2', '----', h2].join('\n'),
      'x.test',
      scripted({ q1: { rows: many }, q2: { rows: other } }),
    );
    expect(r.failures).toMatchObject([{ line: 6, reason: expect.stringContaining('label L') }]);
  });

  it('compares only the rows produced before a stepping error', async () => {
    const r = await runScript(
      ['query IT nosort', 'q', '----', '1', 'a'].join('\n'),
      'x.test',
      scripted({ q: { rows: [[1n, 'a']], error: new Error('overflow') } }),
    );
    expect(r).toMatchObject({ passed: 1, failed: 0 });
  });

  it('checks the declared column count even when no rows come back', async () => {
    const r = await runScript(['query II nosort', 'q', '----'].join('\n'), 'x.test', scripted({ q: { rows: [], columns: 1 } }));
    expect(r.failed).toBe(1);
  });

  it('fails a record whose engine call never settles, when a timeout is set', async () => {
    const factory: EngineFactory = async () => ({
      exec: () => new Promise<void>(() => undefined),
      query: async () => ({ rows: [[1n]] }),
      close: async () => undefined,
    });
    const r = await runScript(['statement ok', 'stuck', '', 'query I nosort', 'q', '----', '1'].join('\n'), 'x.test', factory, { timeoutMs: 50 });
    expect(r).toMatchObject({ passed: 1, failed: 1 });
    expect(r.failures[0]).toMatchObject({ line: 1, reason: 'timed out after 50 ms' });
  });

  it('stops a file at its first failure with failFast', async () => {
    const r = await runScript(
      ['query I nosort', 'q', '----', '2', '', 'query I nosort', 'q', '----', '1'].join('\n'),
      'x.test',
      scripted({ q: { rows: [[1n]] } }),
      { failFast: true },
    );
    expect(r).toMatchObject({ passed: 0, failed: 1, skipped: 0 });
  });
});
