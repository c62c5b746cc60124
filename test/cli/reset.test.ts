/**
 * `heliosdb-nano reset` driven as a subprocess: `reset <ref>` moves the current branch back
 * (recorded in the ref log, undoable), `reset <ref> --hard` in manual mode also drops the
 * uncommitted changes while plain `reset <ref>` keeps them, and bad input (no ref and no
 * --hard, an unknown ref, a read-only branch).
 */
import { mkdirSync, rmSync } from 'node:fs';
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

const csv = async (proj: string, sql: string): Promise<string> => (await hdb(proj, ['sql', '-q', sql, '--format', 'csv'])).stdout;

describe.concurrent('reset', () => {
  it('reset <ref> moves the branch back; the old head is in the ref log and reset to it undoes', async () => {
    const proj = join(home, 'tx');
    mkdirSync(proj);
    expect((await hdb(proj, ['init'])).code).toBe(0);
    await hdb(proj, ['sql', '-q', 'CREATE TABLE k (id INTEGER PRIMARY KEY)']);
    await hdb(proj, ['sql', '-q', 'INSERT INTO k VALUES (1)']);
    await hdb(proj, ['sql', '-q', 'INSERT INTO k VALUES (2)']);
    await hdb(proj, ['tag', 'one', 'main~1']);
    const head = JSON.parse((await hdb(proj, ['log', '--json', '-n', '1'])).stdout) as { id: string }[];
    let r = await hdb(proj, ['reset', 'main~1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^main is now at bafy\S+ INSERT INTO k VALUES \(1\)$/m);
    expect(r.stdout).toContain(`undo with 'heliosdb-nano reset ${head[0]!.id}'`);
    expect(await csv(proj, 'SELECT id FROM k ORDER BY id')).toBe('id\n1\n');
    expect(await csv(proj, `SELECT old_head, message FROM heliosdb_reflog('main') LIMIT 1`)).toBe(`old_head,message\n${head[0]!.id},reset: moving to main~1\n`);
    r = await hdb(proj, ['reset', head[0]!.id, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ branch: 'main', to: head[0]!.id });
    expect(await csv(proj, 'SELECT id FROM k ORDER BY id')).toBe('id\n1\n2\n');
    r = await hdb(proj, ['reset', 'one']);
    expect(r.code).toBe(0);
    expect(await csv(proj, 'SELECT count(*) AS n FROM k')).toBe('n\n1\n');
  });

  it('manual mode: reset <ref> keeps uncommitted changes, --hard drops them', async () => {
    const proj = join(home, 'manual');
    mkdirSync(proj);
    expect((await hdb(proj, ['init', '--versioning', 'manual'])).code).toBe(0);
    await hdb(proj, ['sql', '-q', "CREATE TABLE n (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO n VALUES (1, 'a')"]);
    expect((await hdb(proj, ['commit', '-m', 'one'])).code).toBe(0);
    await hdb(proj, ['sql', '-q', "INSERT INTO n VALUES (2, 'b')"]);
    expect((await hdb(proj, ['commit', '-m', 'two'])).code).toBe(0);
    await hdb(proj, ['sql', '-q', "UPDATE n SET body = 'draft' WHERE id = 1"]);
    let r = await hdb(proj, ['reset', 'main~1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^main is now at bafy\S+ one$/m);
    expect(r.stdout).toContain('Uncommitted changes in 1 table');
    expect(await csv(proj, 'SELECT body FROM n ORDER BY id')).toBe('body\ndraft\nb\n');
    r = await hdb(proj, ['status', '--json']);
    expect(r.stdout).toContain('"n"');
    r = await hdb(proj, ['reset', 'main', '--hard']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Discarded uncommitted changes in 1 table');
    expect(await csv(proj, 'SELECT body FROM n ORDER BY id')).toBe('body\na\n');
    r = await hdb(proj, ['commit', '-m', 'nothing']);
    expect(r.stdout).toContain('nothing to commit');
  });

  it('bad input: no ref and no --hard (usage, exit 2), an unknown ref, a read-only branch', async () => {
    const proj = join(home, 'bad');
    mkdirSync(proj);
    await hdb(proj, ['init']);
    await hdb(proj, ['sql', '-q', 'CREATE TABLE k (id INTEGER PRIMARY KEY); INSERT INTO k VALUES (1)']);
    let r = await hdb(proj, ['reset']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reset needs a ref');
    r = await hdb(proj, ['reset', 'nosuchref']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[REF_NOT_FOUND]');
    expect((await hdb(proj, ['branch', 'create', 'audit', '--read-only'])).code).toBe(0);
    expect((await hdb(proj, ['checkout', 'audit'])).code).toBe(0);
    r = await hdb(proj, ['reset', 'main~1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot modify read-only branch: audit');
    expect(await csv(proj, 'SELECT count(*) AS n FROM k')).toBe('n\n1\n');
  });

  it('reset --hard during a merge aborts the merge, like git', async () => {
    const proj = join(home, 'merging');
    mkdirSync(proj);
    await hdb(proj, ['init']);
    await hdb(proj, ['sql', '-q', "CREATE TABLE p (sku TEXT PRIMARY KEY, price INTEGER); INSERT INTO p VALUES ('a', 10), ('b', 20);"]);
    await hdb(proj, ['branch', 'create', 'promo']);
    await hdb(proj, ['sql', '--branch', 'promo', '-q', "UPDATE p SET price = 5 WHERE sku = 'a'; UPDATE p SET price = 25 WHERE sku = 'b'"]);
    await hdb(proj, ['sql', '-q', "UPDATE p SET price = 12 WHERE sku = 'a'"]);
    const head = (await hdb(proj, ['log', '--json', '-n', '1'])).stdout;
    let r = await hdb(proj, ['merge', 'promo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CONFLICT');
    // The merge's clean part shows while it is in progress.
    expect(await csv(proj, 'SELECT sku, price FROM p ORDER BY sku')).toBe('sku,price\na,12\nb,25\n');
    r = await hdb(proj, ['reset', '--hard']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Merge of promo into main aborted.\n');
    expect(await csv(proj, 'SELECT sku, price FROM p ORDER BY sku')).toBe('sku,price\na,12\nb,20\n');
    expect((await hdb(proj, ['log', '--json', '-n', '1'])).stdout).toBe(head);
    r = await hdb(proj, ['merge', '--continue']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NO_MERGE_IN_PROGRESS');
    expect(JSON.parse((await hdb(proj, ['conflicts', '--json'])).stdout)).toMatchObject({ conflicts: [] });
    // The merge can be started again, and a hard reset to a ref aborts it too (JSON output names it).
    expect((await hdb(proj, ['merge', 'promo'])).code).toBe(1);
    r = await hdb(proj, ['reset', 'main', '--hard', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ branch: 'main', mergeAborted: 'promo' });
    expect(await csv(proj, 'SELECT sku, price FROM p ORDER BY sku')).toBe('sku,price\na,12\nb,20\n');
    // A soft reset during a merge is refused.
    expect((await hdb(proj, ['merge', 'promo'])).code).toBe(1);
    r = await hdb(proj, ['reset', 'main']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('MERGE_IN_PROGRESS');
  });
});
