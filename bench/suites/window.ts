/**
 * Window functions against SQLite (better-sqlite3), in memory, over one table
 * `w(id INTEGER PRIMARY KEY, g INTEGER, x INTEGER, s TEXT)` of 100K rows (10K with --quick),
 * one big partition and 100 small ones: a running total (default frame), a sliding ROWS sum
 * (inverse), a sliding ROWS max (deque), a RANGE frame with offsets, ranking per partition, LAG,
 * and a sliding group_concat (recomputed per frame). Each figure is the time of the whole query.
 */
import BetterSqlite3 from 'better-sqlite3';
import { open } from '../../src/index.js';
import { rng, timeMedian, timeRow, type BenchResult, type Suite } from '../lib.js';

const QUERIES: [string, string][] = [
  ['running SUM (default frame)', 'SELECT sum(x) OVER (ORDER BY id) FROM w'],
  ['sliding SUM, ROWS 50 PRECEDING..50 FOLLOWING', 'SELECT sum(x) OVER (ORDER BY id ROWS BETWEEN 50 PRECEDING AND 50 FOLLOWING) FROM w'],
  ['sliding MAX, ROWS 100 PRECEDING', 'SELECT max(x) OVER (ORDER BY id ROWS 100 PRECEDING) FROM w'],
  ['RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING, count', 'SELECT count(*) OVER (ORDER BY x RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) FROM w'],
  ['rank() per partition (100 partitions)', 'SELECT rank() OVER (PARTITION BY g ORDER BY x) FROM w'],
  ['LAG over the whole table', 'SELECT x - lag(x) OVER (ORDER BY id) FROM w'],
  ['sliding group_concat, ROWS 3 PRECEDING', 'SELECT group_concat(s) OVER (ORDER BY id ROWS 3 PRECEDING) FROM w'],
];

export default {
  name: 'window',
  async run(ctx) {
    const n = ctx.quick ? 10_000 : 100_000;
    const rand = rng(11);
    const rows = Array.from({ length: n }, (_, i) => [i + 1, Math.floor(rand() * 100), Math.floor(rand() * 10_000), `s${i % 97}`] as const);
    const s = new BetterSqlite3(':memory:');
    s.exec('CREATE TABLE w(id INTEGER PRIMARY KEY, g INTEGER, x INTEGER, s TEXT)');
    const ins = s.prepare('INSERT INTO w VALUES (?, ?, ?, ?)');
    s.transaction(() => {
      for (const r of rows) ins.run(r[0], r[1], r[2], r[3]);
    })();
    const db = await open();
    await db.exec('CREATE TABLE w(id INTEGER PRIMARY KEY, g INTEGER, x INTEGER, s TEXT)');
    const hIns = db.prepare('INSERT INTO w VALUES (?, ?, ?, ?)');
    await db.transaction(async () => {
      for (const r of rows) await hIns.run(r[0], r[1], r[2], r[3]);
    })();
    const results: BenchResult[] = [];
    for (const [label, sql] of QUERIES) {
      const sq = s.prepare(sql).raw(true);
      const hq = db.prepare(sql).raw();
      const sqlite = await timeMedian(() => sq.all(), 3);
      const helios = await timeMedian(() => hq.all(), 3);
      results.push(timeRow(`${label}, ${n} rows`, helios, sqlite));
      ctx.log(`${label}: helios ${helios.toFixed(0)} ms, sqlite ${sqlite.toFixed(0)} ms`);
    }
    s.close();
    await db.close();
    return results;
  },
} satisfies Suite;
