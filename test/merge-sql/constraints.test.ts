import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { codeOf, head, setup } from './helpers.js';

let dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs) await d.close();
  dbs = [];
});

describe('constraint violations after merge', () => {
  it('UNIQUE: both sides insert different keys with the same unique value', async () => {
    const { db, dev } = await setup('CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)', "INSERT INTO u VALUES (1,'a@x')");
    dbs.push(db);
    await dev.run("INSERT INTO u VALUES (2,'b@x')");
    await db.run("INSERT INTO u VALUES (3,'b@x')");
    const h = await head(db);
    expect(await db.get('MERGE BRANCH dev')).toEqual({ status: 'conflicts', commit_id: null, data_conflicts: 0, schema_conflicts: 0, constraint_violations: 1 });
    expect(await head(db)).toBe(h);
    expect(await db.query('SELECT "table", kind, key, columns FROM heliosdb_constraint_violations')).toEqual([{ table: 'u', kind: 'unique', key: '(2)', columns: 'email' }]);
    expect(db.constraintViolations()).toHaveLength(1);
    expect(await codeOf(db.query('MERGE CONTINUE'))).toBe('MERGE_CONSTRAINT_VIOLATIONS');
    // fixing the row clears the violation
    await db.run("UPDATE u SET email='c@x' WHERE id=2");
    expect(await db.query('SELECT * FROM heliosdb_constraint_violations')).toEqual([]);
    expect((await db.get('MERGE CONTINUE'))!.status).toBe('merged');
    expect(await db.query('SELECT id, email FROM u ORDER BY id')).toEqual([
      { id: 1, email: 'a@x' },
      { id: 2, email: 'c@x' },
      { id: 3, email: 'b@x' },
    ]);
  });

  it('FOREIGN KEY: a child added on one side, its parent deleted on the other; FORCE completes anyway', async () => {
    const { db, dev } = await setup(
      'CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id))',
      "INSERT INTO p VALUES (1,'one'),(2,'two'); INSERT INTO c VALUES (10, 1)",
    );
    dbs.push(db);
    await dev.run('INSERT INTO c VALUES (11, 2)');
    await db.run('DELETE FROM p WHERE id=2');
    const r = await db.merge('dev', { dryRun: true });
    expect(r).toMatchObject({ status: 'conflicts', constraintViolations: 1 });
    const v = await db.merge('dev');
    expect(v.status).toBe('conflicts');
    expect(db.constraintViolations().map((x) => [x.table, x.kind, x.columns])).toEqual([['c', 'foreign_key', 'pid']]);
    await db.mergeAbort();
    const f = await db.merge('dev', { force: true });
    expect(f).toMatchObject({ status: 'merged', constraintViolations: 1 });
    expect(await db.query('SELECT id, pid FROM c ORDER BY id')).toEqual([{ id: 10, pid: 1 }, { id: 11, pid: 2 }]);
  });

  it('FOREIGN KEY: the parent of existing children deleted by the other side', async () => {
    const { db, dev } = await setup(
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id))',
      'INSERT INTO p VALUES (1),(2)',
    );
    dbs.push(db);
    await dev.run('DELETE FROM p WHERE id=2');
    await db.run('INSERT INTO c VALUES (5, 2)');
    const r = await db.merge('dev');
    expect(r).toMatchObject({ status: 'conflicts', constraintViolations: 1 });
    expect(db.constraintViolations()[0]).toMatchObject({ table: 'c', kind: 'foreign_key' });
  });

  it('FOREIGN KEY: many parents deleted, children without an index on the column: each referenced one reported once', async () => {
    const { db, dev } = await setup(
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id)); CREATE TABLE r (id INTEGER PRIMARY KEY, pid REAL REFERENCES p(id))',
      'INSERT INTO p VALUES (1),(2),(3),(4),(5),(6)',
    );
    dbs.push(db);
    await dev.run('DELETE FROM p WHERE id BETWEEN 2 AND 5');
    await db.run('INSERT INTO c VALUES (10, 2), (11, 4), (12, 4), (13, 1), (14, NULL)');
    await db.run('INSERT INTO r VALUES (20, 5.0), (21, 6.0)');
    const r = await db.merge('dev');
    expect(r).toMatchObject({ status: 'conflicts', constraintViolations: 3 });
    expect(
      db
        .constraintViolations()
        .map((x) => `${x.table}:${x.kind}:${x.key}`)
        .sort(),
    ).toEqual(['c:foreign_key:(2)', 'c:foreign_key:(4)', 'r:foreign_key:(5)']);
  });

  it('CHECK and NOT NULL added on one side, rows breaking them written on the other', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, qty INTEGER, note TEXT)', "INSERT INTO t VALUES (1, 5, 'a')");
    dbs.push(db);
    await db.exec('ALTER TABLE t ADD CONSTRAINT positive CHECK (qty > 0)');
    await db.exec('ALTER TABLE t ALTER COLUMN note SET NOT NULL');
    await dev.run('INSERT INTO t VALUES (2, -1, NULL)');
    const r = await db.merge('dev');
    expect(r.status).toBe('conflicts');
    expect(r.schemaConflicts).toBe(0);
    const kinds = db.constraintViolations().map((v) => v.kind).sort();
    expect(kinds).toEqual(['check', 'not_null']);
    await db.run("UPDATE t SET qty = 2, note = 'fixed' WHERE id = 2");
    expect(db.constraintViolations()).toEqual([]);
    expect((await db.mergeContinue()).status).toBe('merged');
  });
});
