/**
 * Parses every `statement` and `query` body of a sqllogictest corpus and reports the parse
 * rate, the failures and the parse speed. Not part of `npm test` (the corpus lives outside the
 * repository); run it by hand:
 *
 *   npx tsx test/sql/parser/corpus-check.ts ../shared/sqllogictest/dev [--list] [--compare-sqlite]
 *
 * `--compare-sqlite` also prepares every distinct body with SQLite (better-sqlite3) and counts
 * the bodies where exactly one of the two parsers reports a syntax error, and the syntax
 * errors whose message (offending token) differs from SQLite's.
 *
 * Records are read as FORMAT.md describes (comments dropped, records split at blank lines,
 * query bodies end at `----`). A record "applies to sqlite" unless `onlyif <other>` or
 * `skipif sqlite` precedes it. `statement error` records may fail to parse.
 */
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../../src/sql/parser/index.js';
import { recognizerStats } from '../../../src/sql/parser/recognizer.js';

export interface CorpusRecord {
  file: string;
  line: number;
  kind: 'statement ok' | 'statement error' | 'query';
  sqlite: boolean;
  sql: string;
}

export function readCorpus(path: string): CorpusRecord[] {
  const files: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
    else if (p.endsWith('.test')) files.push(p);
  };
  walk(path);
  const out: CorpusRecord[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
    let i = 0;
    while (i < lines.length) {
      // gather one record: consecutive non-blank lines (comments dropped)
      const rec: { text: string; line: number }[] = [];
      while (i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() !== '')) {
        if (!lines[i]!.startsWith('#')) rec.push({ text: lines[i]!, line: i + 1 });
        i++;
      }
      while (i < lines.length && lines[i]!.trim() === '' ) i++;
      if (rec.length === 0) {
        if (i < lines.length && lines[i]!.startsWith('#')) continue;
        if (i >= lines.length) break;
        continue;
      }
      let sqlite = true;
      let k = 0;
      while (k < rec.length && /^(skipif|onlyif)\s/.test(rec[k]!.text)) {
        const [cond, engine] = rec[k]!.text.split(/\s+/);
        if (cond === 'skipif' && engine!.toLowerCase() === 'sqlite') sqlite = false;
        if (cond === 'onlyif' && engine!.toLowerCase() !== 'sqlite') sqlite = false;
        k++;
      }
      const head = rec[k]?.text ?? '';
      let kind: CorpusRecord['kind'] | undefined;
      if (head.startsWith('statement ok')) kind = 'statement ok';
      else if (head.startsWith('statement error')) kind = 'statement error';
      else if (head.startsWith('query')) kind = 'query';
      if (!kind) continue;
      const body: string[] = [];
      for (let j = k + 1; j < rec.length; j++) {
        if (kind === 'query' && rec[j]!.text === '----') break;
        body.push(rec[j]!.text);
      }
      out.push({ file, line: rec[k]!.line, kind, sqlite, sql: body.join('\n') });
    }
  }
  return out;
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx test/sql/parser/corpus-check.ts <corpus dir> [--list]');
    process.exit(2);
  }
  const list = process.argv.includes('--list');
  const records = readCorpus(dir);
  const counts = { all: 0, allOk: 0, sqlite: 0, sqliteOk: 0, errorRecords: 0, errorRecordsParsed: 0 };
  const failures: { r: CorpusRecord; message: string }[] = [];
  const t0 = performance.now();
  for (const r of records) {
    let ok = true;
    let message = '';
    try {
      parse(r.sql);
    } catch (e) {
      ok = false;
      message = (e as Error).message;
    }
    if (r.kind === 'statement error') {
      counts.errorRecords++;
      if (ok) counts.errorRecordsParsed++;
      continue;
    }
    counts.all++;
    if (ok) counts.allOk++;
    if (r.sqlite) {
      counts.sqlite++;
      if (ok) counts.sqliteOk++;
    }
    if (!ok) failures.push({ r, message });
  }
  const ms = performance.now() - t0;
  const llOnSuccess = recognizerStats.llFallbacks - failures.length - (counts.errorRecords - counts.errorRecordsParsed);
  const pct = (a: number, b: number): string => ((100 * a) / Math.max(1, b)).toFixed(4);
  console.log(`records: ${records.length} parsed in ${ms.toFixed(0)} ms (${((records.length / ms) * 1000).toFixed(0)} records/s)`);
  console.log(`statement ok + query, all engines: ${counts.allOk}/${counts.all} = ${pct(counts.allOk, counts.all)}%`);
  console.log(`statement ok + query, applying to sqlite: ${counts.sqliteOk}/${counts.sqlite} = ${pct(counts.sqliteOk, counts.sqlite)}%`);
  console.log(`statement error records that parse (allowed either way): ${counts.errorRecordsParsed}/${counts.errorRecords}`);
  console.log(`parses that needed the LL fallback and succeeded: ${llOnSuccess}`);
  const shown = list ? failures : failures.slice(0, 40);
  for (const { r, message } of shown) {
    console.log(`${r.sqlite ? 'SQLITE' : 'other '} ${r.file}:${r.line} ${r.kind}: ${message}\n    ${r.sql.replace(/\n/g, '\n    ')}`);
  }
  if (shown.length < failures.length) console.log(`... ${failures.length - shown.length} more (use --list)`);
  if (process.argv.includes('--compare-sqlite')) compareWithSqlite(records);
}

function compareWithSqlite(records: CorpusRecord[]): void {
  const db = new Database(':memory:');
  const syntax = /syntax error|unrecognized token|incomplete input/;
  const seen = new Set<string>();
  let distinct = 0;
  let onlyOurs = 0;
  let onlySqlite = 0;
  let bothFail = 0;
  let sameMessage = 0;
  for (const r of records) {
    if (seen.has(r.sql)) continue;
    seen.add(r.sql);
    distinct++;
    let ours = '';
    try {
      parse(r.sql);
    } catch (e) {
      ours = (e as Error).message.replace(/ \(at line \d+, column \d+\)$/, '');
    }
    let theirs = '';
    try {
      db.prepare(r.sql);
    } catch (e) {
      theirs = (e as Error).message;
    }
    const sqliteFails = syntax.test(theirs);
    if (ours && !sqliteFails) {
      onlyOurs++;
      console.log(`we reject, SQLite parses: ${r.file}:${r.line}: ${ours}\n    ${r.sql}`);
    } else if (!ours && sqliteFails) {
      onlySqlite++;
      console.log(`we parse, SQLite rejects: ${r.file}:${r.line}: ${theirs}\n    ${r.sql}`);
    } else if (ours) {
      bothFail++;
      if (ours === theirs) sameMessage++;
    }
  }
  console.log(
    `SQLite comparison: ${distinct} distinct bodies; rejected only by us: ${onlyOurs}; only by SQLite: ${onlySqlite}; ` +
      `by both: ${bothFail}, same message: ${sameMessage}`,
  );
}

if (process.argv[1] && process.argv[1].endsWith('corpus-check.ts')) main();
