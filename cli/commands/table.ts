/**
 * `heliosdb-nano table import <table> <file>` and `table export <table> [file]`: CSV (with a
 * header line) and JSON lines. Import checks every line first and reports each bad row with its
 * line number; then inserts all rows in one transaction (one commit), so a failure leaves
 * nothing half-imported. A progress bar with rows/s shows on a terminal.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError, type CliContext } from '../context.js';
import { csvField, toJsonText } from '../format.js';
import { describeSqlError, ident, lit } from '../sql-runner.js';

type FileFormat = 'csv' | 'jsonl';

function formatOf(file: string | undefined, given: string | undefined): FileFormat {
  if (given !== undefined) {
    if (given === 'csv' || given === 'jsonl') return given;
    if (given === 'json' || given === 'ndjson') return 'jsonl';
    throw new UsageError(`--format must be csv or jsonl (got '${given}')`);
  }
  const ext = file ? extname(file).toLowerCase() : '';
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
}

/** Records of a CSV text (RFC 4180: quotes, doubled quotes, newlines in quotes), each with its first line number. */
export function parseCsv(text: string): { fields: string[]; quoted: boolean[]; line: number; error?: string }[] {
  const out: { fields: string[]; quoted: boolean[]; line: number; error?: string }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let error: string | undefined;
    for (;;) {
      let f = '';
      let q = false;
      if (text[i] === '"') {
        q = true;
        i++;
        for (;;) {
          if (i >= n) {
            error = 'unterminated quoted field';
            break;
          }
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              f += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          f += ch;
          i++;
        }
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (!error) error = 'text after a closing quote';
          i++;
        }
      } else {
        const s = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        f = text.slice(s, i);
        if (f.includes('"') && !error) error = 'a quote inside an unquoted field';
      }
      fields.push(f);
      quoted.push(q);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    if (fields.length === 1 && fields[0] === '' && !quoted[0]) continue; // blank line
    out.push({ fields, quoted, line: start, ...(error ? { error } : {}) });
  }
  return out;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('table').description('import or export a table (CSV, JSON lines)');
  cmd
    .command('import')
    .description('load rows from a CSV (header line) or JSON-lines file in one commit')
    .argument('<table>', 'the table (must exist)')
    .argument('<file>', 'the file (.csv, .jsonl)')
    .option('-f, --format <format>', 'csv or jsonl (default: from the file name)')
    .option('-m, --message <message>', 'commit message')
    .option('--empty-string', 'CSV: an empty unquoted field is an empty string, not NULL')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano table import customers customers.csv\n  $ heliosdb-nano table import events events.jsonl -m "load events"')
    .action(
      ctx.action(async (table: string, file: string, o: { format?: string; message?: string; emptyString?: boolean }) => {
        const format = formatOf(file, o.format);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
        }
        const bad: string[] = [];
        let columns: string[] = [];
        const rows: { values: unknown[]; line: number }[] = [];
        if (format === 'csv') {
          const recs = parseCsv(text);
          const head = recs.shift();
          if (!head) throw new CliError(`${file} is empty (a CSV file needs a header line)`);
          columns = head.fields.map((f) => f.trim());
          for (const r of recs) {
            if (r.error) bad.push(`${file}:${r.line}: ${r.error}`);
            else if (r.fields.length !== columns.length) bad.push(`${file}:${r.line}: expected ${columns.length} fields, found ${r.fields.length}`);
            else rows.push({ values: r.fields.map((f, i) => (f === '' && !r.quoted[i] && !o.emptyString ? null : f)), line: r.line });
          }
        } else {
          const seen = new Set<string>();
          const objs: { obj: Record<string, unknown>; line: number }[] = [];
          text.split('\n').forEach((l, idx) => {
            if (l.trim() === '') return;
            try {
              const v: unknown = JSON.parse(l);
              if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
              for (const k of Object.keys(v)) seen.add(k);
              objs.push({ obj: v as Record<string, unknown>, line: idx + 1 });
            } catch (e) {
              bad.push(`${file}:${idx + 1}: ${e instanceof SyntaxError ? `invalid JSON (${e.message})` : (e as Error).message}`);
            }
          });
          columns = [...seen];
          for (const { obj, line } of objs) {
            rows.push({ values: columns.map((c) => { const v = obj[c]; return v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v; }), line });
          }
        }
        if (bad.length > 0) {
          for (const b of bad.slice(0, 20)) ctx.err.write(`${b}\n`);
          if (bad.length > 20) ctx.err.write(`… and ${bad.length - 20} more\n`);
          throw new CliError(`${bad.length} bad row${bad.length === 1 ? '' : 's'} in ${file}; nothing imported`, 1, 'IMPORT_BAD_ROWS');
        }
        await ctx.withDb(async (db) => {
          const sql = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
          let stmt;
          try {
            stmt = db.prepare(sql);
          } catch (e) {
            throw new CliError(describeSqlError(e, sql), 1, 'IMPORT_FAILED');
          }
          const t0 = performance.now();
          const bar = ctx.progress(`Importing ${table}`, rows.length);
          let current = 0;
          try {
            await db.transaction(
              async () => {
                for (let i = 0; i < rows.length; i++) {
                  current = rows[i]!.line;
                  await stmt.run(rows[i]!.values);
                  if ((i & 1023) === 0) bar.update(i);
                }
                bar.update(rows.length);
              },
              { message: o.message ?? `Import ${rows.length} rows into ${table} from ${file}` },
            )();
            if (db.versioning === 'manual') await db.commit({ message: o.message ?? `Import ${rows.length} rows into ${table} from ${file}` });
          } catch (e) {
            bar.stop();
            throw new CliError(`${file}:${current}: ${e instanceof Error ? e.message : String(e)}; nothing imported`, 1, 'IMPORT_FAILED');
          }
          bar.stop();
          const secs = (performance.now() - t0) / 1000;
          const rate = Math.round(rows.length / Math.max(secs, 0.001));
          if (ctx.json) ctx.printJson({ table, rows: rows.length, seconds: Number(secs.toFixed(3)), rowsPerSecond: rate });
          else ctx.print(`Imported ${rows.length} row${rows.length === 1 ? '' : 's'} into ${table} in ${secs.toFixed(2)} s (${rate} rows/s)`);
        });
      }),
    );
  cmd
    .command('export')
    .description('write a table as CSV or JSON lines (to a file or stdout)')
    .argument('<table>', 'the table')
    .argument('[file]', 'output file (default: stdout)')
    .option('-f, --format <format>', 'csv or jsonl (default: from the file name, else csv)')
    .option('--as-of <ref>', 'export a past version (a ref: branch, tag, commit, main~1)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano table export customers customers.csv\n  $ heliosdb-nano table export events --format jsonl --as-of v1.0 > events.jsonl')
    .action(
      ctx.action(async (table: string, file: string | undefined, o: { format?: string; asOf?: string }) => {
        const format = formatOf(file, o.format);
        await ctx.withDb(async (db) => {
          const sql = `SELECT * FROM ${ident(table)}${o.asOf !== undefined ? ` AS OF ${lit(o.asOf)}` : ''}`;
          const stmt = db.prepare<Record<string, unknown>>(sql);
          const cols = stmt.columns().map((c) => c.name);
          const sink: NodeJS.WritableStream = file === undefined ? ctx.out : createWriteStream(file);
          const t0 = performance.now();
          let n = 0;
          let buf = format === 'csv' ? `${cols.map(csvField).join(',')}\n` : '';
          for await (const row of stmt.iterate()) {
            buf += format === 'csv' ? `${cols.map((c) => csvField(row[c])).join(',')}\n` : `${toJsonText(row)}\n`;
            n++;
            if (buf.length > 65536) {
              if (!sink.write(buf)) await new Promise<void>((r) => sink.once('drain', () => r()));
              buf = '';
            }
          }
          sink.write(buf);
          if (file !== undefined) {
            await new Promise<void>((res, rej) => {
              sink.once('error', rej);
              sink.end(() => res());
            });
          }
          const secs = (performance.now() - t0) / 1000;
          if (file !== undefined) {
            if (ctx.json) ctx.printJson({ table, rows: n, file });
            else ctx.print(`Exported ${n} row${n === 1 ? '' : 's'} of ${table} to ${file} in ${secs.toFixed(2)} s (${Math.round(n / Math.max(secs, 0.001))} rows/s)`);
          }
        });
      }),
    );
}
