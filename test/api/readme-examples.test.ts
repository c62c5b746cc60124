/**
 * The version-control examples of the README, run as written (only the import path and the
 * database directory differ). Each example's printed results are asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hdb-readme-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('README: version control', () => {
  it('every transaction is a commit; AS OF reads any version', async () => {
    // --- README example: commits and time travel ---
    const db = await open(join(dir, 'bank'), { author: 'ann@example.com' });
    await db.exec(`CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER)`);
    await db.run(`INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bo', 50)`);
    const pay = db.transaction(async (from: number, to: number, amount: number) => {
      await db.run('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
      await db.run('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
    }, { message: 'pay rent' });
    await pay(1, 2, 30);

    const [last, before] = await db.log();
    const then = await db.query(`SELECT id, balance FROM accounts AS OF TRANSACTION ${before!.transaction}`);
    const viaRef = await db.query(`SELECT id, balance FROM accounts AS OF 'main~1'`);
    const history = await db.query(`SELECT change, balance, message FROM heliosdb_history('accounts') WHERE id = 1`);
    // --- end ---
    expect(last!.message).toBe('pay rent');
    expect(last!.author).toBe('ann@example.com');
    expect(then).toEqual([{ id: 1, balance: 100 }, { id: 2, balance: 50 }]);
    expect(viaRef).toEqual(then);
    expect(history).toEqual([
      { change: 'modified', balance: 70, message: 'pay rent' },
      { change: 'added', balance: 100, message: `INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bo', 50)` },
    ]);
    await db.close();
  });

  it('branches, sessions, read-only snapshots, diff', async () => {
    // --- README example: branches ---
    const db = await open(join(dir, 'app'));
    await db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)`);
    await db.run(`INSERT INTO users (email) VALUES ('a@x.io'), ('b@x.io')`);

    await db.branches.create('migration', { description: 'add preferences' });
    const dev = await db.session({ branch: 'migration' });
    await dev.exec(`ALTER TABLE users ADD COLUMN preferences JSONB`);
    await dev.run(`UPDATE users SET preferences = '{"theme":"dark"}' WHERE id = 1`);
    await db.run(`INSERT INTO users (email) VALUES ('c@x.io')`); // main keeps serving

    const onMain = await db.get('SELECT count(*) AS n FROM users');
    const onBranch = await dev.query(`SELECT id, preferences->>'theme' AS theme FROM users ORDER BY id`);
    const changes = await db.diff('users', 'main', 'migration');

    await db.exec(`CREATE BRANCH audit_q4 FROM main READ ONLY COMMENT 'year-end snapshot'`);
    const audit = await db.session({ branch: 'audit_q4' });
    const refused = await audit.run(`DELETE FROM users`).catch((e: Error) => e.message);
    // --- end ---
    expect(onMain).toEqual({ n: 3 });
    expect(onBranch).toEqual([{ id: 1, theme: 'dark' }, { id: 2, theme: null }]);
    expect(changes.map((c) => c.type)).toEqual(['modified', 'removed']);
    expect(changes[0]!.to).toEqual({ id: 1, email: 'a@x.io', preferences: '{"theme":"dark"}' });
    expect(refused).toBe('Cannot modify read-only branch: audit_q4');
    expect(db.branches.list().map((b) => [b.name, b.readOnly])).toEqual([
      ['audit_q4', true],
      ['main', false],
      ['migration', false],
    ]);
    await db.close();
  });

  it('manual commits, tags, resolve', async () => {
    // --- README example: manual mode ---
    const db = await open(join(dir, 'notes'), { versioning: 'manual' });
    await db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`);
    await db.run(`INSERT INTO notes (body) VALUES ('draft')`);
    const pending = await db.status();
    const commit = await db.commit({ message: 'first note', author: 'me' });
    await db.tags.create('v1', { message: 'first release' });
    await db.run(`UPDATE notes SET body = 'oops'`);
    await db.reset({ hard: true }); // drop the uncommitted change
    const body = await db.get('SELECT body FROM notes');
    const v1 = await db.resolve('v1');
    // --- end ---
    expect(pending).toEqual([{ table: 'notes', status: 'new table', added: 1, modified: 0, removed: 0 }]);
    expect(commit!.message).toBe('first note');
    expect(body).toEqual({ body: 'draft' });
    expect(v1).toEqual({ id: commit!.id, kind: 'tag', name: 'v1' });
    await db.close();
  });
});
