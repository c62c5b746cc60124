/**
 * SQL engine benchmarks against SQLite (better-sqlite3, WAL, synchronous=NORMAL), both on disk,
 * with the same durability on both sides: HeliosDB Nano opens with `synchronous: 'normal'` (each
 * commit is written to the OS before it returns and survives a crash of the process, not of the
 * machine — what WAL + synchronous=NORMAL gives SQLite; neither side fsyncs per commit), table
 * `accounts(id INTEGER PRIMARY KEY, name TEXT, balance REAL, updated INTEGER)` with 100K
 * rows (10K with --quick): bulk insert in one transaction, point select by primary key with a
 * prepared statement, range scan of 10K rows, SUM(balance) over the table, update of 1,000
 * random rows in one transaction; then RSS after loading 1M rows, in a fresh
 * child process (skipped with --quick).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { open } from '../../src/index.js';
import { median, now, rng, timeMedian, timeRow, type BenchResult, type Suite } from '../lib.js';

const DDL = 'CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT, balance REAL, updated INTEGER)';

export default {
  name: 'sql',
  async run(ctx) {
    const n = ctx.quick ? 10_000 : 100_000;
    const results: BenchResult[] = [];
    const rand = rng(7);
    const rows = Array.from({ length: n }, (_, i) => [i + 1, `name-${i + 1}`, Math.round(rand() * 1e6) / 100, 1_700_000_000 + i] as const);

    // ---- SQLite
    const s = new BetterSqlite3(join(ctx.tmpDir, 'sqlite.db'));
    s.pragma('journal_mode = WAL');
    s.pragma('synchronous = NORMAL');
    s.exec(DDL);
    const sIns = s.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
    let t0 = now();
    s.transaction(() => {
      for (const r of rows) sIns.run(r[0], r[1], r[2], r[3]);
    })();
    const sqliteInsert = now() - t0;

    // ---- HeliosDB
    const db = await open(join(ctx.tmpDir, 'helios'), { synchronous: 'normal' });
    await db.exec(DDL);
    const hIns = db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
    t0 = now();
    await db.transaction(async () => {
      for (const r of rows) await hIns.run(r[0], r[1], r[2], r[3]);
    })();
    const heliosInsert = now() - t0;
    results.push(timeRow(`bulk insert ${n} rows, one transaction`, heliosInsert, sqliteInsert, '≤ 3×'));
    ctx.log(`insert: helios ${heliosInsert.toFixed(0)} ms, sqlite ${sqliteInsert.toFixed(0)} ms`);

    // Point selects.
    const lookups = Array.from({ length: 20_000 }, () => 1 + Math.floor(rand() * n));
    const sSel = s.prepare('SELECT * FROM accounts WHERE id = ?');
    const hSel = db.prepare('SELECT * FROM accounts WHERE id = ?');
    const sqlitePoint = await timeMedian(() => {
      for (const id of lookups) sSel.get(id);
    }, 5);
    const heliosPoint = await timeMedian(async () => {
      for (const id of lookups) await hSel.get(id);
    }, 5);
    results.push(timeRow('point select by primary key (µs each)', (heliosPoint * 1000) / lookups.length, (sqlitePoint * 1000) / lookups.length, '≤ 2×'));

    // Range scan of 10K rows.
    const span = Math.min(10_000, n);
    const sRange = s.prepare('SELECT * FROM accounts WHERE id >= ? AND id < ?');
    const hRange = db.prepare('SELECT * FROM accounts WHERE id >= ? AND id < ?');
    const start = Math.floor(n / 3);
    const sqliteRange = await timeMedian(() => sRange.all(start, start + span), 7);
    const heliosRange = await timeMedian(() => hRange.all(start, start + span), 7);
    results.push(timeRow(`range scan of ${span} rows`, heliosRange, sqliteRange, '≤ 3×'));

    // SUM over the table.
    const sSum = s.prepare('SELECT SUM(balance) FROM accounts');
    const hSum = db.prepare('SELECT SUM(balance) FROM accounts');
    const sqliteSum = await timeMedian(() => sSum.get(), 7);
    const heliosSum = await timeMedian(() => hSum.get(), 7);
    results.push(timeRow(`SUM(balance) over ${n} rows`, heliosSum, sqliteSum, '≤ 5×'));

    // Update 1,000 random rows in one transaction.
    const sUpd = s.prepare('UPDATE accounts SET balance = balance + ?, updated = ? WHERE id = ?');
    const hUpd = db.prepare('UPDATE accounts SET balance = balance + ?, updated = ? WHERE id = ?');
    const ids = () => Array.from({ length: 1000 }, () => 1 + Math.floor(rand() * n));
    const sqliteUpd: number[] = [];
    const heliosUpd: number[] = [];
    for (let round = 0; round < 5; round++) {
      const batch = ids();
      t0 = now();
      s.transaction(() => {
        for (const id of batch) sUpd.run(1.5, round, id);
      })();
      sqliteUpd.push(now() - t0);
      t0 = now();
      await db.transaction(async () => {
        for (const id of batch) await hUpd.run(1.5, round, id);
      })();
      heliosUpd.push(now() - t0);
    }
    results.push(timeRow('update 1,000 random rows, one transaction', median(heliosUpd), median(sqliteUpd), '≤ 3×'));

    s.close();
    await db.close();

    if (!ctx.quick) {
      // In a fresh child process each, so the heap left by earlier benchmarks does not count.
      const child = (engine: string): number => {
        const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../rss-child.ts', import.meta.url)), ctx.tmpDir, engine], {
          encoding: 'utf8',
        });
        return Number(out.trim());
      };
      const heliosRss = child('heliosdb');
      const sqliteRss = child('sqlite');
      results.push({
        name: 'RSS after loading 1M rows',
        unit: 'MB',
        heliosdb: heliosRss,
        sqlite: sqliteRss,
        ratio: Math.round((heliosRss / sqliteRss) * 1000) / 1000,
        target: '≤ 500 MB',
        note: 'fresh process each (bench/rss-child.ts), after a full GC',
      });
    }
    return results;
  },
} satisfies Suite;
