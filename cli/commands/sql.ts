/**
 * `heliosdb-nano sql`: the REPL, or a script from `-q`, a file, or piped stdin, with
 * `--branch`, `--format table|csv|json|jsonl` (jsonl: one line per statement,
 * `{"ok":true,"rows":[…],"changes":n}` or `{"ok":false,"error":{"code","message"}}`), stopping
 * at the first error unless `--continue-on-error`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, parseFormat, UsageError, type CliContext, type OutputFormat } from '../context.js';
import { splitSql, toJsonText } from '../format.js';
import { startRepl } from '../repl.js';
import { describeSqlError, errorJson, runStatement } from '../sql-runner.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('sql')
    .description('run SQL: an interactive shell, -q "…", a script file, or piped stdin')
    .argument('[file]', 'a SQL script to run')
    .option('-q, --query <sql>', 'run these statements and exit')
    .option('-b, --branch <branch>', 'run on this branch (default: the current branch)')
    .option('-f, --format <format>', 'output format: table, csv, json, jsonl')
    .option('--continue-on-error', 'keep going after a failing statement')
    .option('-i, --interactive', 'the interactive shell even when stdin is not a terminal')
    .addHelpText(
      'after',
      `
Examples:
  $ heliosdb-nano sql                                   # interactive shell
  $ heliosdb-nano sql -q "SELECT * FROM users AS OF 'main~1'"
  $ heliosdb-nano sql --format jsonl migrate.sql
  $ echo "SELECT 1;" | heliosdb-nano sql --format csv`,
    )
    .action(
      ctx.action(async (file: string | undefined, o: { query?: string; branch?: string; format?: string; continueOnError?: boolean; interactive?: boolean }) => {
        const format: OutputFormat = o.format !== undefined ? parseFormat(o.format) : ctx.json ? 'json' : 'table';
        if (o.query !== undefined && file !== undefined) throw new UsageError('give either -q or a file, not both');
        let text: string | undefined = o.query;
        let source: string | undefined;
        if (file !== undefined) {
          try {
            text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
          } catch (e) {
            throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
          }
          source = file;
        } else if (text === undefined && (o.interactive || process.stdin.isTTY === true)) {
          await startRepl(ctx, { ...(o.branch !== undefined ? { branch: o.branch } : {}), format });
          return;
        } else if (text === undefined) {
          text = await readStdin();
          source = '<stdin>';
        }
        const ok = await runScript(ctx, text ?? '', { ...(o.branch !== undefined ? { branch: o.branch } : {}), format, continueOnError: o.continueOnError === true, ...(source ? { source } : {}) });
        if (!ok) process.exitCode = 1;
      }),
    );
}

/** Run a script; false when a statement failed. */
export async function runScript(ctx: CliContext, text: string, o: { branch?: string; format: OutputFormat; continueOnError: boolean; source?: string }): Promise<boolean> {
  const { statements, rest } = splitSql(text);
  if (rest.trim() !== '' && rest.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() !== '') statements.push({ sql: rest.trim(), line: text.slice(0, text.length - rest.length).split('\n').length + (rest.match(/^\s*/)![0].split('\n').length - 1) });
  let ok = true;
  const jsonAll: unknown[] = [];
  await ctx.withDb(
    async (db) => {
      for (const s of statements) {
        try {
          const r = await runStatement(db, s.sql);
          switch (o.format) {
            case 'jsonl':
              ctx.print(toJsonText({ ok: true, rows: r.rows, changes: r.changes }));
              break;
            case 'json':
              if (r.reader) jsonAll.push(r.rows);
              break;
            case 'csv':
              if (r.reader) ctx.printRows(r.rows, r.columns, o.format);
              break;
            default:
              if (r.reader) ctx.printRows(r.rows, r.columns, o.format);
              else ctx.print(ctx.paint('dim', `OK${r.changes > 0 ? `, ${r.changes} row${r.changes === 1 ? '' : 's'} changed` : ''}`));
          }
        } catch (e) {
          ok = false;
          if (o.format === 'jsonl') ctx.print(toJsonText({ ok: false, error: errorJson(e) }));
          else ctx.err.write(`${ctx.paint('red', 'error:')} ${describeSqlError(e, s.sql, { firstLine: s.line, ...(o.source ? { source: o.source } : {}) })}\n`);
          if (!o.continueOnError) break;
        }
      }
    },
    o.branch !== undefined ? { branch: o.branch } : {},
  );
  if (o.format === 'json') ctx.print(toJsonText(jsonAll.length === 1 ? jsonAll[0] : jsonAll, 2));
  return ok;
}
