/**
 * Per-row cost of SQL value semantics and built-in functions (src/sql/values, src/sql/functions):
 * comparison, arithmetic, LIKE, REAL→TEXT, aggregates. Rows with an SQLite column compare the
 * same expression evaluated by SQLite over a table of the same values (`SELECT sum(expr) FROM t`),
 * which includes SQLite's table scan — a ceiling, not an exact equivalent.
 */
import Database from 'better-sqlite3';
import type { SqlValue } from '../../src/objects/index.js';
import { aggregateFunctions, scalarFunctions, type FunctionContext } from '../../src/sql/functions/index.js';
import { add, compareOp, compareValues, likeMatch, realToText, toText } from '../../src/sql/values/index.js';
import { now, rng, round, timeMedian, timeRow, type BenchResult, type Suite } from '../lib.js';

function nsPerOp(name: string, n: number, ms: number, note?: string): BenchResult {
  const r: BenchResult = { name, unit: 'ns/op', heliosdb: round((ms * 1e6) / n) };
  if (note) r.note = note;
  return r;
}

export default {
  name: 'values',
  async run(ctx) {
    const N = ctx.quick ? 20_000 : 200_000;
    const rand = rng(7);
    const ints: bigint[] = Array.from({ length: N }, () => BigInt(Math.floor(rand() * 1e9)));
    const reals: number[] = Array.from({ length: N }, () => rand() * 1e6);
    const words: string[] = Array.from({ length: N }, () => 'name' + Math.floor(rand() * 1e6).toString(36));
    const out: BenchResult[] = [];
    const fctx: FunctionContext = { now: () => new Date(0), changes: () => 0n, totalChanges: () => 0n, lastInsertRowid: () => 0n };

    let sink = 0;
    let ms = await timeMedian(() => {
      for (let i = 1; i < N; i++) sink += compareValues(ints[i]!, ints[i - 1]!);
    });
    out.push(nsPerOp('compareValues INTEGER', N, ms));
    ms = await timeMedian(() => {
      for (let i = 1; i < N; i++) sink += compareValues(words[i]!, words[i - 1]!);
    });
    out.push(nsPerOp('compareValues TEXT', N, ms));
    ms = await timeMedian(() => {
      for (let i = 1; i < N; i++) sink += compareOp('<', ints[i]!, 'INTEGER', '500000000', undefined) === 1n ? 1 : 0;
    });
    out.push(nsPerOp("compareOp INTEGER col < '5e8' text", N, ms));
    ms = await timeMedian(() => {
      for (let i = 1; i < N; i++) sink += add(ints[i]!, 1n) === null ? 0 : 1;
    });
    out.push(nsPerOp('add INTEGER + 1', N, ms));
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += likeMatch('name1%', words[i]!) ? 1 : 0;
    });
    out.push(nsPerOp("LIKE 'name1%'", N, ms));
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += likeMatch('%a_1%z', words[i]!) ? 1 : 0;
    });
    out.push(nsPerOp("LIKE '%a_1%z' (general matcher)", N, ms));
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += realToText(reals[i]!).length;
    });
    out.push(nsPerOp('REAL → TEXT (17 digits)', N, ms));
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += toText(ints[i]!)!.length;
    });
    out.push(nsPerOp('INTEGER → TEXT', N, ms));
    const substr = scalarFunctions.get('substr')!;
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += (substr.call([words[i]!, 2n, 3n], fctx) as string).length;
    });
    out.push(nsPerOp('substr(x, 2, 3)', N, ms));
    const printf = scalarFunctions.get('printf')!;
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += (printf.call(['%08.2f|%s', reals[i]!, words[i]!], fctx) as string).length;
    });
    out.push(nsPerOp("printf('%08.2f|%s')", N, ms));
    const datetime = scalarFunctions.get('datetime')!;
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += (datetime.call([reals[i]! * 1000, 'unixepoch', '+1 month'], fctx) as string).length;
    });
    out.push(nsPerOp("datetime(x, 'unixepoch', '+1 month')", N, ms));
    const jx = scalarFunctions.get('json_extract')!;
    const docs = words.map((w, i) => `{"id":${i},"name":"${w}","tags":[1,2,3]}`);
    ms = await timeMedian(() => {
      for (let i = 0; i < N; i++) sink += jx.call([docs[i]!, '$.name'], fctx) === null ? 0 : 1;
    });
    out.push(nsPerOp("json_extract(doc, '$.name') (distinct docs)", N, ms));

    // aggregates against SQLite over the same values
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t(r REAL, i INTEGER)');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < N; i++) ins.run(reals[i]!, ints[i]!);
    })();
    const sum = aggregateFunctions.get('sum')!;
    const sumOf = (vals: SqlValue[]) => {
      let s = sum.init();
      const a: SqlValue[] = [null];
      for (const v of vals) {
        a[0] = v;
        s = sum.step(s, a);
      }
      return sum.final(s);
    };
    const sqlSumR = db.prepare('SELECT sum(r) FROM t');
    const sqlSumI = db.prepare('SELECT sum(i) FROM t').safeIntegers(true);
    ms = await timeMedian(() => sumOf(reals));
    out.push(timeRow(`sum() of ${N} REALs`, ms, await timeMedian(() => sqlSumR.get()), undefined, 'SQLite includes its table scan'));
    ms = await timeMedian(() => sumOf(ints));
    out.push(timeRow(`sum() of ${N} INTEGERs`, ms, await timeMedian(() => sqlSumI.get()), undefined, 'SQLite includes its table scan'));
    const sqlExpr = db.prepare('SELECT sum(i + 1) FROM t').safeIntegers(true);
    const t0 = now();
    ms = await timeMedian(() => {
      let s = sum.init();
      const a: SqlValue[] = [null];
      for (let i = 0; i < N; i++) {
        a[0] = add(ints[i]!, 1n);
        s = sum.step(s, a);
      }
      return sum.final(s);
    });
    out.push(timeRow(`sum(i + 1) over ${N} INTEGERs`, ms, await timeMedian(() => sqlExpr.get()), undefined, 'SQLite includes its table scan'));
    ctx.log(`values suite done in ${round(now() - t0)} ms (sink ${sink % 7})`);
    db.close();
    return out;
  },
} satisfies Suite;
