/**
 * Statement time limits and cancellation: `{ timeoutMs }` / `{ signal }` per call,
 * `statementTimeoutMs` per database (and `statement_timeout_ms` in heliosdb.toml). A stopped
 * statement throws STATEMENT_TIMEOUT / INTERRUPTED, its changes are undone (statement-level
 * rollback), and the connection and any open transaction stay usable.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configToOpenOptions, InterruptedError, loadConfigFile, open, StatementTimeoutError, type Database } from '../../../src/index.js';

const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
/** Slack for a busy machine: the check runs every few hundred rows. */
const SLACK = 3000;

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
  await db.exec('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) INSERT INTO t SELECT x, x FROM c');
});
afterEach(async () => {
  await db.close();
});

async function failure(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (error) {
    return { error, ms: Date.now() - t0 };
  }
  throw new Error('expected the call to fail');
}

describe('timeoutMs', () => {
  it('stops a recursive CTE without end', async () => {
    const { error, ms } = await failure(db.query(ENDLESS, [], { timeoutMs: 50 }));
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect((error as StatementTimeoutError).code).toBe('STATEMENT_TIMEOUT');
    expect((error as StatementTimeoutError).timeoutMs).toBe(50);
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThan(50 + SLACK);
    // The connection is usable and the same statement runs again (the plan is not left busy).
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 3000 });
    await expect(db.query(ENDLESS, [], { timeoutMs: 30 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
  });

  it('stops a huge cross join, a filtered scan and a hash-join build', async () => {
    await expect(db.get('SELECT count(*) FROM t a, t b, t c', [], { timeoutMs: 40 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    await expect(db.get('SELECT count(*) FROM t a, t b, t c WHERE a.v + b.v + c.v = -1', [], { timeoutMs: 40 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    await expect(db.get('SELECT count(*) FROM t a JOIN t b ON a.v = b.v + 0 JOIN t c ON c.v > a.v', [], { timeoutMs: 40 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
  });

  it('a query that ends in time returns its rows', async () => {
    expect(await db.get('SELECT sum(v) AS s FROM t', [], { timeoutMs: 60_000 })).toEqual({ s: 4501500 });
    // 0: no limit
    expect(await db.get('SELECT count(*) AS n FROM t a, t b WHERE a.id < 100', [], { timeoutMs: 0 })).toEqual({ n: 297000 });
  });

  it('an autocommit write that times out commits nothing', async () => {
    const before = (await db.log()).length;
    await expect(db.run('INSERT INTO t SELECT a.id * 10000 + b.id, 0 FROM t a, t b', [], { timeoutMs: 40 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 3000 });
    expect((await db.log()).length).toBe(before);
    await db.run('INSERT INTO t VALUES (5000, 1)');
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 3001 });
  });

  it('inside a transaction: the statement is undone, the transaction stays open', async () => {
    await db.exec('CREATE TABLE audit (id INTEGER, v INTEGER)');
    await db.exec('CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO audit VALUES (new.id, new.v); END');
    await db.exec('BEGIN');
    await db.run('UPDATE t SET v = -1 WHERE id = 1');
    const slow = 'UPDATE t SET v = v + (SELECT count(*) FROM t b, t c WHERE b.v > t.v AND c.id < 50)';
    await expect(db.run(slow, [], { timeoutMs: 40 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    expect(db.inTransaction).toBe(true);
    expect(await db.get('SELECT sum(v) AS s, min(v) AS m FROM t')).toEqual({ s: 4501500 - 2, m: -1 });
    expect(await db.get('SELECT count(*) AS n FROM audit')).toEqual({ n: 1 });
    await db.run('UPDATE t SET v = 0 WHERE id = 2');
    await db.exec('COMMIT');
    expect(await db.get('SELECT sum(v) AS s FROM t')).toEqual({ s: 4501500 - 2 - 2 });
    expect(await db.get('SELECT count(*) AS n FROM audit')).toEqual({ n: 2 });
  });

  it('a savepoint survives a timed-out statement', async () => {
    await db.exec('BEGIN; SAVEPOINT a; DELETE FROM t WHERE id > 2000');
    await expect(db.run('DELETE FROM t WHERE id IN (SELECT a.id FROM t a, t b, t c)', [], { timeoutMs: 30 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 2000 });
    await db.exec('ROLLBACK TO a; COMMIT');
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 3000 });
  });

  it('db.exec: the limit covers the whole script', async () => {
    await expect(db.exec(`INSERT INTO t VALUES (9001, 1); ${ENDLESS}`, { timeoutMs: 40 })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    // The first statement committed on its own (autocommit), the runaway one did nothing.
    expect(await db.get('SELECT count(*) AS n FROM t WHERE id = 9001')).toEqual({ n: 1 });
  });

  it('prepared statements: withOptions', async () => {
    const st = db.prepare('SELECT count(*) AS n FROM t a, t b WHERE a.v > ?');
    await expect(st.withOptions({ timeoutMs: 20 }).get(-1)).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    expect(await st.get(2990)).toEqual({ n: 30000 });
    expect(await st.withOptions({ timeoutMs: 60_000 }).pluck().get(2999)).toBe(3000);
    expect(() => st.withOptions({ timeoutMs: -1 })).toThrow(TypeError);
  });

  it('a database-wide default, overridden per call', async () => {
    const d = await open(undefined, { statementTimeoutMs: 30 });
    try {
      await expect(d.query(ENDLESS)).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
      await expect(d.exec(ENDLESS)).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
      const s = await d.session();
      await expect(s.get(ENDLESS)).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
      await s.close();
      // A per-call limit wins over the default.
      const { error, ms } = await failure(d.query(ENDLESS, [], { timeoutMs: 300 }));
      expect((error as { code: string }).code).toBe('STATEMENT_TIMEOUT');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(await d.get('SELECT 1 AS x')).toEqual({ x: 1 });
    } finally {
      await d.close();
    }
    await expect(open(undefined, { statementTimeoutMs: -5 })).rejects.toThrow(TypeError);
  });

  it('heliosdb.toml statement_timeout_ms', () => {
    const { config } = loadConfigFile('statement_timeout_ms = 2500\n');
    expect(config.statementTimeoutMs).toBe(2500);
    expect(configToOpenOptions(config).statementTimeoutMs).toBe(2500);
    expect(configToOpenOptions(loadConfigFile('statement_timeout_ms = 0\n').config).statementTimeoutMs).toBeUndefined();
    expect(() => loadConfigFile('statement_timeout_ms = "soon"\n')).toThrow(/statement_timeout_ms/);
    expect(() => loadConfigFile('statement_timeout_ms = -1\n')).toThrow(/statement_timeout_ms/);
  });
});

describe('signal', () => {
  it('an aborted AbortSignal stops the statement before it runs', async () => {
    const ac = new AbortController();
    ac.abort();
    const { error } = await failure(db.run('DELETE FROM t', [], { signal: ac.signal }));
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).code).toBe('INTERRUPTED');
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 3000 });
  });

  it('a signal set while the statement runs (another thread) stops it', async () => {
    const t0 = Date.now();
    const flag = {
      get aborted() {
        return Date.now() - t0 > 40;
      },
      reason: 'cancelled by test',
    };
    const { error } = await failure(db.query(ENDLESS, [], { signal: flag }));
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as Error).message).toContain('cancelled by test');
    await db.exec('BEGIN');
    await db.run('DELETE FROM t WHERE id = 1');
    const t1 = Date.now();
    const late = { get aborted() { return Date.now() - t1 > 30; } };
    await expect(db.run('UPDATE t SET v = (SELECT count(*) FROM t b, t c WHERE b.v > t.v)', [], { signal: late })).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(db.inTransaction).toBe(true);
    await db.exec('COMMIT');
    expect(await db.get('SELECT count(*) AS n, sum(v) AS s FROM t')).toEqual({ n: 2999, s: 4501499 });
  });

  it('aborting during iterate stops at the next row', async () => {
    const ac = new AbortController();
    let n = 0;
    const { error } = await failure(
      (async () => {
        for await (const _ of db.iterate('SELECT * FROM t ORDER BY id', [], { signal: ac.signal })) {
          if (++n === 10) ac.abort();
        }
      })(),
    );
    expect((error as { code: string }).code).toBe('INTERRUPTED');
    expect(n).toBe(10);
    // Another connection's statement between the pulls is not affected by this one's signal.
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 3000 });
  });

  it('timeoutMs and signal together: whichever comes first', async () => {
    const ac = new AbortController();
    await expect(db.query(ENDLESS, [], { timeoutMs: 30, signal: ac.signal })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    ac.abort();
    await expect(db.query('SELECT 1', [], { timeoutMs: 60_000, signal: ac.signal })).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });
});
