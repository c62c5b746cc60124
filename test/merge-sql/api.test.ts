import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { codeOf, head, setup } from './helpers.js';

let dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs) await d.close();
  dbs = [];
});

describe('merge API', () => {
  it('db.merge returns the result object; a session merges into its own branch', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)', "INSERT INTO t VALUES (1, 'a')");
    dbs.push(db);
    await db.run("INSERT INTO t VALUES (2, 'main')");
    const ours = await head(db, 'dev');
    const r = await dev.merge('main', { message: 'sync from main', author: 'ann' });
    expect(r).toMatchObject({ status: 'fast-forward', dataConflicts: 0, schemaConflicts: 0, constraintViolations: 0, ours, dryRun: false });
    await dev.run("INSERT INTO t VALUES (3, 'dev')");
    await db.run("INSERT INTO t VALUES (4, 'main')");
    const m = await db.merge('dev', { message: 'feature', author: 'bob' });
    expect(m.status).toBe('merged');
    expect(m.base).toBe((await db.resolve('main~2')).id);
    const [c] = await db.log();
    expect(c).toMatchObject({ id: m.commit, message: 'feature', author: 'bob' });
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
  });

  it('merge into another branch with `into`, from a remote-style commit id', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY)', 'INSERT INTO t VALUES (1)');
    dbs.push(db);
    await db.branches.create('target');
    await dev.run('INSERT INTO t VALUES (2)');
    const r = await db.merge(await head(db, 'dev'), { into: 'target' });
    expect(r.status).toBe('fast-forward');
    expect(db.branches.get('target')!.head).toBe(await head(db, 'dev'));
    expect(await db.query('SELECT id FROM t')).toEqual([{ id: 1 }]);
  });

  it('rejects bad arguments with TypeError', async () => {
    const { db } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    dbs.push(db);
    await expect(db.merge(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(db.merge('dev', { strategy: 'mine' as 'ours' })).rejects.toThrow(TypeError);
    await expect(db.resolveConflicts({ using: 'both' as 'ours' })).rejects.toThrow(TypeError);
  });

  it('conflicts / constraintViolations are empty without a merge; continue and abort fail with NO_MERGE_IN_PROGRESS', async () => {
    const { db } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    dbs.push(db);
    expect(db.conflicts()).toEqual([]);
    expect(db.conflicts('t')).toEqual([]);
    expect(db.constraintViolations()).toEqual([]);
    expect(await codeOf(db.mergeContinue())).toBe('NO_MERGE_IN_PROGRESS');
    expect(await codeOf(db.mergeAbort())).toBe('NO_MERGE_IN_PROGRESS');
    expect(await codeOf(db.resolveConflicts({ using: 'ours' }))).toBe('NO_MERGE_IN_PROGRESS');
  });

  it('resolveConflicts with a WHERE condition resolves only the matching rows', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)', 'INSERT INTO t VALUES (1, 0), (2, 0), (3, 0)');
    dbs.push(db);
    await dev.run('UPDATE t SET v = id * 10');
    await db.run('UPDATE t SET v = id * 100');
    expect((await db.merge('dev')).dataConflicts).toBe(3);
    expect(await db.resolveConflicts({ table: 't', where: 'id >= 2', using: 'theirs' })).toBe(2);
    expect(db.conflicts('t').map((c) => c.key)).toEqual([{ id: 1 }]);
    expect(await db.query('SELECT v FROM t ORDER BY id')).toEqual([{ v: 100 }, { v: 20 }, { v: 30 }]);
    await db.resolveConflicts({ using: 'ours' });
    const r = await db.mergeContinue();
    expect(r.status).toBe('merged');
    expect((await db.log())[0]!.parents).toHaveLength(2);
  });

  it('manual versioning: refuses to merge over uncommitted work', async () => {
    const { open } = await import('../../src/index.js');
    const db = await open(undefined, { versioning: 'manual' });
    dbs.push(db);
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await db.commit({ message: 'c1' });
    await db.branches.create('dev');
    const dev = await db.session({ branch: 'dev' });
    await dev.run('INSERT INTO t VALUES (1)');
    await dev.run("CALL heliosdb_commit('dev work')");
    await db.run('INSERT INTO t VALUES (2)');
    expect(await codeOf(db.merge('dev'))).toBe('UNCOMMITTED_CHANGES');
    await db.commit({ message: 'c2' });
    const r = await db.merge('dev');
    expect(r.status).toBe('merged');
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.status()).toEqual([]);
  });
});
