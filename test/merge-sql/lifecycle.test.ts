import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import { codeOf, head, setup } from './helpers.js';

let dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs) await d.close();
  dbs = [];
});

async function conflicted() {
  const s = await setup(
    'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)',
    "INSERT INTO t VALUES (1,'x',1),(2,'y',2),(3,'z',3),(4,'w',4)",
  );
  dbs.push(s.db);
  const { db, dev } = s;
  await dev.run("UPDATE t SET a='dev1' WHERE id=1"); // cells conflict
  await dev.run('UPDATE t SET b=22 WHERE id=2'); // delete vs update
  await dev.run("INSERT INTO t VALUES (5,'dev5',5)"); // insert vs insert
  await dev.run('UPDATE t SET b=33 WHERE id=3'); // clean
  await db.run("UPDATE t SET a='main1' WHERE id=1");
  await db.run('DELETE FROM t WHERE id=2');
  await db.run("INSERT INTO t VALUES (5,'main5',5)");
  await db.run("UPDATE t SET a='main4' WHERE id=4"); // clean
  return s;
}

describe('merge in progress', () => {
  it('stops on conflicts: dst unchanged, conflicts listed per table and per row', async () => {
    const { db } = await conflicted();
    const h = await head(db);
    expect(await db.get('MERGE BRANCH dev')).toEqual({ status: 'conflicts', commit_id: null, data_conflicts: 3, schema_conflicts: 0, constraint_violations: 0 });
    expect(await head(db)).toBe(h);
    expect(await db.query('SELECT * FROM heliosdb_conflicts')).toEqual([{ table: 't', data_conflicts: 3, schema_conflicts: 0 }]);
    const rows = await db.query("SELECT id, ours_a, theirs_a, base_a, ours_b, theirs_b, our_diff_type, their_diff_type, reason FROM heliosdb_conflicts('t') ORDER BY id");
    expect(rows).toEqual([
      { id: 1, ours_a: 'main1', theirs_a: 'dev1', base_a: 'x', ours_b: 1, theirs_b: 1, our_diff_type: 'modified', their_diff_type: 'modified', reason: 'cells' },
      { id: 2, ours_a: null, theirs_a: 'y', base_a: 'y', ours_b: null, theirs_b: 22, our_diff_type: 'removed', their_diff_type: 'modified', reason: 'delete-update' },
      { id: 5, ours_a: 'main5', theirs_a: 'dev5', base_a: null, ours_b: 5, theirs_b: 5, our_diff_type: 'added', their_diff_type: 'added', reason: 'insert-insert' },
    ]);
    // the working state holds the clean part of the merge, ours' rows where conflicts are
    expect(await db.query('SELECT id, a, b FROM t ORDER BY id')).toEqual([
      { id: 1, a: 'main1', b: 1 },
      { id: 3, a: 'z', b: 33 },
      { id: 4, a: 'main4', b: 4 },
      { id: 5, a: 'main5', b: 5 },
    ]);
    const api = db.conflicts('t');
    expect(api.map((c) => [c.key, c.reason, c.columns])).toEqual([
      [{ id: 1 }, 'cells', ['a']],
      [{ id: 2 }, 'delete-update', []],
      [{ id: 5 }, 'insert-insert', []],
    ]);
    expect(db.conflicts()).toEqual([{ table: 't', dataConflicts: 3, schemaConflicts: 0 }]);
  });

  it('refuses a second merge and MERGE CONTINUE while conflicts remain', async () => {
    const { db } = await conflicted();
    await db.query('MERGE BRANCH dev');
    expect(await codeOf(db.query('MERGE BRANCH dev'))).toBe('MERGE_IN_PROGRESS');
    expect(await codeOf(db.merge('dev'))).toBe('MERGE_IN_PROGRESS');
    expect(await codeOf(db.query('MERGE CONTINUE'))).toBe('MERGE_CONFLICTS');
  });

  it('resolves by writing rows, RESOLVE … WHERE, and completes with MERGE CONTINUE (two parents)', async () => {
    const { db } = await conflicted();
    const ours = await head(db);
    const theirs = await head(db, 'dev');
    await db.query('MERGE BRANCH dev');
    await db.run("UPDATE t SET a='hand' WHERE id=1");
    expect((await db.query('SELECT id FROM heliosdb_conflicts(\'t\') ORDER BY id')).map((r) => r.id)).toEqual([2, 5]);
    expect(await db.get('RESOLVE CONFLICTS ON t WHERE id = 2 USING THEIRS')).toEqual({ resolved: 1 });
    expect(await db.get('SELECT a, b FROM t WHERE id=2')).toEqual({ a: 'y', b: 22 });
    expect(await db.get('RESOLVE CONFLICTS USING OURS')).toEqual({ resolved: 1 });
    expect(await db.query('SELECT * FROM heliosdb_conflicts')).toEqual([]);
    const [r] = await db.query('MERGE CONTINUE');
    expect(r!.status).toBe('merged');
    expect(await head(db)).toBe(r!.commit_id);
    const [c] = await db.log();
    expect(c!.parents).toEqual([ours, theirs]);
    expect(await db.query('SELECT id, a, b FROM t ORDER BY id')).toEqual([
      { id: 1, a: 'hand', b: 1 },
      { id: 2, a: 'y', b: 22 },
      { id: 3, a: 'z', b: 33 },
      { id: 4, a: 'main4', b: 4 },
      { id: 5, a: 'main5', b: 5 },
    ]);
    expect(await codeOf(db.query('MERGE CONTINUE'))).toBe('NO_MERGE_IN_PROGRESS');
    // the merge is now an ancestor: merging again is up-to-date
    expect((await db.get('MERGE BRANCH dev'))!.status).toBe('up-to-date');
  });

  it('RESOLVE … USING OURS keeps the other side\'s non-conflicting cells', async () => {
    const s = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)', "INSERT INTO t VALUES (1,'x',1)");
    dbs.push(s.db);
    await s.dev.run("UPDATE t SET a='d', b=9 WHERE id=1");
    await s.db.run("UPDATE t SET a='m' WHERE id=1");
    await s.db.query('MERGE BRANCH dev');
    expect(await s.db.resolveConflicts({ using: 'ours' })).toBe(1);
    expect(await s.db.get('SELECT a, b FROM t')).toEqual({ a: 'm', b: 9 });
    expect((await s.db.mergeContinue({ message: 'done' })).status).toBe('merged');
    expect((await s.db.log())[0]!.message).toBe('done');
  });

  it('MERGE ABORT restores the head state; NO_MERGE_IN_PROGRESS without one', async () => {
    const { db } = await conflicted();
    const before = await db.query('SELECT * FROM t ORDER BY id');
    const h = await head(db);
    await db.query('MERGE BRANCH dev');
    await db.run("UPDATE t SET a='scratch' WHERE id=3");
    await db.exec('MERGE ABORT');
    expect(await head(db)).toBe(h);
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual(before);
    expect(await db.query('SELECT * FROM heliosdb_conflicts')).toEqual([]);
    expect(await codeOf(db.query('MERGE ABORT'))).toBe('NO_MERGE_IN_PROGRESS');
    expect(await codeOf(db.mergeAbort())).toBe('NO_MERGE_IN_PROGRESS');
    // a new merge can start again
    expect((await db.get('MERGE BRANCH dev'))!.status).toBe('conflicts');
  });

  it('writes during a merge stay in the working state, not on the branch head', async () => {
    const { db } = await conflicted();
    const h = await head(db);
    await db.query('MERGE BRANCH dev');
    await db.run("INSERT INTO t VALUES (9,'new',9)");
    expect(await head(db)).toBe(h);
    const other = await db.session({ branch: 'main' });
    expect(await other.get('SELECT a FROM t WHERE id=9')).toEqual({ a: 'new' });
    await db.exec('MERGE ABORT');
    expect(await db.get('SELECT a FROM t WHERE id=9')).toBeUndefined();
  });

  it('a merge in progress survives closing and reopening the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-merge-'));
    let db = await open(dir);
    await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1,'x')");
    await db.exec('CREATE BRANCH dev');
    const dev = await db.session({ branch: 'dev' });
    await dev.run("UPDATE t SET a='d'");
    await db.run("UPDATE t SET a='m'");
    await db.run("INSERT INTO t VALUES (2, 'clean')");
    expect((await db.get('MERGE BRANCH dev'))!.status).toBe('conflicts');
    await db.close();
    db = await open(dir);
    dbs.push(db);
    expect(await db.query('SELECT * FROM heliosdb_conflicts')).toEqual([{ table: 't', data_conflicts: 1, schema_conflicts: 0 }]);
    expect(await codeOf(db.query('MERGE BRANCH dev'))).toBe('MERGE_IN_PROGRESS');
    await db.query('RESOLVE CONFLICTS ON t USING THEIRS');
    expect((await db.get('MERGE CONTINUE'))!.status).toBe('merged');
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([{ id: 1, a: 'd' }, { id: 2, a: 'clean' }]);
  });
});
