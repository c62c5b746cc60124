import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { codeOf, head, setup } from './helpers.js';

let open: Database[] = [];
afterEach(async () => {
  for (const d of open) await d.close();
  open = [];
});

async function base() {
  const s = await setup(
    'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)',
    "INSERT INTO t VALUES (1,'x',1),(2,'y',2),(3,'z',3)",
  );
  open.push(s.db);
  return s;
}

describe('MERGE BRANCH', () => {
  it('merges different rows and different cells of one row cleanly, with a two-parent commit', async () => {
    const { db, dev } = await base();
    await dev.run("UPDATE t SET a='dev' WHERE id=1");
    await dev.run("INSERT INTO t VALUES (4,'w',4)");
    await dev.run('DELETE FROM t WHERE id=3');
    await db.run('UPDATE t SET b=10 WHERE id=1');
    await db.run("INSERT INTO t VALUES (5,'v',5)");
    const ours = await head(db);
    const theirs = await head(db, 'dev');
    const [r] = await db.query('MERGE BRANCH dev');
    expect(r).toMatchObject({ status: 'merged', data_conflicts: 0, schema_conflicts: 0, constraint_violations: 0 });
    expect(r!.commit_id).toBe(await head(db));
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([
      { id: 1, a: 'dev', b: 10 },
      { id: 2, a: 'y', b: 2 },
      { id: 4, a: 'w', b: 4 },
      { id: 5, a: 'v', b: 5 },
    ]);
    const [c] = await db.log();
    expect(c!.parents).toEqual([ours, theirs]);
    expect(c!.message).toBe('Merge dev into main');
    // dev did not move
    expect(await head(db, 'dev')).toBe(theirs);
  });

  it('fast-forwards when dst is an ancestor, and reports up-to-date the second time', async () => {
    const { db, dev } = await base();
    await dev.run("UPDATE t SET a='ff' WHERE id=2");
    const theirs = await head(db, 'dev');
    expect(await db.query('MERGE BRANCH dev')).toEqual([{ status: 'fast-forward', commit_id: theirs, data_conflicts: 0, schema_conflicts: 0, constraint_violations: 0 }]);
    expect(await head(db)).toBe(theirs);
    expect(await db.get('SELECT a FROM t WHERE id=2')).toEqual({ a: 'ff' });
    expect((await db.get('MERGE BRANCH dev'))!.status).toBe('up-to-date');
    // merging an ancestor is up-to-date too
    expect((await db.get("MERGE BRANCH 'main~1'"))!.status).toBe('up-to-date');
  });

  it('NO_FF records a merge commit where a fast-forward was possible; SQUASH records one parent', async () => {
    const { db, dev } = await base();
    await dev.run("UPDATE t SET a='n' WHERE id=2");
    const ours = await head(db);
    const r = await db.get('MERGE BRANCH dev WITH (NO_FF, MESSAGE \'keep history\')');
    expect(r!.status).toBe('merged');
    const [c] = await db.log();
    expect(c!.parents).toEqual([ours, await head(db, 'dev')]);
    expect(c!.message).toBe('keep history');

    await dev.run("UPDATE t SET a='s' WHERE id=3");
    await db.run("UPDATE t SET a='m' WHERE id=1");
    const before = await head(db);
    expect((await db.get('MERGE BRANCH dev WITH (SQUASH)'))!.status).toBe('merged');
    const [sq] = await db.log();
    expect(sq!.parents).toEqual([before]);
    expect(await db.query('SELECT a FROM t ORDER BY id')).toEqual([{ a: 'm' }, { a: 'n' }, { a: 's' }]);
  });

  it('STRATEGY OURS / THEIRS resolves data conflicts automatically', async () => {
    const { db, dev } = await base();
    await dev.run("UPDATE t SET a='theirs', b=100 WHERE id=1");
    await db.run("UPDATE t SET a='ours' WHERE id=1");
    await db.exec('CREATE BRANCH probe');
    const probe = await db.session({ branch: 'probe' });
    expect((await probe.get('MERGE BRANCH dev WITH (STRATEGY OURS)'))!.status).toBe('merged');
    expect(await probe.get('SELECT a, b FROM t WHERE id=1')).toEqual({ a: 'ours', b: 100 });
    expect((await db.get('MERGE BRANCH dev WITH (STRATEGY THEIRS)'))!.status).toBe('merged');
    expect(await db.get('SELECT a, b FROM t WHERE id=1')).toEqual({ a: 'theirs', b: 100 });
  });

  it('DRY_RUN reports without changing anything', async () => {
    const { db, dev } = await base();
    await dev.run("UPDATE t SET a='d' WHERE id=1");
    await db.run("UPDATE t SET a='m' WHERE id=1");
    await db.run("UPDATE t SET a='m2' WHERE id=2");
    const h = await head(db);
    expect(await db.get('MERGE BRANCH dev WITH (DRY_RUN)')).toEqual({ status: 'conflicts', commit_id: null, data_conflicts: 1, schema_conflicts: 0, constraint_violations: 0 });
    expect(await head(db)).toBe(h);
    expect(await db.query('SELECT * FROM heliosdb_conflicts')).toEqual([]);
    const api = await db.merge('dev', { dryRun: true, strategy: 'theirs' });
    expect(api).toMatchObject({ status: 'merged', commit: null, dryRun: true, resolved: 1 });
    expect(await head(db)).toBe(h);
    expect(await db.get('SELECT a FROM t WHERE id=1')).toEqual({ a: 'm' });
  });

  it('merges INTO another branch, from tags, commit ids and ref expressions', async () => {
    const { db, dev } = await base();
    await db.exec('CREATE BRANCH staging');
    await dev.run("INSERT INTO t VALUES (10,'ten',10)");
    await dev.exec("CREATE TAG v1");
    await dev.run("INSERT INTO t VALUES (11,'eleven',11)");
    expect((await db.get('MERGE BRANCH v1 INTO staging'))!.status).toBe('fast-forward');
    const staging = await db.session({ branch: 'staging' });
    expect(await staging.query('SELECT id FROM t WHERE id >= 10')).toEqual([{ id: 10 }]);
    expect(await db.query('SELECT id FROM t WHERE id >= 10')).toEqual([]);
    const id = await head(db, 'dev');
    expect((await db.get(`MERGE BRANCH '${id}' INTO staging`))!.status).toBe('fast-forward');
    expect(await staging.query('SELECT id FROM t WHERE id >= 10')).toEqual([{ id: 10 }, { id: 11 }]);
    expect((await db.get(`MERGE BRANCH 'dev~1'`))!.status).toBe('fast-forward');
    expect(await db.query('SELECT id FROM t WHERE id >= 10')).toEqual([{ id: 10 }]);
  });

  it('refuses unknown refs, read-only destinations and merges inside a transaction', async () => {
    const { db } = await base();
    expect(await codeOf(db.query('MERGE BRANCH nope'))).toBe('REF_NOT_FOUND');
    await db.exec('CREATE BRANCH ro READ ONLY');
    expect(await codeOf(db.query('MERGE BRANCH dev INTO ro WITH (NO_FF)'))).toBe('READ_ONLY_BRANCH');
    await db.exec('BEGIN');
    await expect(db.query('MERGE BRANCH dev')).rejects.toThrow(/transaction/);
    await db.exec('ROLLBACK');
  });

  it('takes a table changed on one side only wholesale and merges new tables from both sides', async () => {
    const { db, dev } = await base();
    await dev.exec('CREATE TABLE d (k TEXT PRIMARY KEY); INSERT INTO d VALUES (\'a\')');
    await db.exec('CREATE TABLE m (k TEXT PRIMARY KEY); INSERT INTO m VALUES (\'b\')');
    await db.run("UPDATE t SET a='main' WHERE id=2");
    expect((await db.get('MERGE BRANCH dev'))!.status).toBe('merged');
    expect(await db.query('SELECT k FROM d')).toEqual([{ k: 'a' }]);
    expect(await db.query('SELECT k FROM m')).toEqual([{ k: 'b' }]);
    expect(await db.get('SELECT a FROM t WHERE id=2')).toEqual({ a: 'main' });
  });
});
