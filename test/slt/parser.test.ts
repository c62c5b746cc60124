import { describe, expect, it } from 'vitest';
import { appliesTo, parseSlt, type QueryRecord, type StatementRecord } from './parser.js';

describe('sqllogictest parser', () => {
  it('reads statement ok / error records with multi-line bodies and their line numbers', () => {
    const recs = parseSlt(
      ['statement ok', 'CREATE TABLE t1(', '  a INTEGER)', '', '', 'statement error', 'SELECT * FROM nowhere', ''].join('\n'),
    );
    expect(recs).toEqual([
      { kind: 'statement', line: 1, conditions: [], expectError: false, sql: 'CREATE TABLE t1(\n  a INTEGER)' },
      { kind: 'statement', line: 6, conditions: [], expectError: true, sql: 'SELECT * FROM nowhere' },
    ]);
  });

  it('drops comment lines first: they neither end a record nor appear in it', () => {
    const recs = parseSlt(['# header', 'query I nosort', 'SELECT 1', '# inside the body', '----', '1', '# after', '', '# alone'].join('\n'));
    expect(recs).toHaveLength(1);
    const q = recs[0] as QueryRecord;
    expect(q.line).toBe(2);
    expect(q.sql).toBe('SELECT 1');
    expect(q.expected).toEqual(['1']);
  });

  it('treats whitespace-only lines as blank and ignores a trailing \\r', () => {
    const recs = parseSlt('statement ok\r\nCREATE TABLE t(x)\r\n  \t \r\nquery T rowsort\r\nSELECT x FROM t\r\n----\r\n(empty)\r\n');
    expect(recs.map((r) => [r.kind, r.line])).toEqual([
      ['statement', 1],
      ['query', 4],
    ]);
    expect((recs[0] as StatementRecord).sql).toBe('CREATE TABLE t(x)');
    expect((recs[1] as QueryRecord).expected).toEqual(['(empty)']);
  });

  it('parses query headers: types, sort mode (default nosort) and label', () => {
    const recs = parseSlt(
      ['query ITR', 'SELECT 1, 2, 3', '', 'query I rowsort', 'SELECT 1', '', 'query II valuesort label-7', 'SELECT 1, 2'].join('\n'),
    ) as QueryRecord[];
    expect(recs.map((q) => [q.types, q.sort, q.label])).toEqual([
      ['ITR', 'nosort', undefined],
      ['I', 'rowsort', undefined],
      ['II', 'valuesort', 'label-7'],
    ]);
  });

  it('a query without ---- or with nothing after it expects an empty result', () => {
    const recs = parseSlt(['query I nosort', 'SELECT 1 WHERE 0', '', 'query I nosort', 'SELECT 2 WHERE 0', '----', ''].join('\n'));
    expect((recs as QueryRecord[]).map((q) => q.expected)).toEqual([[], []]);
    expect((recs as QueryRecord[]).map((q) => q.sql)).toEqual(['SELECT 1 WHERE 0', 'SELECT 2 WHERE 0']);
  });

  it('recognises a hashed expected section', () => {
    const [q] = parseSlt('query I rowsort\nSELECT x FROM t\n----\n30 values hashing to 3c13dee48d9356ae19af2515e05e6b54\n') as QueryRecord[];
    expect(q!.expectedHash).toEqual({ count: 30, md5: '3c13dee48d9356ae19af2515e05e6b54' });
    const [v] = parseSlt('query I nosort\nSELECT 1\n----\n1\n') as QueryRecord[];
    expect(v!.expectedHash).toBeUndefined();
  });

  it('reads hash-threshold and halt', () => {
    const recs = parseSlt('hash-threshold 8\n\nhalt\n\nhash-threshold 0\n');
    expect(recs).toEqual([
      { kind: 'hash-threshold', line: 1, conditions: [], threshold: 8 },
      { kind: 'halt', line: 3, conditions: [] },
      { kind: 'hash-threshold', line: 5, conditions: [], threshold: 0 },
    ]);
  });

  it('collects skipif/onlyif conditions; text after the engine name is a comment', () => {
    const recs = parseSlt(
      [
        'skipif mysql # not compatible',
        'onlyif SQLite',
        'query I rowsort label-4',
        'SELECT 1',
        '----',
        '1',
        '',
        'onlyif mssql ',
        'halt',
      ].join('\n'),
    );
    expect(recs[0]!.conditions).toEqual([
      { kind: 'skipif', engine: 'mysql' },
      { kind: 'onlyif', engine: 'sqlite' },
    ]);
    expect(recs[0]!.line).toBe(3);
    expect(recs[1]).toEqual({ kind: 'halt', line: 9, conditions: [{ kind: 'onlyif', engine: 'mssql' }] });
  });

  it('decides applicability case-insensitively', () => {
    const [a, b, c, d] = parseSlt(
      ['skipif sqlite', 'halt', '', 'onlyif mysql', 'halt', '', 'onlyif SQLITE', 'halt', '', 'skipif MySQL', 'halt'].join('\n'),
    );
    expect([a, b, c, d].map((r) => appliesTo(r!, 'sqlite'))).toEqual([false, false, true, true]);
    expect([a, b, c, d].map((r) => appliesTo(r!, 'MYSQL'))).toEqual([true, true, false, false]);
  });

  it('turns malformed records into invalid records instead of throwing', () => {
    const recs = parseSlt(['frobnicate now', '', 'query I sideways', 'SELECT 1', '', 'statement maybe', 'SELECT 1', '', 'skipif mysql'].join('\n'));
    expect(recs.map((r) => r.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(recs.map((r) => r.line)).toEqual([1, 3, 6, 9]);
  });
});
