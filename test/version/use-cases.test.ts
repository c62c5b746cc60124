/**
 * The use cases of the time-travel and branching documents (shared/seeds), written the way an
 * application would: year-end audit, incident investigation, balance trend, invoice dispute,
 * read-only quarterly audit branches, a schema migration tried on a branch while main serves.
 * The database clock is set to the dates of each story (`open(…, { now })`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

/** A settable clock for the stories: `clock.at('2024-12-30 09:00')`; it never goes backwards. */
function storyClock(): { now: () => number; at: (utc: string) => void } {
  let t = Date.parse('2024-01-01T00:00:00Z');
  return {
    now: () => t++,
    at: (utc) => {
      const next = Date.parse(utc.replace(' ', 'T') + 'Z');
      if (next < t) throw new Error('the story clock goes forward only');
      t = next;
    },
  };
}

let db: Database;
afterEach(async () => {
  await db?.close();
});

async function bank(clock: ReturnType<typeof storyClock>): Promise<Database> {
  db = await open(undefined, { now: clock.now, author: 'core-banking' });
  clock.at('2024-11-01 08:00:00');
  await db.exec(`
    CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance DECIMAL(12,2) NOT NULL);
    INSERT INTO accounts VALUES (1, 'Acme Corp', 1000.00), (2, 'Globex', 250.50), (3, 'Initech', 0.00);
  `);
  const transfer = db.transaction(async (from: number, to: number, amount: string) => {
    await db.run('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await db.run('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
  clock.at('2024-11-30 17:00:00');
  await transfer(1, 3, '100.00');
  clock.at('2024-12-15 12:00:00');
  await transfer(2, 3, '50.50');
  clock.at('2024-12-31 18:30:00');
  await transfer(1, 2, '300.00');
  clock.at('2025-01-02 09:15:00');
  await transfer(3, 1, '25.00');
  clock.at('2025-01-31 16:00:00');
  await transfer(2, 1, '100.00');
  return db;
}

describe('time travel', () => {
  it('year-end audit: account balances as they were at the closing date', async () => {
    const clock = storyClock();
    await bank(clock);
    const closing = await db.query(`
      SELECT id, owner, balance
        FROM accounts AS OF TIMESTAMP '2024-12-31 23:59:59'
       ORDER BY id`);
    expect(closing).toEqual([
      { id: 1, owner: 'Acme Corp', balance: '600.00' },
      { id: 2, owner: 'Globex', balance: '500.00' },
      { id: 3, owner: 'Initech', balance: '150.50' },
    ]);
    const total = await db.get(`SELECT sum(balance) AS total FROM accounts AS OF TIMESTAMP '2024-12-31 23:59:59'`);
    expect(total).toEqual({ total: '1250.50' });
    // Today's balances are different; the audit query is unaffected by later activity.
    expect(await db.get('SELECT balance FROM accounts WHERE id = 1')).toEqual({ balance: '725.00' });
  });

  it('incident investigation: a row before and after a suspicious transaction', async () => {
    const clock = storyClock();
    db = await open(undefined, { now: clock.now });
    clock.at('2025-03-01 00:00:00');
    await db.exec(`CREATE TABLE sensors (device TEXT PRIMARY KEY, threshold REAL, firmware TEXT);
                   INSERT INTO sensors VALUES ('pump-7', 80.0, '1.4.2'), ('pump-8', 80.0, '1.4.2')`);
    clock.at('2025-03-02 10:00:00');
    await db.run(`UPDATE sensors SET firmware = '1.4.3' WHERE device LIKE 'pump-%'`);
    clock.at('2025-03-03 03:12:00');
    await db.transaction(async () => {
      await db.run(`UPDATE sensors SET threshold = 999 WHERE device = 'pump-7'`);
    }, { message: 'remote config push', author: 'ops-bot' })();
    clock.at('2025-03-03 09:00:00');
    await db.run(`UPDATE sensors SET firmware = '1.4.4' WHERE device = 'pump-8'`);

    // Find the suspicious transaction in the log, then look at the row around it.
    const suspicious = await db.get<{ transaction: number; commit_id: string }>(
      `SELECT transaction, commit_id FROM heliosdb_log WHERE author = 'ops-bot' AND message = 'remote config push'`,
    );
    const previous = await db.get<{ transaction: number }>(`SELECT transaction FROM heliosdb_log WHERE transaction < ? ORDER BY transaction DESC LIMIT 1`, [suspicious!.transaction]);
    const before = await db.get(`SELECT threshold, firmware FROM sensors AS OF TRANSACTION ${previous!.transaction} WHERE device = 'pump-7'`);
    const after = await db.get(`SELECT threshold, firmware FROM sensors AS OF TRANSACTION ${suspicious!.transaction} WHERE device = 'pump-7'`);
    expect(before).toEqual({ threshold: 80, firmware: '1.4.3' });
    expect(after).toEqual({ threshold: 999, firmware: '1.4.3' });
    // What exactly changed in that commit:
    const changed = await db.query(`SELECT diff_type, to_device, from_threshold, to_threshold FROM heliosdb_diff('sensors', '${suspicious!.commit_id}~1', '${suspicious!.commit_id}')`);
    expect(changed).toEqual([{ diff_type: 'modified', to_device: 'pump-7', from_threshold: 80, to_threshold: 999 }]);
  });

  it('balance trend: one account at several timestamps', async () => {
    const clock = storyClock();
    await bank(clock);
    const trend = await db.query(`
      SELECT '2024-11-15' AS day, balance FROM accounts AS OF TIMESTAMP '2024-11-15 23:59:59' WHERE id = 1
      UNION ALL SELECT '2024-12-15', balance FROM accounts AS OF TIMESTAMP '2024-12-15 23:59:59' WHERE id = 1
      UNION ALL SELECT '2025-01-15', balance FROM accounts AS OF TIMESTAMP '2025-01-15 23:59:59' WHERE id = 1
      UNION ALL SELECT 'today', balance FROM accounts WHERE id = 1`);
    expect(trend).toEqual([
      { day: '2024-11-15', balance: '1000.00' },
      { day: '2024-12-15', balance: '900.00' },
      { day: '2025-01-15', balance: '625.00' },
      { day: 'today', balance: '725.00' },
    ]);
    // The same with a prepared statement and the time as a parameter.
    const at = db.prepare('SELECT balance FROM accounts AS OF TIMESTAMP ? WHERE id = 3').pluck();
    const points = ['2024-11-30 17:00:01', '2024-12-31 23:59:59', '2025-01-02 09:15:01'];
    const values: unknown[] = [];
    for (const p of points) values.push(await at.get(p));
    expect(values).toEqual(['100.00', '150.50', '125.50']);
  });

  it('invoice dispute: usage as it was when the invoice was generated', async () => {
    const clock = storyClock();
    db = await open(undefined, { now: clock.now, author: 'billing' });
    clock.at('2025-01-01 00:00:00');
    await db.exec(`CREATE TABLE usage_events (id INTEGER PRIMARY KEY, customer TEXT, month TEXT, api_calls INTEGER);
                   CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT, month TEXT, amount_cents INTEGER, generated_at TEXT)`);
    const record = db.prepare('INSERT INTO usage_events (customer, month, api_calls) VALUES (?, ?, ?)');
    clock.at('2025-01-10 10:00:00');
    await record.run('cust-42', '2025-01', 12000);
    clock.at('2025-01-25 10:00:00');
    await record.run('cust-42', '2025-01', 8000);
    clock.at('2025-02-01 00:05:00');
    await db.transaction(async () => {
      const u = await db.get<{ calls: number }>(`SELECT sum(api_calls) AS calls FROM usage_events WHERE customer = 'cust-42' AND month = '2025-01'`);
      await db.run(`INSERT INTO invoices (customer, month, amount_cents, generated_at) VALUES ('cust-42', '2025-01', ?, datetime('2025-02-01 00:05:00'))`, [u!.calls / 10]);
    }, { message: 'generate January invoices' })();
    // Late-arriving events are recorded after the invoice went out.
    clock.at('2025-02-03 08:00:00');
    await record.run('cust-42', '2025-01', 3000);

    // The customer disputes the invoice: what did we know when we generated it?
    const inv = await db.get<{ amount_cents: number; generated_at: string }>(`SELECT amount_cents, generated_at FROM invoices WHERE customer = 'cust-42' AND month = '2025-01'`);
    const asInvoiced = await db.get<{ calls: number }>(
      `SELECT sum(api_calls) AS calls FROM usage_events AS OF TIMESTAMP ? WHERE customer = 'cust-42' AND month = '2025-01'`,
      [inv!.generated_at],
    );
    const now = await db.get<{ calls: number }>(`SELECT sum(api_calls) AS calls FROM usage_events WHERE customer = 'cust-42' AND month = '2025-01'`);
    expect(asInvoiced!.calls / 10).toBe(inv!.amount_cents);
    expect(asInvoiced!.calls).toBe(20000);
    expect(now!.calls).toBe(23000);
  });
});

describe('branching', () => {
  it('quarterly audit branches: read-only, queryable, unaffected by later activity', async () => {
    const clock = storyClock();
    await bank(clock);
    await db.exec(`CREATE BRANCH audit_2024_q4 FROM main AS OF TIMESTAMP '2024-12-31 23:59:59' READ ONLY COMMENT 'SOX snapshot 2024_q4'`);
    // Before the database existed there is nothing to snapshot:
    await expect(db.exec(`CREATE BRANCH audit_2023_q4 FROM main AS OF TIMESTAMP '2023-12-31 23:59:59' READ ONLY`)).rejects.toMatchObject({ code: 'AS_OF_BEFORE_BRANCH' });
    const branches = await db.query(`SELECT name, read_only, description FROM heliosdb_branches WHERE name LIKE 'audit_%'`);
    expect(branches).toEqual([{ name: 'audit_2024_q4', read_only: 1, description: 'SOX snapshot 2024_q4' }]);

    const auditor = await db.session({ branch: 'audit_2024_q4', author: 'auditor@example.com' });
    expect(await auditor.get('SELECT sum(balance) AS total, count(*) AS n FROM accounts')).toEqual({ total: '1250.50', n: 3 });
    await expect(auditor.run('UPDATE accounts SET balance = 0')).rejects.toThrow('Cannot modify read-only branch: audit_2024_q4');
    await expect(db.exec('DROP BRANCH audit_2024_q4')).rejects.toMatchObject({ code: 'READ_ONLY_BRANCH' });

    clock.at('2025-02-10 10:00:00');
    await db.run(`UPDATE accounts SET balance = balance + 1 WHERE id = 1`);
    expect(await auditor.get('SELECT balance FROM accounts WHERE id = 1')).toEqual({ balance: '600.00' });
    // Comparing the snapshot with today from main:
    const drift = await db.query(`
      SELECT a.id, a.balance - q.balance AS change
        FROM accounts a JOIN accounts AS OF 'audit_2024_q4' q ON q.id = a.id
       WHERE a.balance <> q.balance ORDER BY a.id`);
    expect(drift).toEqual([{ id: 1, change: '126.00' }, { id: 2, change: '-100.00' }, { id: 3, change: '-25.00' }]);
  });

  it('schema migration: ADD COLUMN JSONB tried on a branch while main keeps serving', async () => {
    const clock = storyClock();
    db = await open(undefined, { now: clock.now });
    clock.at('2025-05-01 09:00:00');
    await db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
                   INSERT INTO users (email) VALUES ('a@x.io'), ('b@x.io')`);
    await db.exec(`CREATE BRANCH migrate_prefs COMMENT 'users.preferences JSONB'`);
    const migration = await db.session({ branch: 'migrate_prefs' });

    clock.at('2025-05-01 09:05:00');
    const serving = (async () => {
      for (let i = 0; i < 20; i++) await db.run('INSERT INTO users (email) VALUES (?)', [`user${i}@x.io`]);
    })();
    await migration.exec(`ALTER TABLE users ADD COLUMN preferences JSONB`);
    await migration.run(`UPDATE users SET preferences = '{"theme":"dark","digest":"weekly"}' WHERE id = 1`);
    await serving;

    expect(await migration.get(`SELECT preferences->>'theme' AS theme FROM users WHERE id = 1`)).toEqual({ theme: 'dark' });
    await expect(migration.run(`UPDATE users SET preferences = '{not json' WHERE id = 2`)).rejects.toThrow();
    // main: untouched schema, all its new rows
    await expect(db.query('SELECT preferences FROM users')).rejects.toThrow(/no such column: preferences/);
    expect(await db.get('SELECT count(*) AS n FROM users')).toEqual({ n: 22 });
    expect(await migration.get('SELECT count(*) AS n FROM users')).toEqual({ n: 2 });
    const schema = await db.query(`SELECT name, diff_type FROM heliosdb_schema_diff('main', 'migrate_prefs')`);
    expect(schema).toEqual([{ name: 'users', diff_type: 'modified' }]);
    // The migration is abandoned: dropping the branch leaves main as it is.
    await migration.close();
    await db.exec('DROP BRANCH migrate_prefs');
    expect(await db.get('SELECT count(*) AS n FROM users')).toEqual({ n: 22 });
  });
});
