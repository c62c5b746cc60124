/**
 * Versioning benchmarks (issue 4 targets), on disk, side by side with SQLite (better-sqlite3,
 * WAL, synchronous=NORMAL) where SQLite has an equivalent:
 *
 * - branch creation (`CREATE BRANCH`) on a 1M-row database (100K with --quick) ≤ 1 ms;
 *   SQLite: `VACUUM INTO` a copy;
 * - AS OF point select vs current point select, prepared, ≤ 1.25×;
 * - AS OF TIMESTAMP resolution with 100K commits on the branch (10K --quick) ≤ 0.1 ms;
 * - diff of two versions differing in 1 row of 1M (100K --quick) ≤ 5 ms, and in 1,000 rows of
 *   100K ≤ 15 ms; SQLite: ATTACH + EXCEPT both ways;
 * - autocommit single-row INSERT, each its own commit, ≥ 25% of SQLite's rate, with
 *   `synchronous: 'normal'` (survives a process crash) against SQLite WAL NORMAL, and 'full'
 *   (fsync per commit) against SQLite WAL FULL (`HDB_BENCH_ONLY=autocommit` runs only this);
 * - history of one row across 10K commits (2K --quick) ≤ 50 ms.
 */
import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { open, type Database } from '../../src/index.js';
import { resolveAsOfSync, PrefixCache } from '../../src/sql/version/as-of.js';
import { median, now, rateRow, rng, round, timeMedian, timeRow, type BenchResult, type Suite } from '../lib.js';

const DDL = 'CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT, balance REAL, updated INTEGER)';

async function load(db: Database, n: number, seed = 7): Promise<void> {
  const rand = rng(seed);
  await db.exec(DDL);
  const ins = db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
  const CH = 100_000;
  for (let s = 0; s < n; s += CH) {
    await db.transaction(async () => {
      for (let i = s; i < Math.min(n, s + CH); i++) await ins.run(i + 1, `name-${i + 1}`, Math.round(rand() * 1e6) / 100, 1_700_000_000 + i);
    })();
  }
}

function sqliteLoad(path: string, n: number, seed = 7): BetterSqlite3.Database {
  const rand = rng(seed);
  const s = new BetterSqlite3(path);
  s.pragma('journal_mode = WAL');
  s.pragma('synchronous = NORMAL');
  s.exec(DDL);
  const ins = s.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
  s.transaction(() => {
    for (let i = 0; i < n; i++) ins.run(i + 1, `name-${i + 1}`, Math.round(rand() * 1e6) / 100, 1_700_000_000 + i);
  })();
  return s;
}

function dirSize(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const st = statSync(join(dir, f));
    n += st.isDirectory() ? dirSize(join(dir, f)) : st.size;
  }
  return n;
}

/** 3. autocommit single-row INSERT, each its own commit (`HDB_BENCH_ONLY=autocommit` runs only this). */
async function autocommitRows(ctx: { quick: boolean; tmpDir: string }): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const N = ctx.quick ? 2_000 : 10_000;
  // Like with like: synchronous=normal (survives a process crash) against SQLite WAL NORMAL,
  // synchronous=full (fsync per commit) against SQLite WAL FULL.
  const sqliteRate = (sync: 'NORMAL' | 'FULL', n: number): number => {
    const s3 = new BetterSqlite3(join(ctx.tmpDir, `ins-${sync}.sqlite`));
    s3.pragma('journal_mode = WAL');
    s3.pragma(`synchronous = ${sync}`);
    s3.exec(DDL);
    const s3i = s3.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
    const t = now();
    for (let i = 0; i < n; i++) s3i.run(i + 1, 'x', 1.5, i);
    const r = n / ((now() - t) / 1000);
    s3.close();
    return r;
  };
  const sqRates = { normal: sqliteRate('NORMAL', N), full: sqliteRate('FULL', Math.min(N, 2_000)) };
  let t0: number;
  for (const mode of ['normal', 'full'] as const) {
    const dir = join(ctx.tmpDir, `ins-${mode}`);
    const d = await open(dir, { synchronous: mode });
    await d.exec(DDL);
    const ins = d.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
    const size0 = dirSize(dir);
    const n = mode === 'full' ? Math.min(N, 2_000) : N;
    t0 = now();
    for (let i = 0; i < n; i++) await ins.run(i + 1, 'x', 1.5, i);
    const rate = n / ((now() - t0) / 1000);
    const grown = (dirSize(dir) - size0) / n;
    out.push(rateRow(`autocommit INSERT, one commit each (synchronous=${mode})`, 'commits/s', rate, sqRates[mode], '≥ 25% of SQLite', `SQLite WAL ${mode.toUpperCase()}; ${Math.round(grown)} B on disk per commit (before compaction)`));
    await d.close();
  }
  return out;
}

