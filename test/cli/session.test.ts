/**
 * The `heliosdb-nano` binary driven as a subprocess: a git-style session (init, sql, status,
 * branch, checkout, log, diff, merge, conflicts, tag, commit/reset in manual mode), the REPL
 * through stdin, and the exact `--format jsonl` shape.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hdb, tempDir } from './helpers.js';

let home: string;

beforeAll(async () => {
  await ensureBuilt();
  home = tempDir();
}, 180_000);

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe.concurrent('a git-style session', () => {
  it('init, sql, branch, checkout, diff, merge, tag, log', async () => {
    const proj = join(home, 'shop');
    mkdirSync(proj);
    const init = await hdb(proj, ['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Initialized empty HeliosDB Nano database');
    expect(existsSync(join(proj, '.heliosdb', 'heliosdb.toml'))).toBe(true);

    // Found from a sub-folder, like Git.
    const sub = join(proj, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    let r = await hdb(sub, ['sql', '-q', "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER); INSERT INTO items VALUES (1, 'apple', 5), (2, 'pear', 3);"]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    r = await hdb(proj, ['sql', '-q', 'SELECT name, qty FROM items ORDER BY id']);
    expect(r.stdout).toBe('name  | qty\n------+----\napple |   5\npear  |   3\n(2 rows)\n');

    r = await hdb(proj, ['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('On branch main');

    expect((await hdb(proj, ['branch', 'create', 'dev'])).code).toBe(0);
    r = await hdb(proj, ['checkout', 'dev']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Switched to branch 'dev'");
    r = await hdb(proj, ['branch']);
    expect(r.stdout).toMatch(/^\* dev /m);
    expect(r.stdout).toMatch(/^ {2}main /m);

    r = await hdb(proj, ['sql', '-q', "UPDATE items SET qty = 7 WHERE id = 1; INSERT INTO items VALUES (3, 'plum', 1);"]);
    expect(r.code).toBe(0);
    r = await hdb(proj, ['status', '--json']);
    expect(JSON.parse(r.stdout).branch).toBe('dev');

    r = await hdb(proj, ['diff', 'main', 'dev']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff --heliosdb a/items b/items');
    expect(r.stdout).toContain("- (id=1, name='apple', qty=5)");
    expect(r.stdout).toContain("+ (id=1, name='apple', qty=7)");
    expect(r.stdout).toContain("+ (id=3, name='plum', qty=1)");
    expect(r.stdout).not.toContain('\x1b['); // not a TTY: no colour
    r = await hdb(proj, ['diff', 'main', 'dev', '--stat']);
    expect(r.stdout).toContain('1 table changed, 1 row added, 1 modified, 0 removed');
    r = await hdb(proj, ['diff', 'main', 'dev', '--format', 'json']);
    const changes = JSON.parse(r.stdout) as { table: string; change: string }[];
    expect(changes.map((c) => c.change).sort()).toEqual(['added', 'modified']);

    // main did not move; merging dev into main fast-forwards.
    r = await hdb(proj, ['checkout', 'main']);
    expect(r.code).toBe(0);
    r = await hdb(proj, ['sql', '-q', 'SELECT count(*) AS n FROM items', '--format', 'csv']);
    expect(r.stdout).toBe('n\n2\n');
    r = await hdb(proj, ['merge', 'dev']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fast-forward/);
    r = await hdb(proj, ['sql', '-q', 'SELECT count(*) AS n FROM items', '--format', 'csv']);
    expect(r.stdout).toBe('n\n3\n');

    r = await hdb(proj, ['tag', 'v1', '-m', 'first']);
    expect(r.code).toBe(0);
    r = await hdb(proj, ['tag', '--json']);
    expect((JSON.parse(r.stdout) as { name: string }[]).map((t) => t.name)).toEqual(['v1']);
    r = await hdb(proj, ['show', 'v1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^commit bafy/);

    r = await hdb(proj, ['log', '--oneline', '-n', '2']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('HEAD -> main');
    expect(lines[0]).toContain('tag: v1');
    r = await hdb(proj, ['log', '--json']);
    const log = JSON.parse(r.stdout) as { message: string; parents: string[] }[];
    expect(log.at(-1)!.parents).toEqual([]);
    expect(log.length).toBeGreaterThanOrEqual(5);
    r = await hdb(proj, ['log', '--since', '2000-01-01', '--until', '2001-01-01', '--oneline']);
    expect(r.stdout).toBe('');
  });

  it('merges with a conflict, lists it, resolves with --theirs and continues; log --graph shows the merge', async () => {
    const proj = join(home, 'conflict');
    mkdirSync(proj);
    await hdb(proj, ['init']);
    await hdb(proj, ['sql', '-q', "CREATE TABLE p (sku TEXT PRIMARY KEY, price INTEGER); INSERT INTO p VALUES ('a', 10), ('b', 20);"]);
    await hdb(proj, ['branch', 'create', 'promo']);
    await hdb(proj, ['sql', '--branch', 'promo', '-q', "UPDATE p SET price = 5 WHERE sku = 'a'"]);
    await hdb(proj, ['sql', '-q', "UPDATE p SET price = 12 WHERE sku = 'a'"]);
    let r = await hdb(proj, ['merge', 'promo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CONFLICT');
    r = await hdb(proj, ['conflicts', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain('"p"');
    r = await hdb(proj, ['conflicts', 'resolve', '--theirs']);
    expect(r.code).toBe(0);
    r = await hdb(proj, ['merge', '--continue']);
    expect(r.code).toBe(0);
    r = await hdb(proj, ['sql', '-q', "SELECT price FROM p WHERE sku = 'a'", '--format', 'csv']);
    expect(r.stdout).toBe('price\n5\n');
    r = await hdb(proj, ['log', '--graph', '--oneline']);
    expect(r.stdout.split('\n')[0]).toMatch(/^\* bafy\S+ \(HEAD -> main\)/);
    expect(r.stdout).toContain('|\\');
    expect(r.stdout).toContain('|/');
  });

  it('manual versioning: status, commit -m, reset --hard', async () => {
    const proj = join(home, 'manual');
    mkdirSync(proj);
    expect((await hdb(proj, ['init', '--versioning', 'manual'])).code).toBe(0);
    await hdb(proj, ['sql', '-q', "CREATE TABLE n (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO n VALUES (1, 'draft');"]);
    let r = await hdb(proj, ['status']);
    expect(r.stdout).toMatch(/new table\s+n/);
    r = await hdb(proj, ['commit', '-m', 'first note']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[main bafy\S+\] first note/);
    await hdb(proj, ['sql', '-q', "UPDATE n SET body = 'oops'"]);
    r = await hdb(proj, ['diff']);
    expect(r.stdout).toContain("+ (id=1, body='oops')");
    r = await hdb(proj, ['reset', '--hard']);
    expect(r.code).toBe(0);
    r = await hdb(proj, ['sql', '-q', 'SELECT body FROM n', '--format', 'csv']);
    expect(r.stdout).toBe('body\ndraft\n');
    r = await hdb(proj, ['commit', '-m', 'nothing']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('nothing to commit');
  });

  it('revert creates a commit undoing one', async () => {
    const proj = join(home, 'revert');
    mkdirSync(proj);
    await hdb(proj, ['init']);
    await hdb(proj, ['sql', '-q', "CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO k VALUES (1, 'a'), (2, 'b');"]);
    await hdb(proj, ['sql', '-q', "UPDATE k SET v = 'z' WHERE id = 1"]);
    const r = await hdb(proj, ['revert', 'main']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const q = await hdb(proj, ['sql', '-q', 'SELECT v FROM k ORDER BY id', '--format', 'csv']);
    expect(q.stdout).toBe('v\na\nb\n');
    const log = await hdb(proj, ['log', '--oneline', '-n', '1']);
    expect(log.stdout).toContain('Revert "UPDATE k');
  });
});

describe.concurrent('sql output formats and scripts', () => {
  it('--format jsonl prints one line per statement and stops at the first error', async () => {
    const proj = join(home, 'jsonl');
    mkdirSync(proj);
    await hdb(proj, ['init']);
    const script = "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT);\nINSERT INTO t VALUES (1, 'x'), (2, 'y');\nSELECT * FROM t ORDER BY a;\nSELEC 1;\nSELECT 2 AS two;\n";
    let r = await hdb(proj, ['sql', '--format', 'jsonl'], { input: script });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { ok: true, rows: [], changes: 0 },
      { ok: true, rows: [], changes: 2 },
      { ok: true, rows: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }], changes: 0 },
      { ok: false, error: { code: 'SQL_SYNTAX', message: expect.stringContaining('SELEC') as string, position: { line: 1, column: 1, token: 'SELEC' } } },
    ]);
    r = await hdb(proj, ['sql', '--format', 'jsonl', '--continue-on-error', '-q', 'SELEC 1; SELECT 2 AS two']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean }).map((l) => l.ok)).toEqual([false, true]);
  });

  it('runs a script file and reports errors with file:line:column and a caret', async () => {
    const proj = join(home, 'script');
    mkdirSync(proj);
    await hdb(proj, ['init']);
    writeFileSync(join(proj, 'm.sql'), 'CREATE TABLE s (id INTEGER PRIMARY KEY);\n-- a comment; with a semicolon\nINSERT INTO s VALUES (1);\nSELECT id\n  FROM s WHERE nope = 1;\n');
    const r = await hdb(proj, ['sql', 'm.sql']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such column: nope');
    expect(r.stderr).toContain('m.sql:5:16 |   FROM s WHERE nope = 1');
    expect(r.stderr).toMatch(/\n\s+\^\^\^\^\n/);
    const c = await hdb(proj, ['sql', '-q', 'SELECT count(*) AS n FROM s', '--format', 'json']);
    expect(JSON.parse(c.stdout)).toEqual([{ n: 1 }]);
  });
});

describe('the REPL through stdin', () => {
  it('multi-line statements, meta-commands, read-only prompt, errors with position', async () => {
    const proj = join(home, 'repl');
    mkdirSync(proj);
    const input = [
      'CREATE TABLE t (id INTEGER PRIMARY KEY,',
      '  v TEXT);',
      "INSERT INTO t VALUES (1, 'a'), (2, 'b');",
      'SELECT * FROM t',
      '  ORDER BY id;',
      '\\dt',
      '\\d t',
      'CREATE BRANCH audit READ ONLY;',
      '\\use audit',
      'DELETE FROM t;',
      'SELEC 1;',
      '\\format csv',
      'SELECT count(*) AS n FROM t;',
      '\\branches',
      '\\q',
      'SELECT 1;',
    ].join('\n');
    const r = await hdb(home, ['./repl-db'], { input });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Created a new database at');
    expect(r.stdout).toContain('heliosdb [main]> ');
    expect(r.stdout).toContain('...> ');
    expect(r.stdout).toContain('id | v\n---+--\n 1 | a\n 2 | b\n(2 rows)');
    expect(r.stdout).toMatch(/column \| type\s+\|/);
    expect(r.stdout).toContain('heliosdb [audit ro]> ');
    expect(r.stderr).toContain('Cannot modify read-only branch: audit');
    expect(r.stderr).toMatch(/near "SELEC": syntax error[^\n]*\n\s+line 1 \| SELEC 1\n\s+\^\^\^\^\^/);
    expect(r.stdout).toContain('n\n2\n');
    expect(r.stdout).toMatch(/\*,audit,/);
    // \q stops: the statement after it never runs (it would print a row "1").
    expect(r.stdout).not.toMatch(/^1$/m);
  });
});
