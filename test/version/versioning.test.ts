/**
 * Versioning through SQL and the library API: one commit per transaction, manual mode,
 * AS OF in every form and place, branch and tag statements, system tables, session functions,
 * read-only branches and pinned sessions, typed errors, persistence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

/** A clock that moves one second per call, from 2024-01-01 UTC (so tests can name times). */
function steppingClock(startIso = '2024-01-01T00:00:00Z', stepMs = 1000): { now: () => number; peek: () => number } {
  let t = Date.parse(startIso);
  return {
    now: () => (t += stepMs),
    peek: () => t,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let dbs: Database[] = [];
const dirs: string[] = [];
async function mk(opts: Parameters<typeof open>[1] = {}, dir?: string): Promise<Database> {
  const db = await open(dir, opts);
  dbs.push(db);
  return db;
}
afterEach(async () => {
  for (const db of dbs) await db.close();
  dbs = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('commits in transaction mode', () => {
  it('the first open creates main with one initial empty commit', async () => {
    const db = await mk();
    expect(db.branch).toBe('main');
    const log = await db.log();
    expect(log).toHaveLength(1);
    expect(log[0]!.parents).toEqual([]);
    expect(await db.query('SHOW TABLES')).toEqual([]);
  });

  it('every transaction that changes data is one commit with author, message, txn and SCN', async () => {
    const db = await mk({ author: 'alice' });
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    await db.run(`INSERT INTO t VALUES (1, 'a')`);
    await db.transaction(async () => {
      await db.run(`INSERT INTO t VALUES (2, 'b')`);
      await db.run(`UPDATE t SET v = 'c' WHERE id = 1`);
    }, { message: 'two rows' })();
    await db.query('SELECT * FROM t'); // reads commit nothing
    await db.run('UPDATE t SET v = v WHERE id = 99'); // changes nothing: no commit
    const log = await db.log();
    expect(log.map((c) => c.message)).toEqual(['two rows', `INSERT INTO t VALUES (1, 'a')`, 'CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)', 'Initialize data repository']);
    expect(log[0]!.author).toBe('alice');
    expect(log[0]!.parents).toEqual([log[1]!.id]);
    const txns = log.slice(0, 3).map((c) => c.transaction);
    const scns = log.slice(0, 3).map((c) => c.scn);
    expect(txns[0]! > txns[1]! && txns[1]! > txns[2]! && txns[2]! > 0).toBe(true);
    expect(scns[0]! > scns[1]! && scns[1]! > scns[2]!).toBe(true);
    const sqlLog = await db.query<{ commit_id: string; transaction: number; scn: number }>('SELECT commit_id, transaction, scn FROM heliosdb_log LIMIT 1');
    expect(sqlLog).toEqual([{ commit_id: log[0]!.id, transaction: txns[0], scn: scns[0] }]);
  });

  it('a message set with CALL heliosdb_commit_message applies to the next commit only; BEGIN … COMMIT is one commit', async () => {
    const db = await mk();
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY)`);
    await db.exec(`CALL heliosdb_commit_message('load ids'); BEGIN; INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); COMMIT`);
    await db.run('INSERT INTO t VALUES (3)');
    const msgs = (await db.log()).map((c) => c.message);
    expect(msgs.slice(0, 2)).toEqual(['INSERT INTO t VALUES (3)', 'load ids']);
  });

  it('a failed or rolled-back transaction commits nothing', async () => {
    const db = await mk();
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY)`);
    const before = (await db.log()).length;
    await db.exec('BEGIN; INSERT INTO t VALUES (1); ROLLBACK');
    await expect(db.transaction(async () => {
      await db.run('INSERT INTO t VALUES (2)');
      throw new Error('boom');
    })()).rejects.toThrow('boom');
    expect((await db.log()).length).toBe(before);
  });
});

describe('manual mode', () => {
  it('transactions change the working state; commit records it; status shows it; reset drops it; it survives reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-manual-'));
    dirs.push(dir);
    let db = await open(dir, { versioning: 'manual' });
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')`);
    expect(await db.log()).toHaveLength(1);
    expect(await db.status()).toEqual([{ table: 't', status: 'new table', added: 2, modified: 0, removed: 0 }]);
    const c = await db.commit({ message: 'first', author: 'bob' });
    expect(c).toMatchObject({ message: 'first', author: 'bob' });
    expect(await db.status()).toEqual([]);
    expect(await db.commit({ message: 'nothing' })).toBeNull();
    await db.exec(`UPDATE t SET v = 'z' WHERE id = 1; DELETE FROM t WHERE id = 2; INSERT INTO t VALUES (3, 'c')`);
    expect(await db.query('SELECT * FROM heliosdb_status')).toEqual([{ table_name: 't', status: 'modified', rows_added: 1, rows_modified: 1, rows_removed: 1 }]);
    await db.close();
    db = await open(dir, { versioning: 'manual' });
    // Uncommitted work is kept across reopen (the working root is persisted).
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([{ id: 1, v: 'z' }, { id: 3, v: 'c' }]);
    expect(await db.query(`SELECT * FROM t AS OF 'main' ORDER BY id`)).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    await db.exec(`CALL heliosdb_reset('hard')`);
    expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    await db.run(`INSERT INTO t VALUES (9, 'n')`);
    const row = await db.get<{ commit_id: string }>(`CALL heliosdb_commit('add 9')`);
    expect((await db.log())[0]!.id).toBe(row!.commit_id);
    await db.close();
  });
});