export default {
  name: 'versioning',
  async run(ctx) {
    if (process.env.HDB_BENCH_ONLY === 'autocommit') return autocommitRows(ctx);
    if (process.env.HDB_BENCH_ONLY === 'history') return [await historyRow(ctx)];
    const out: BenchResult[] = [];
    const big = ctx.quick ? 100_000 : 1_000_000;
    const mid = ctx.quick ? 20_000 : 100_000;

    // ── 1. branch creation on a big database; diff of 1 row; AS OF point select ──
    let t0 = now();
    const db = await open(join(ctx.tmpDir, 'big'));
    await load(db, big);
    ctx.log(`loaded ${big} rows in ${round(now() - t0)} ms`);
    let k = 0;
    const branchMs = await timeMedian(async () => {
      await db.exec(`CREATE BRANCH b${k++}`);
    }, 21, 3);
    const sq = sqliteLoad(join(ctx.tmpDir, 'big.sqlite'), big);
    let v = 0;
    const vacuumMs = await timeMedian(() => sq.exec(`VACUUM INTO '${join(ctx.tmpDir, `copy${v++}.sqlite`)}'`), 3, 0);
    out.push(timeRow(`CREATE BRANCH on ${big / 1000}K rows`, branchMs, vacuumMs, '≤ 1 ms', 'SQLite: VACUUM INTO a copy'));

    // AS OF point select vs current, prepared, random ids.
    const before = (await db.log())[0]!.transaction;
    await db.run('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
    const cur = db.prepare('SELECT * FROM accounts WHERE id = ?');
    const past = db.prepare(`SELECT * FROM accounts AS OF TRANSACTION ${before} WHERE id = ?`);
    const M = 50_000;
    const ids = Array.from({ length: M }, (_, i) => 1 + ((i * 7919) % big));
    const loop = async (st: typeof cur): Promise<number> => {
      const t = now();
      for (let i = 0; i < M; i++) await st.get(ids[i]);
      return ((now() - t) / M) * 1000;
    };
    await loop(cur);
    await loop(past);
    const curUs: number[] = [];
    const pastUs: number[] = [];
    for (let r = 0; r < 5; r++) {
      curUs.push(await loop(cur));
      pastUs.push(await loop(past));
    }
    const c = median(curUs);
    const p = median(pastUs);
    out.push({ name: 'AS OF point select ÷ current point select', unit: 'µs/op', heliosdb: round(p), sqlite: round(c), ratio: round(p / c), target: '≤ 1.25×', note: '"sqlite" column: HeliosDB current point select' });

    // Diff of 1 row in the big table.
    const diff1 = await timeMedian(() => db.query(`SELECT * FROM heliosdb_diff('accounts', 'main~1', 'main')`), 11, 2);
    const sqCopy = join(ctx.tmpDir, 'big-b.sqlite');
    sq.close();
    copyFileSync(join(ctx.tmpDir, 'big.sqlite'), sqCopy);
    const sqa = new BetterSqlite3(join(ctx.tmpDir, 'big.sqlite'));
    sqa.exec(`ATTACH '${sqCopy}' AS b`);
    sqa.exec('UPDATE b.accounts SET balance = balance + 1 WHERE id = 1');
    const exceptSql = 'SELECT * FROM (SELECT * FROM main.accounts EXCEPT SELECT * FROM b.accounts) UNION ALL SELECT * FROM (SELECT * FROM b.accounts EXCEPT SELECT * FROM main.accounts)';
    const sqDiff1 = await timeMedian(() => sqa.prepare(exceptSql).all(), 3, 0);
    sqa.close();
    out.push(timeRow(`diff: 1 row of ${big / 1000}K`, diff1, sqDiff1, '≤ 5 ms', 'SQLite: ATTACH + EXCEPT both ways'));
    await db.close();

    // ── 2. diff of 1,000 rows in 100K ──
    const db2 = await open(join(ctx.tmpDir, 'mid'));
    await load(db2, mid);
    const rand = rng(11);
    const changed = new Set<number>();
    while (changed.size < 1000) changed.add(1 + Math.floor(rand() * mid));
    const upd = db2.prepare('UPDATE accounts SET balance = balance + 1 WHERE id = ?');
    await db2.transaction(async () => {
      for (const id of changed) await upd.run(id);
    })();
    const diffK = await timeMedian(() => db2.query(`SELECT * FROM heliosdb_diff('accounts', 'main~1', 'main')`), 11, 2);
    const diffRows = (await db2.query(`SELECT count(*) AS n FROM heliosdb_diff('accounts', 'main~1', 'main')`))[0]!.n;
    const sa = sqliteLoad(join(ctx.tmpDir, 'mid.sqlite'), mid);
    sa.close();
    copyFileSync(join(ctx.tmpDir, 'mid.sqlite'), join(ctx.tmpDir, 'mid-b.sqlite'));
    const sb = new BetterSqlite3(join(ctx.tmpDir, 'mid.sqlite'));
    sb.exec(`ATTACH '${join(ctx.tmpDir, 'mid-b.sqlite')}' AS b`);
    const su = sb.prepare('UPDATE b.accounts SET balance = balance + 1 WHERE id = ?');
    sb.transaction(() => {
      for (const id of changed) su.run(id);
    })();
    const sqDiffK = await timeMedian(() => sb.prepare(exceptSql).all(), 5, 1);
    sb.close();
    out.push(timeRow(`diff: 1,000 rows of ${mid / 1000}K`, diffK, sqDiffK, '≤ 15 ms', `${String(diffRows)} rows; SQLite: ATTACH + EXCEPT`));
    await db2.close();

    // ── 3. autocommit single-row INSERT, each its own commit ──
    out.push(...(await autocommitRows(ctx)));

    // ── 4. AS OF TIMESTAMP resolution with many commits; history of one row across many commits ──
    const C = ctx.quick ? 10_000 : 100_000;
    let clock = 1_700_000_000_000;
    const d4 = await open(join(ctx.tmpDir, 'hist'), { synchronous: 'normal', now: () => (clock += 1000) });
    await d4.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)');
    await d4.run('INSERT INTO t VALUES (1, 0), (2, 0)');
    const u = d4.prepare('UPDATE t SET v = ? WHERE id = ?');
    t0 = now();
    for (let i = 1; i <= C; i++) await u.run(i, 2);
    ctx.log(`${C} commits in ${round(now() - t0)} ms`);
    const refs = d4.vc.refs;
    const prefixes = new PrefixCache();
    const start = 1_700_000_000_000;
    const R = 20_000;
    const times = Array.from({ length: R }, (_, i) => `${new Date(start + ((i * 7919) % C) * 1000 + 10_500).toISOString()}`);
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = now();
      for (let i = 0; i < R; i++) resolveAsOfSync(refs, 'main', 'timestamp', times[i]!, prefixes);
      runs.push(((now() - t) / R) * 1000);
    }
    out.push({ name: `AS OF TIMESTAMP resolution, ${C / 1000}K commits`, unit: 'µs', heliosdb: round(median(runs)), target: '≤ 100 µs', note: 'parse + ref-log binary search' });
    await d4.close();

    out.push(await historyRow(ctx));
    return out;
  },
} satisfies Suite;

/** History of one row across H commits, each changing it (`HDB_BENCH_ONLY=history` runs only this). */
async function historyRow(ctx: { quick: boolean; tmpDir: string }): Promise<BenchResult> {
  const H = ctx.quick ? 2_000 : 10_000;
  const d5 = await open(join(ctx.tmpDir, 'hist-row'), { synchronous: 'normal' });
  await d5.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)');
  await d5.run('INSERT INTO t VALUES (1, 0), (2, 0)');
  const u5 = d5.prepare('UPDATE t SET v = ? WHERE id = 1');
  for (let i = 1; i < H; i++) await u5.run(i);
  const hq = d5.prepare(`SELECT * FROM heliosdb_history('t') WHERE id = 1`);
  const t0 = now();
  const hn = (await hq.all()).length;
  const cold = now() - t0;
  const hist = await timeMedian(() => hq.all(), 5, 1);
  await d5.close();
  return timeRow(`history of one row across ${H / 1000}K commits`, hist, undefined, '≤ 50 ms', `${hn} versions; first run ${round(cold)} ms`);
}
