import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { codeOf, setup } from './helpers.js';

let dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs) await d.close();
  dbs = [];
});

describe('revert', () => {
  it('undoes one commit while keeping later changes (API and CALL heliosdb_revert)', async () => {
    const { db } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER); CREATE INDEX t_a ON t(a)', "INSERT INTO t VALUES (1,'x',1),(2,'y',2)");
    dbs.push(db);
    await db.run("UPDATE t SET a = 'bad' WHERE id = 1");
    const bad = (await db.log())[0]!.id;
    await db.run('UPDATE t SET b = 10 WHERE id = 1');
    await db.run("INSERT INTO t VALUES (3, 'z', 3)");
    const r = await db.revert(bad);
    expect(r.status).toBe('merged');
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([
      { id: 1, a: 'x', b: 10 },
      { id: 2, a: 'y', b: 2 },
      { id: 3, a: 'z', b: 3 },
    ]);
    expect(await db.query("SELECT id FROM t INDEXED BY t_a WHERE a = 'bad'")).toEqual([]);
    const [c] = await db.log();
    expect(c!.parents).toHaveLength(1);
    expect(c!.message).toMatch(/^Revert/);
    // revert the revert through SQL
    const [row] = await db.query(`CALL heliosdb_revert('${c!.id}', 'redo')`);
    expect(row!.commit_id).toBe((await db.log())[0]!.id);
    expect(await db.get('SELECT a FROM t WHERE id = 1')).toEqual({ a: 'bad' });
  });

  it('refuses a revert that collides with later changes, changing nothing', async () => {
    const { db } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)', "INSERT INTO t VALUES (1,'x')");
    dbs.push(db);
    await db.run("UPDATE t SET a = 'one' WHERE id = 1");
    const first = (await db.log())[0]!.id;
    await db.run("UPDATE t SET a = 'two' WHERE id = 1");
    const head = (await db.log())[0]!.id;
    expect(await codeOf(db.revert(first))).toBe('MERGE_CONFLICTS');
    expect((await db.log())[0]!.id).toBe(head);
  });
});