describe('AS OF', () => {
  async function history(): Promise<{ db: Database; clock: ReturnType<typeof steppingClock>; t: Record<string, number>; txn: Record<string, number>; scn: Record<string, number> }> {
    const clock = steppingClock();
    const db = await mk({ now: clock.now });
    const t: Record<string, number> = {};
    const txn: Record<string, number> = {};
    const scn: Record<string, number> = {};
    const step = async (name: string, sql: string): Promise<void> => {
      await db.exec(sql);
      const c = (await db.log())[0]!;
      t[name] = c.timestamp.getTime();
      txn[name] = c.transaction;
      scn[name] = c.scn;
    };
    await step('create', 'CREATE TABLE acct(id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER)');
    await step('open', `INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bo', 50)`);
    await step('pay', 'UPDATE acct SET balance = balance - 30 WHERE id = 1');
    await step('col', 'ALTER TABLE acct ADD COLUMN note TEXT');
    await step('other', 'CREATE TABLE other(x INTEGER PRIMARY KEY); INSERT INTO other VALUES (7)');
    await step('drop', 'DROP TABLE other');
    return { db, clock, t, txn, scn };
  }

  it('TIMESTAMP, TRANSACTION, SCN and refs, with FOR SYSTEM_TIME as a synonym', async () => {
    const { db, t, txn, scn } = await history();
    const q = (asOf: string) => db.query(`SELECT id, balance FROM acct ${asOf} ORDER BY id`);
    const opened = [{ id: 1, balance: 100 }, { id: 2, balance: 50 }];
    const paid = [{ id: 1, balance: 70 }, { id: 2, balance: 50 }];
    expect(await q(`AS OF TIMESTAMP '${iso(t.open!)}'`)).toEqual(opened);
    expect(await q(`AS OF TIMESTAMP '${iso(t.pay! - 1)}'`)).toEqual(opened);
    expect(await q(`AS OF TIMESTAMP '${iso(t.pay!)}'`)).toEqual(paid);
    expect(await q(`FOR SYSTEM_TIME AS OF TIMESTAMP '${iso(t.open!)}'`)).toEqual(opened);
    expect(await q(`AS OF TRANSACTION ${txn.open}`)).toEqual(opened);
    expect(await q(`AS OF TRANSACTION ${txn.pay}`)).toEqual(paid);
    expect(await q(`AS OF SCN ${scn.open}`)).toEqual(opened);
    expect(await q(`AS OF SCN ${scn.pay! - 1}`)).toEqual(opened);
    expect(await q(`AS OF 'main~4'`)).toEqual(paid);
    expect(await q(`AS OF 'main~5'`)).toEqual(opened);
    const id = (await db.log())[5]!.id; // the 'open' commit
    expect(await q(`AS OF '${id}'`)).toEqual(opened);
    expect(await q(`AS OF '${id.slice(0, 20)}'`)).toEqual(opened);
    // A commit-id prefix in a table function and a session function:
    expect(await db.get(`SELECT count(*) AS n FROM heliosdb_diff('acct', '${id.slice(0, 16)}', 'main~4')`)).toEqual({ n: 1 });
    expect(await db.get(`SELECT heliosdb_hashof('${id.slice(0, 14)}') AS h`)).toEqual({ h: id });
    await db.exec(`CREATE TAG opened AS OF TRANSACTION ${txn.open} MESSAGE 'accounts opened'`);
    expect(await q(`AS OF 'opened'`)).toEqual(opened);
    // parameters and functions
    expect(await db.query('SELECT balance FROM acct AS OF TRANSACTION ? WHERE id = 1', [txn.open])).toEqual([{ balance: 100 }]);
    expect(await db.query('SELECT balance FROM acct AS OF TIMESTAMP ? WHERE id = 1', [new Date(t.pay!)])).toEqual([{ balance: 70 }]);
  });

  it('a different AS OF per table, in joins, subqueries and views', async () => {
    const { db, txn } = await history();
    const rows = await db.query(
      `SELECT now.id, before.balance AS before, now.balance AS after
         FROM acct AS OF TRANSACTION ${txn.open} AS before JOIN acct AS now ON now.id = before.id
        WHERE now.balance <> before.balance`,
    );
    expect(rows).toEqual([{ id: 1, before: 100, after: 70 }]);
    expect(await db.get(`SELECT (SELECT sum(balance) FROM acct AS OF TRANSACTION ${txn.open}) AS was, (SELECT sum(balance) FROM acct) AS is_now`)).toEqual({ was: 150, is_now: 120 });
    expect(await db.query(`SELECT id FROM acct WHERE balance IN (SELECT balance FROM acct AS OF TRANSACTION ${txn.open})`)).toEqual([{ id: 2 }]);
    await db.exec(`CREATE VIEW rich AS SELECT id, balance FROM acct WHERE balance >= 70`);
    await db.exec(`UPDATE acct SET balance = 10 WHERE id = 1`);
    expect(await db.query('SELECT * FROM rich')).toEqual([]);
    expect(await db.query(`SELECT * FROM rich AS OF 'main~1'`)).toEqual([{ id: 1, balance: 70 }]);
    await db.exec(`CREATE VIEW opened AS SELECT id, balance FROM acct AS OF TRANSACTION ${txn.open}`);
    expect(await db.query('SELECT * FROM opened ORDER BY id')).toEqual([{ id: 1, balance: 100 }, { id: 2, balance: 50 }]);
  });

  it('reads the schema as of the version: a dropped table before its drop, a later column absent', async () => {
    const { db, txn } = await history();
    await expect(db.query('SELECT * FROM other')).rejects.toThrow(/no such table: other/);
    expect(await db.query(`SELECT * FROM other AS OF TRANSACTION ${txn.other}`)).toEqual([{ x: 7 }]);
    expect(await db.query(`SELECT * FROM acct AS OF TRANSACTION ${txn.pay} WHERE id = 2`)).toEqual([{ id: 2, owner: 'bo', balance: 50 }]);
    await expect(db.query(`SELECT note FROM acct AS OF TRANSACTION ${txn.pay}`)).rejects.toThrow(/no such column: note/);
    expect(await db.query(`SHOW TABLES AS OF TRANSACTION ${txn.other}`)).toEqual([{ name: 'acct' }, { name: 'other' }]);
    expect(await db.query('SHOW TABLES')).toEqual([{ name: 'acct' }]);
  });

  it('typed errors: before the branch existed, a future transaction or SCN, an unknown ref', async () => {
    const { db } = await history();
    await expect(db.query(`SELECT * FROM acct AS OF TIMESTAMP '2000-01-01'`)).rejects.toMatchObject({ code: 'AS_OF_BEFORE_BRANCH' });
    await expect(db.query(`SELECT * FROM acct AS OF TRANSACTION 999999`)).rejects.toMatchObject({ code: 'AS_OF_IN_FUTURE' });
    await expect(db.query(`SELECT * FROM acct AS OF SCN 999999`)).rejects.toMatchObject({ code: 'AS_OF_IN_FUTURE' });
    await expect(db.query(`SELECT * FROM acct AS OF 'nope'`)).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await expect(db.query(`SELECT * FROM acct AS OF 'main~99'`)).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await expect(db.query(`SELECT * FROM acct AS OF TIMESTAMP 'yesterday-ish'`)).rejects.toMatchObject({ code: 'INVALID_AS_OF' });
  });

  it('a prepared AS OF a branch follows the branch; an AS OF a past point keeps its answer', async () => {
    const { db, txn } = await history();
    const s = await db.session({ branch: 'main' });
    const live = s.prepare(`SELECT balance FROM acct AS OF 'main' WHERE id = 2`).pluck();
    const past = s.prepare(`SELECT balance FROM acct AS OF TRANSACTION ${txn.open} WHERE id = 2`).pluck();
    expect(await live.get()).toBe(50);
    await db.run('UPDATE acct SET balance = 51 WHERE id = 2');
    expect(await live.get()).toBe(51);
    expect(await past.get()).toBe(50);
  });
});

