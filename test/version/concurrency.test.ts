/**
 * Many sessions at once: writers on several branches (serialised per branch by a FIFO queue),
 * readers whose snapshot never changes under them, pinned sessions — each checks that it
 * always sees a consistent state (money moves between accounts, the branch total never
 * changes), and the branches stay isolated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Connection, type Database } from '../../src/index.js';

let db: Database;
afterEach(async () => {
  await db?.close();
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('concurrent sessions', () => {
  it('writers and readers on three branches each see a consistent state', async () => {
    db = await open();
    await db.exec(`CREATE TABLE acct(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)`);
    await db.exec(`INSERT INTO acct VALUES (1, 100), (2, 100), (3, 100), (4, 100), (5, 100)`);
    const branches = ['main', 'b1', 'b2'];
    const totals: Record<string, number> = { main: 500 };
    for (const [i, b] of ['b1', 'b2'].entries()) {
      await db.exec(`CREATE BRANCH ${b}`);
      const s = await db.session({ branch: b });
      await s.run('UPDATE acct SET balance = balance + ? WHERE id = 1', [(i + 1) * 1000]);
      totals[b] = 500 + (i + 1) * 1000;
      await s.close();
    }
    const commitsBefore: Record<string, number> = {};
    for (const b of branches) commitsBefore[b] = (await db.log(b)).length;

    const TRANSFERS = 15;
    const writer = async (branch: string, seed: number, mode: 'immediate' | 'autocommit'): Promise<number> => {
      const s = await db.session({ branch });
      const r = rng(seed);
      let done = 0;
      for (let k = 0; k < TRANSFERS; k++) {
        const from = 1 + Math.floor(r() * 5);
        const to = 1 + ((from + Math.floor(r() * 4)) % 5);
        const amount = 1 + Math.floor(r() * 10);
        if (mode === 'immediate') {
          await s.transaction(async () => {
            await s.run('UPDATE acct SET balance = balance - ? WHERE id = ?', [amount, from]);
            await yieldNow();
            await s.run('UPDATE acct SET balance = balance + ? WHERE id = ?', [amount, to]);
          }).immediate();
        } else {
          // One statement moving money both ways keeps the total in one autocommit.
          await s.run('UPDATE acct SET balance = balance + CASE id WHEN ? THEN -? WHEN ? THEN ? ELSE 0 END WHERE id IN (?, ?)', [from, amount, to, amount, from, to]);
        }
        done++;
        await yieldNow();
      }
      await s.close();
      return done;
    };
    const reader = async (branch: string, rounds: number): Promise<void> => {
      const s: Connection = await db.session({ branch });
      for (let k = 0; k < rounds; k++) {
        expect(await s.get('SELECT sum(balance) AS t FROM acct')).toEqual({ t: totals[branch] });
        await s.exec('BEGIN');
        const first = await s.query('SELECT id, balance FROM acct ORDER BY id');
        await yieldNow();
        await yieldNow();
        const again = await s.query('SELECT id, balance FROM acct ORDER BY id');
        expect(again).toEqual(first);
        expect(first.reduce((a, r) => a + (r.balance as number), 0)).toBe(totals[branch]);
        await s.exec('COMMIT');
        await yieldNow();
      }
      await s.close();
    };
    const pinnedHead = (await db.log('b1'))[0]!.id;
    const pinned = async (): Promise<void> => {
      const s = await db.session({ branch: 'b1', asOf: pinnedHead });
      const first = await s.query('SELECT * FROM acct ORDER BY id');
      for (let k = 0; k < 20; k++) {
        await yieldNow();
        expect(await s.query('SELECT * FROM acct ORDER BY id')).toEqual(first);
      }
      await s.close();
    };

    const jobs: Promise<unknown>[] = [];
    let seed = 1;
    for (const b of branches) {
      jobs.push(writer(b, seed++, 'immediate'), writer(b, seed++, 'immediate'), writer(b, seed++, 'autocommit'));
      jobs.push(reader(b, 10), reader(b, 10));
    }
    jobs.push(pinned());
    await Promise.all(jobs);

    for (const b of branches) {
      const s = await db.session({ branch: b });
      expect(await s.get('SELECT sum(balance) AS t FROM acct')).toEqual({ t: totals[b] });
      // Every transfer is exactly one commit on its own branch.
      expect((await db.log(b)).length - commitsBefore[b]!).toBe(3 * TRANSFERS);
      await s.close();
    }
  });

  it('a deferred transaction whose snapshot is stale gets a clear BUSY error and changes nothing', async () => {
    db = await open();
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 0)');
    const a = await db.session();
    await a.exec('BEGIN');
    expect(await a.get('SELECT n FROM t')).toEqual({ n: 0 });
    await db.run('UPDATE t SET n = 1');
    await expect(a.run('UPDATE t SET n = 2')).rejects.toMatchObject({ code: 'BUSY' });
    await a.exec('ROLLBACK');
    expect(await db.get('SELECT n FROM t')).toEqual({ n: 1 });
    await a.close();
  });
});
