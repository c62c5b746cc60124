/**
 * Transactions: BEGIN/COMMIT/ROLLBACK, statement-level rollback, savepoints, snapshot
 * isolation between sessions of one engine, the single-writer rule, durability across reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryChunkStore, MemoryMetaStore } from '../../../src/store/index.js';
import { NodeStore } from '../../../src/objects/index.js';
import { Engine, Session } from '../../../src/sql/index.js';
import { MetaRootPointer, open, type Database } from '../../../src/index.js';

async function all(s: Session, sql: string): Promise<unknown[][]> {
  const r = await s.execute(s.prepare(sql), []);
  const out: unknown[][] = [];
  if (r.rows) for (let row = r.rows(); row; row = r.rows()) out.push(row.slice());
  r.done();
  return out;
}

describe('one connection', () => {
  let db: Database;
  beforeEach(async () => {
    db = await open();
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)');
  });
  afterEach(async () => {
    await db.close();
  });
  const count = async (): Promise<unknown> => (await db.prepare('SELECT count(*) FROM t').pluck().get())!;

  it('COMMIT keeps and ROLLBACK discards', async () => {
    await db.exec(`BEGIN; INSERT INTO t VALUES (1, 'a'); COMMIT`);
    await db.exec(`BEGIN; INSERT INTO t VALUES (2, 'b'); CREATE TABLE u(x); ROLLBACK`);
    expect(await count()).toBe(1);
    await expect(db.query('SELECT * FROM u')).rejects.toThrow(/no such table/);
    expect(db.inTransaction).toBe(false);
  });

  it('a failing statement inside a transaction is undone alone', async () => {
    await db.exec('BEGIN');
    await db.run(`INSERT INTO t VALUES (1, 'a')`);
    // The second row conflicts: the statement fails as a whole, the first row stays.
    await expect(db.run(`INSERT INTO t VALUES (2, 'b'), (3, 'a')`)).rejects.toThrow(/UNIQUE/);
    expect(db.inTransaction).toBe(true);
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
    await expect(db.run(`UPDATE t SET v = 'zz' WHERE id = 99 OR v = (SELECT CAST('boom' AS INTEGER) + 'x' || abs(-9223372036854775807 - 1))`)).rejects.toThrow();
    await db.exec('COMMIT');
    expect(await db.query('SELECT * FROM t')).toEqual([{ id: 1, v: 'a' }]);
  });

  it('savepoints roll back to a mark, RELEASE keeps the work', async () => {
    await db.exec(`BEGIN; INSERT INTO t VALUES (1, 'a'); SAVEPOINT s1; INSERT INTO t VALUES (2, 'b'); SAVEPOINT s2; INSERT INTO t VALUES (3, 'c')`);
    await db.exec('ROLLBACK TO s2');
    expect(await count()).toBe(2);
    await db.exec('ROLLBACK TO s1');
    expect(await count()).toBe(1);
    await db.exec(`INSERT INTO t VALUES (4, 'd'); RELEASE s1; COMMIT`);
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 4 }]);
    await expect(db.exec('RELEASE nope')).rejects.toThrow(/no such savepoint/);
  });

  it('SAVEPOINT outside BEGIN starts a transaction that RELEASE commits', async () => {
    await db.exec(`SAVEPOINT a; INSERT INTO t VALUES (1, 'a')`);
    expect(db.inTransaction).toBe(true);
    await db.exec('RELEASE a');
    expect(db.inTransaction).toBe(false);
    expect(await count()).toBe(1);
  });

  it('transaction control errors', async () => {
    await expect(db.exec('COMMIT')).rejects.toThrow(/no transaction is active/);
    await expect(db.exec('ROLLBACK')).rejects.toThrow(/no transaction is active/);
    await db.exec('BEGIN');
    await expect(db.exec('BEGIN')).rejects.toThrow(/within a transaction/);
    await db.exec('ROLLBACK');
  });

  it('DDL inside a transaction is visible to later statements and undone by ROLLBACK', async () => {
    await db.exec(`BEGIN; CREATE TABLE n(a); INSERT INTO n VALUES (1); CREATE INDEX na ON n(a)`);
    expect(await db.query('SELECT a FROM n WHERE a = 1')).toEqual([{ a: 1 }]);
    await db.exec('ROLLBACK');
    await expect(db.query('SELECT a FROM n')).rejects.toThrow(/no such table/);
  });
});

describe('sessions on one engine', () => {
  it('snapshot isolation: a reader keeps its snapshot; writers are serialised', async () => {
    const engine = await Engine.open({ ns: new NodeStore(new MemoryChunkStore()), roots: new MetaRootPointer(new MemoryMetaStore()) });
    const s1 = new Session(engine);
    const s2 = new Session(engine);
    await s1.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    await s2.exec('BEGIN');
    expect(await all(s2, 'SELECT count(*) FROM t')).toEqual([[1n]]);
    await s1.exec('INSERT INTO t VALUES (2)');
    // s2 still sees its snapshot.
    expect(await all(s2, 'SELECT count(*) FROM t')).toEqual([[1n]]);
    // …and cannot write on a stale snapshot.
    await expect(s2.exec('INSERT INTO t VALUES (3)')).rejects.toMatchObject({ code: 'BUSY' });
    await s2.exec('ROLLBACK');
    expect(await all(s2, 'SELECT count(*) FROM t')).toEqual([[2n]]);

    // BEGIN IMMEDIATE holds the writer lock: another writer waits for COMMIT.
    await s1.exec('BEGIN IMMEDIATE');
    let done = false;
    const other = s2.exec('INSERT INTO t VALUES (9)').then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    await s1.exec('INSERT INTO t VALUES (8); COMMIT');
    await other;
    expect(await all(s1, 'SELECT x FROM t ORDER BY x')).toEqual([[1n], [2n], [8n], [9n]]);
  });
});

describe('durability', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hdb-sql-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('committed data, schema and rowid counters survive reopening; uncommitted work does not', async () => {
    let db = await open(dir);
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT); CREATE INDEX tv ON t(v); CREATE VIEW vv AS SELECT v FROM t`);
    await db.exec(`INSERT INTO t(v) VALUES ('a'), ('b'), ('c'); DELETE FROM t WHERE id = 3`);
    await db.exec(`BEGIN; INSERT INTO t(v) VALUES ('lost')`);
    await db.close();
    db = await open(dir);
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    expect(await db.query(`SELECT v FROM vv WHERE v = 'b'`)).toEqual([{ v: 'b' }]);
    await db.run(`INSERT INTO t(v) VALUES ('d')`);
    expect(await db.query(`SELECT id FROM t WHERE v = 'd'`)).toEqual([{ id: 4 }]);
    await db.close();
  });
});