describe('branches, tags and sessions', () => {
  it('CREATE/ALTER/DROP BRANCH, SHOW BRANCHES, sessions isolated per branch, USE BRANCH', async () => {
    const db = await mk();
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'main')`);
    await db.exec(`CREATE BRANCH dev COMMENT 'work'`);
    const dev = await db.session({ branch: 'dev' });
    await dev.run(`INSERT INTO t VALUES (2, 'dev')`);
    await db.run(`INSERT INTO t VALUES (3, 'main')`);
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await dev.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await dev.get('SELECT active_branch() AS b')).toEqual({ b: 'dev' });
    expect(await db.query(`SELECT id FROM t AS OF 'dev' ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.query('SELECT name, read_only, description FROM heliosdb_branches ORDER BY name')).toEqual([
      { name: 'dev', read_only: 0, description: 'work' },
      { name: 'main', read_only: 0, description: '' },
    ]);
    expect((await db.query('SHOW BRANCHES')).map((b) => b.name)).toEqual(['dev', 'main']);
    await db.exec('USE BRANCH dev');
    expect(db.branch).toBe('dev');
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    await db.exec('USE BRANCH main');
    await db.exec('ALTER BRANCH dev RENAME TO feature');
    expect(dev.branch).toBe('feature');
    await dev.run(`INSERT INTO t VALUES (4, 'f')`);
    expect(db.branches.get('feature')!.head).toBe((await db.log('feature'))[0]!.id);
    await expect(db.exec('DROP BRANCH main')).rejects.toMatchObject({ code: 'BRANCH_IN_USE' });
    await db.exec('DROP BRANCH IF EXISTS nope');
    await dev.close();
    await db.exec('DROP BRANCH feature');
    expect(db.branches.list().map((b) => b.name)).toEqual(['main']);
    expect(await db.get('SELECT heliosdb_hashof(\'main\') AS h')).toEqual({ h: db.branches.get('main')!.head });
  });

  it('a read-only branch and a pinned session refuse writes and change nothing', async () => {
    const db = await mk();
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)`);
    await db.exec(`CREATE BRANCH q1 READ ONLY`);
    const q1 = await db.session({ branch: 'q1' });
    const head = db.branches.get('q1')!.head;
    for (const sql of ['INSERT INTO t VALUES (2)', 'DELETE FROM t', 'CREATE TABLE u(x)', 'DROP TABLE t']) {
      await expect(q1.run(sql)).rejects.toThrow('Cannot modify read-only branch: q1');
    }
    await expect(q1.exec('BEGIN; INSERT INTO t VALUES (5); COMMIT')).rejects.toMatchObject({ code: 'READ_ONLY_BRANCH' });
    await q1.exec('ROLLBACK');
    expect(db.branches.get('q1')!.head).toBe(head);
    expect(await q1.query('SELECT * FROM t')).toEqual([{ id: 1 }]);
    await db.exec('ALTER BRANCH q1 SET READ WRITE');
    await q1.run('INSERT INTO t VALUES (2)');
    expect(await q1.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }]);

    await db.run('INSERT INTO t VALUES (10)');
    const pinned = await db.session({ branch: 'main', asOf: 'main~1' });
    expect(pinned.readOnly).toBe(true);
    expect(await pinned.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
    await expect(pinned.run('INSERT INTO t VALUES (3)')).rejects.toThrow('Cannot modify read-only branch: main');
    await db.run('INSERT INTO t VALUES (11)');
    expect(await pinned.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
    await pinned.exec('USE BRANCH main');
    expect(await pinned.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
  });

  it('tags, ref log, merge base, branch from a past point', async () => {
    const clock = steppingClock();
    const db = await mk({ now: clock.now });
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY)`);
    await db.run('INSERT INTO t VALUES (1)');
    const at = clock.peek();
    await db.run('INSERT INTO t VALUES (2)');
    await db.exec(`CREATE TAG v1 MESSAGE 'first release'`);
    expect(await db.query('SELECT name, message FROM heliosdb_tags')).toEqual([{ name: 'v1', message: 'first release' }]);
    expect((await db.query('SHOW TAGS')).map((r) => r.name)).toEqual(['v1']);
    await db.exec(`CREATE BRANCH old FROM main AS OF TIMESTAMP '${iso(at)}'`);
    const old = await db.session({ branch: 'old' });
    expect(await old.query('SELECT id FROM t')).toEqual([{ id: 1 }]);
    await old.run('INSERT INTO t VALUES (5)');
    const base = await db.get<{ b: string }>(`SELECT heliosdb_merge_base('main', 'old') AS b`);
    expect(base!.b).toBe((await db.log())[1]!.id);
    const reflog = await db.query<{ message: string }>(`SELECT message FROM heliosdb_reflog('old')`);
    expect(reflog).toHaveLength(2);
    await db.exec('DROP TAG v1');
    expect(db.tags.list()).toEqual([]);
    await expect(db.exec('DROP TAG v1')).rejects.toMatchObject({ code: 'REF_NOT_FOUND' });
    await expect(db.exec(`CREATE BRANCH early FROM main AS OF TIMESTAMP '2001-01-01'`)).rejects.toMatchObject({ code: 'AS_OF_BEFORE_BRANCH' });
  });
});

