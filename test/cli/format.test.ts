/**
 * The CLI's text helpers and the configuration parser, tested in-process: statement splitting,
 * CSV writing and reading (round trip, property-tested), JSON with exact 64-bit integers, and
 * heliosdb.toml validation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCsv, formatTable, splitSql, toJsonText } from '../../cli/format.js';
import { parseCsv } from '../../cli/commands/table.js';
import { ConfigError, configToOpenOptions, loadConfigFile, setConfigValue } from '../../src/index.js';

describe('formatBytes', () => {
  it('picks the unit like du -h', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KB');
    expect(formatBytes(15 * 1024 + 512)).toBe('15.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GB');
  });
});

describe('splitSql', () => {
  it('splits at top-level semicolons only', () => {
    const { statements, rest } = splitSql("SELECT ';' AS a; -- c;\nSELECT \"x;y\" FROM t /* ; */;\nINSERT INTO t VALUES ('it''s;');\nSELECT 1");
    expect(statements.map((s) => s.sql)).toEqual(["SELECT ';' AS a", '-- c;\nSELECT "x;y" FROM t /* ; */', "INSERT INTO t VALUES ('it''s;')"]);
    expect(rest.trim()).toBe('SELECT 1');
  });
  it('keeps a trigger body (with CASE … END) in one statement', () => {
    const sql = 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = CASE WHEN v > 1 THEN 1 ELSE 0 END; DELETE FROM u; END; SELECT 2;';
    const { statements } = splitSql(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]!.sql.endsWith('END')).toBe(true);
    expect(statements[1]!.sql).toBe('SELECT 2');
  });
  it('reports the line each statement starts on', () => {
    const { statements } = splitSql('SELECT 1;\n\n  SELECT\n2;');
    expect(statements.map((s) => s.line)).toEqual([1, 3]);
  });
});

describe('CSV', () => {
  it('round-trips any text fields (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string({ unit: 'grapheme' })), { minLength: 1, maxLength: 20 }), (pairs) => {
        const rows = pairs.map(([a, b]) => ({ a: a === '' ? 'x' : a, b: b === '' ? 'y' : b }));
        const parsed = parseCsv(formatCsv(rows, ['a', 'b']));
        expect(parsed[0]!.fields).toEqual(['a', 'b']);
        expect(parsed.slice(1).map((r) => r.fields)).toEqual(rows.map((r) => [r.a, r.b]));
        expect(parsed.every((r) => r.error === undefined)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it('numbers each record by its first line, across quoted newlines', () => {
    const recs = parseCsv('h1,h2\n"a\nb",1\n\nc,2\n');
    expect(recs.map((r) => r.line)).toEqual([1, 2, 5]);
  });
});

describe('output', () => {
  it('JSON keeps 64-bit integers exact and shows bytes as hex', () => {
    expect(toJsonText({ n: 9007199254740993n, b: new Uint8Array([1, 255]) })).toBe('{"n":9007199254740993,"b":"01ff"}');
  });
  it('tables align columns and right-align numbers', () => {
    expect(formatTable([{ k: 'a', n: 5 }, { k: 'bbb', n: 100 }], ['k', 'n'])).toBe('k   | n\n----+----\na   |   5\nbbb | 100\n');
  });
});

describe('heliosdb.toml', () => {
  it('reads the keys of the use-case documents', () => {
    const { config, warnings } = loadConfigFile('versioning = "manual"\nauthor = "ann"\n[database]\npath = "data"\nmemory_limit_mb = 256\n[storage]\ntime_travel_enabled = true\n[snapshot]\nmin_retention_seconds = 7776000 # 90 days\nmax_snapshots = 10000\nauto_gc_enabled = true\n[monitoring]\nmetrics_enabled = true\n');
    expect(config).toEqual({ database: { path: 'data' }, storage: { timeTravelEnabled: true }, snapshot: { minRetentionSeconds: 7776000, maxSnapshots: 10000, autoGcEnabled: true }, versioning: 'manual', author: 'ann' });
    expect(warnings).toHaveLength(2);
    expect(configToOpenOptions(config)).toEqual({ versioning: 'manual', author: 'ann', timeTravel: true, retention: { autoGc: true, minRetentionSeconds: 7776000, maxSnapshots: 10000 } });
  });
  it('rejects invalid values naming the key and the expected form', () => {
    expect(() => loadConfigFile('[snapshot]\nmin_retention_seconds = -5\n')).toThrow(/'snapshot.min_retention_seconds': expected a whole number ≥ 0, got -5/);
    expect(() => loadConfigFile('[storage]\ntime_travel_enabled = "yes"\n')).toThrow(ConfigError);
    expect(() => loadConfigFile('versioning = ')).toThrow(/not valid TOML/);
    expect(() => setConfigValue(undefined, 'snapshot.nope', '1')).toThrow(/unknown configuration key 'snapshot.nope'/);
    expect(loadConfigFile(setConfigValue('author = "x"\n', 'snapshot.max_snapshots', '7')).config.snapshot.maxSnapshots).toBe(7);
  });
});
