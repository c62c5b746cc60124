/**
 * Bad input to the `heliosdb-nano` binary: unknown command or flag (exit 2), unknown ref,
 * no database found, a read-only branch, import files with bad rows (nothing imported),
 * invalid configuration; plus help, --db/HELIOSDB_DB and colour rules.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hdb, tempDir } from './helpers.js';

let home: string;
let proj: string;

beforeAll(async () => {
  await ensureBuilt();
  home = tempDir();
  proj = join(home, 'proj');
  mkdirSync(proj);
  await hdb(proj, ['init']);
  const r = await hdb(proj, ['sql', '-q', "CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER); INSERT INTO c VALUES (1, 'ann', 10); CREATE BRANCH audit READ ONLY;"]);
  if (r.code !== 0) throw new Error(r.stderr);
}, 180_000);

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe.concurrent('usage errors exit with 2', () => {
  it('unknown command', async () => {
    const r = await hdb(proj, ['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
  it('unknown flag', async () => {
    const r = await hdb(proj, ['log', '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frob'");
  });
  it('bad option values and combinations', async () => {
    expect((await hdb(proj, ['sql', '--format', 'xml', '-q', 'SELECT 1'])).code).toBe(2);
    expect((await hdb(proj, ['branch', 'x', '--as-of', 'not a time'])).code).toBe(2);
    expect((await hdb(proj, ['conflicts', 'resolve'])).code).toBe(2);
  });
  it('--help on a command shows an example and exits 0', async () => {
    const r = await hdb(proj, ['merge', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--no-ff');
  });
});

describe.concurrent('failures exit with 1 and say what was wrong', () => {
  it('unknown ref', async () => {
    const r = await hdb(proj, ['show', 'no-such-branch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Unknown ref "no-such-branch"');
    expect(r.stderr).toContain('[REF_NOT_FOUND]');
    const c = await hdb(proj, ['checkout', 'nope']);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('Unknown branch "nope"');
  });

  it('no database found, and --db / HELIOSDB_DB', async () => {
    const empty = join(home, 'empty');
    mkdirSync(empty);
    const r = await hdb(empty, ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no database found');
    const viaFlag = await hdb(empty, ['--db', proj, 'sql', '-q', 'SELECT count(*) AS n FROM c', '--format', 'csv']);
    expect(viaFlag.stdout).toBe('n\n1\n');
    const viaEnv = await hdb(empty, ['sql', '-q', 'SELECT name FROM c', '--format', 'csv'], { env: { HELIOSDB_DB: proj } });
    expect(viaEnv.stdout).toBe('name\nann\n');
    const missing = await hdb(empty, ['--db', join(home, 'missing'), 'status']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no database at');
  });

  it('SQL syntax error shows the position', async () => {
    const r = await hdb(proj, ['sql', '-q', 'SELECT * FROM c WHERE id = = 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[SQL_SYNTAX]');
    expect(r.stderr).toMatch(/line 1 \| SELECT \* FROM c WHERE id = = 1\n\s+\^/);
  });

  it('a read-only branch refuses writes', async () => {
    const r = await hdb(proj, ['sql', '--branch', 'audit', '-q', 'DELETE FROM c']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot modify read-only branch: audit');
    const list = await hdb(proj, ['branch']);
    expect(list.stdout).toMatch(/audit\s+bafy\S+\s+\[read-only\]/);
  });

  it('import with bad rows reports their lines and imports nothing', async () => {
    const f = join(home, 'bad.csv');
    writeFileSync(f, 'id,name,score\n2,bo,20\n3,cy\n4,"d""q",40\n5,"unterminated,1\n');
    const r = await hdb(proj, ['table', 'import', 'c', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.csv:3: expected 3 fields, found 2');
    expect(r.stderr).toContain('bad.csv:5: unterminated quoted field');
    expect(r.stderr).toContain('nothing imported');
    // A row that breaks a constraint: its line is named, and the rows before it are not kept.
    const g = join(home, 'notnull.jsonl');
    writeFileSync(g, '{"id":6,"name":"ed","score":1}\n{"id":7,"name":null}\n');
    const s = await hdb(proj, ['table', 'import', 'c', g]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('notnull.jsonl:2: NOT NULL constraint failed');
    const j = join(home, 'bad.jsonl');
    writeFileSync(j, '{"id":8,"name":"x"}\n{oops\n');
    const t = await hdb(proj, ['table', 'import', 'c', j]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('bad.jsonl:2: invalid JSON');
    const n = await hdb(proj, ['sql', '-q', 'SELECT count(*) AS n FROM c', '--format', 'csv']);
    expect(n.stdout).toBe('n\n1\n');
  });
});

describe('import, export, config, colour', () => {
  it('imports CSV in one commit and exports it back', async () => {
    const f = join(home, 'good.csv');
    let csv = 'id,name,score\n';
    for (let i = 100; i < 1100; i++) csv += `${i},"name ${i}, jr",${i % 7 === 0 ? '' : i}\n`;
    writeFileSync(f, csv);
    const before = JSON.parse((await hdb(proj, ['log', '--json'])).stdout) as unknown[];
    const r = await hdb(proj, ['table', 'import', 'c', f, '-m', 'load']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Imported 1000 rows into c in [\d.]+ s \(\d+ rows\/s\)/);
    const after = JSON.parse((await hdb(proj, ['log', '--json'])).stdout) as { message: string }[];
    expect(after.length).toBe(before.length + 1);
    expect(after[0]!.message).toBe('load');
    const out = join(home, 'out.csv');
    expect((await hdb(proj, ['table', 'export', 'c', out])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,name,score');
    expect(lines).toHaveLength(1002);
    expect(lines).toContain('100,"name 100, jr",100');
    expect(lines).toContain('105,"name 105, jr",');
    const jl = await hdb(proj, ['table', 'export', 'c', '--format', 'jsonl']);
    expect(JSON.parse(jl.stdout.split('\n')[1]!)).toEqual({ id: 100, name: 'name 100, jr', score: 100 });
  });

  it('config set validates and names the key; unknown keys are warned about', async () => {
    const p2 = join(home, 'cfg');
    mkdirSync(p2);
    await hdb(p2, ['init']);
    let r = await hdb(p2, ['config', 'set', 'snapshot.max_snapshots', 'lots']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'snapshot.max_snapshots': expected a whole number ≥ 1");
    r = await hdb(p2, ['config', 'set', 'versioning', 'manual']);
    expect(r.code).toBe(0);
    r = await hdb(p2, ['config', 'get', 'versioning']);
    expect(r.stdout).toBe('manual\n');
    appendFileSync(join(p2, '.heliosdb', 'heliosdb.toml'), '\n[monitoring]\nmetrics_enabled = true\n[extra]\nfoo = 1\n');
    r = await hdb(p2, ['config', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).versioning).toBe('manual');
    expect(r.stderr).toContain("'monitoring.metrics_enabled' has no effect");
    expect(r.stderr).toContain("unknown key 'extra.foo'");
    writeFileSync(join(p2, '.heliosdb', 'heliosdb.toml'), 'versioning = "sometimes"\n');
    r = await hdb(p2, ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`invalid value for 'versioning': expected "transaction" or "manual", got "sometimes"`);
  });

  it('colour only when forced or on a TTY, never with NO_COLOR', async () => {
    const forced = await hdb(proj, ['log', '--oneline', '-n', '1'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\x1b[33m');
    const no = await hdb(proj, ['log', '--oneline', '-n', '1'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(no.stdout).not.toContain('\x1b[');
    const flag = await hdb(proj, ['--no-color', 'log', '--oneline', '-n', '1'], { env: { FORCE_COLOR: '1' } });
    expect(flag.stdout).not.toContain('\x1b[');
  });
});