describe('diff and history', () => {
  it('heliosdb_diff gives diff_type and from_/to_ columns; heliosdb_history every version of every row', async () => {
    const db = await mk();
    await db.exec(`CREATE TABLE p(sku TEXT PRIMARY KEY, price INTEGER)`);
    await db.exec(`INSERT INTO p VALUES ('a', 10), ('b', 20), ('c', 30)`);
    await db.exec(`CREATE TAG before`);
    await db.exec(`UPDATE p SET price = 11 WHERE sku = 'a'; DELETE FROM p WHERE sku = 'b'; INSERT INTO p VALUES ('d', 40)`);
    await db.exec(`ALTER TABLE p ADD COLUMN currency TEXT`);
    const d = await db.query(`SELECT * FROM heliosdb_diff('p', 'before', 'main') ORDER BY coalesce(to_sku, from_sku)`);
    expect(d).toEqual([
      { diff_type: 'modified', from_sku: 'a', from_price: 10, from_currency: null, to_sku: 'a', to_price: 11, to_currency: null },
      { diff_type: 'removed', from_sku: 'b', from_price: 20, from_currency: null, to_sku: null, to_price: null, to_currency: null },
      { diff_type: 'added', from_sku: null, from_price: null, from_currency: null, to_sku: 'd', to_price: 40, to_currency: null },
    ]);
    expect(await db.diff('p', 'before')).toHaveLength(3);
    const h = await db.query(`SELECT change, price, message FROM heliosdb_history('p') WHERE sku = 'a'`);
    expect(h).toEqual([
      { change: 'modified', price: 11, message: `UPDATE p SET price = 11 WHERE sku = 'a'` },
      { change: 'added', price: 10, message: `INSERT INTO p VALUES ('a', 10), ('b', 20), ('c', 30)` },
    ]);
    const hb = await db.history('p', { where: { sku: 'b' } });
    expect(hb.map((r) => r.change)).toEqual(['removed', 'added']);
    expect(await db.query(`SELECT name, diff_type FROM heliosdb_schema_diff('before', 'main')`)).toEqual([{ name: 'p', diff_type: 'modified' }]);
    expect((await db.resolve('before')).kind).toBe('tag');
  });
});

describe('persistence', () => {
  it('branches, commits and AS OF survive reopening the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-ver-'));
    dirs.push(dir);
    let db = await open(dir);
    await db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)`);
    await db.exec('CREATE BRANCH b');
    await db.run('INSERT INTO t VALUES (2)');
    const txn = (await db.log())[0]!.transaction;
    await db.close();
    db = await open(dir);
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.query(`SELECT id FROM t AS OF TRANSACTION ${txn - 1}`)).toEqual([{ id: 1 }]);
    const b = await db.session({ branch: 'b' });
    expect(await b.query('SELECT id FROM t')).toEqual([{ id: 1 }]);
    await db.run('INSERT INTO t VALUES (3)');
    expect((await db.log())[0]!.transaction).toBeGreaterThan(txn);
    await db.close();
  });
});
