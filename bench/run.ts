/**
 * `npm run bench [-- --quick] [suite…]`: runs the suites in bench/suites/, prints one table
 * comparing HeliosDB Nano with SQLite (better-sqlite3) and writes bench/results.json: the rows
 * of the suites that ran replace that suite's earlier rows; other suites' rows are kept (so
 * running one suite never loses another's figures). `--quick` runs write nothing.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, Suite } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.ts'))
  .sort();
const all: (BenchResult & { suite: string })[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, 'suites', file)).href)) as { default: Suite };
  const suite = mod.default;
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  const tmpDir = mkdtempSync(join(tmpdir(), `hdb-bench-${suite.name}-`));
  process.stderr.write(`\n== ${suite.name}\n`);
  try {
    const results = await suite.run({ quick, tmpDir, log: (m) => process.stderr.write(`   ${m}\n`) });
    for (const r of results) all.push({ suite: suite.name, ...r });
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

const rows = all.map((r) => [
  r.suite,
  r.name,
  r.unit,
  String(r.heliosdb),
  r.sqlite === undefined ? '' : String(r.sqlite),
  r.ratio === undefined ? '' : `${r.ratio}×`,
  r.target ?? '',
  r.note ?? '',
]);
const head = ['suite', 'benchmark', 'unit', 'heliosdb', 'sqlite', 'ratio', 'target', 'note'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('\nratio = HeliosDB Nano cost ÷ SQLite cost for the same work (below 1: HeliosDB Nano is faster)');
// HDB_BENCH_ONLY (a suite's single-case knob) runs part of a suite: keep results.json as it is.
if (!quick && !process.env.HDB_BENCH_ONLY) {
  const file = join(here, 'results.json');
  const ran = new Set(all.map((r) => r.suite));
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { name: string }[]).filter((r) => !ran.has(r.name.slice(0, r.name.indexOf(':'))))
    : [];
  const fresh = all.map(({ suite, ...r }) => ({ ...r, name: `${suite}: ${r.name}` }));
  const merged = [...kept, ...fresh].sort((a, b) => a.name.slice(0, a.name.indexOf(':')).localeCompare(b.name.slice(0, b.name.indexOf(':'))));
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
}
