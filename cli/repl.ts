/**
 * The interactive SQL shell (node:readline): multi-line statements ended by `;`, persistent
 * history (`~/.heliosdb_history`, or `HELIOSDB_HISTORY`), meta-commands (`\branches`, `\use`,
 * `\log`, `\dt`, `\d`, `\timing`, `\format`, `\help`, `\q`), a prompt showing the branch and
 * marking read-only (`heliosdb [audit ro]>`), aligned tables with a row count, and errors that
 * point at the position in the statement. Ctrl-C while a statement runs cancels it (`INTERRUPTED`,
 * its changes undone, the shell and any open transaction stay; see ./ctrl-c.ts); Ctrl-C at the
 * prompt ends the shell. `HELIOSDB_REPL_CTRL_C=1` arms the Ctrl-C watcher without a terminal (tests).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Database } from '../src/index.js';
import { parseFormat, type CliContext, type OutputFormat } from './context.js';
import { splitSql, onlyComments } from './format.js';
import { describeSqlError, lit, runStatement } from './sql-runner.js';
import { shortId } from './history-view.js';
import { CtrlC } from './ctrl-c.js';

const HELP = `Meta-commands:
  \\branches          list branches (* marks the current one)
  \\use <branch>      switch this shell to a branch
  \\log [n]           the last n commits of the branch (default 10)
  \\dt                list tables
  \\d <table>         describe a table's columns
  \\timing            toggle timing of statements
  \\format <f>        output format: table, csv, json, jsonl
  \\help              this help
  \\q                 quit
SQL statements end with ';' and may span lines. Examples:
  SELECT * FROM t AS OF TIMESTAMP '2026-01-01 00:00:00';
  CREATE BRANCH dev FROM main;  USE BRANCH dev;  MERGE BRANCH dev INTO main;`;

function historyFile(ctx: CliContext): string {
  return ctx.env.HELIOSDB_HISTORY || join(ctx.env.HOME || homedir(), '.heliosdb_history');
}

/** Run the REPL on the database in `dir` until `\q` or end of input. */
export async function startRepl(ctx: CliContext, options: { dir?: string; branch?: string; format?: OutputFormat } = {}): Promise<void> {
  const { db } = await ctx.openDb({ ...(options.dir !== undefined ? { dir: options.dir } : {}), ...(options.branch !== undefined ? { branch: options.branch } : {}) });
  const input = process.stdin;
  const terminal = input.isTTY === true && ctx.out.isTTY === true;
  const histPath = historyFile(ctx);
  let history: string[] = [];
  try {
    if (existsSync(histPath)) history = readFileSync(histPath, 'utf8').split('\n').filter((l) => l !== '').reverse().slice(0, 1000);
  } catch {
    history = [];
  }
  const rl = createInterface({ input, output: ctx.out, terminal, history, historySize: 1000, removeHistoryDuplicates: true });
  const state: ReplState = { format: options.format ?? ('table' as OutputFormat), timing: false, buffer: '', quit: false, ctrlC: undefined };
  if (terminal || ctx.env.HELIOSDB_REPL_CTRL_C === '1') state.ctrlC = new CtrlC(input, () => rl.close());
  const prompt = () => {
    const ro = db.readOnly ? ' ro' : '';
    const p = state.buffer.trim() === '' ? `heliosdb [${db.branch}${ro}]> ` : `${' '.repeat(`heliosdb [${db.branch}${ro}]`.length - 3)}...> `;
    rl.setPrompt(ctx.paint('cyan', p));
    rl.prompt();
  };
  if (terminal) ctx.print(`HeliosDB Nano — ${db.path ?? 'in memory'} (${db.versioning} versioning). Type \\help for help, \\q to quit.`);
  const remember = (line: string) => {
    if (!terminal || line.trim() === '') return;
    try {
      appendFileSync(histPath, `${line.replace(/\n/g, ' ')}\n`);
    } catch {
      // history is best effort
    }
  };
  prompt();
  try {
    for await (const line of rl) {
      remember(line);
      if (state.buffer.trim() === '' && line.trim().startsWith('\\')) {
        await meta(ctx, db, line.trim(), state);
        if (state.quit) break;
        prompt();
        continue;
      }
      state.buffer += `${line}\n`;
      const { statements, rest } = splitSql(state.buffer);
      state.buffer = onlyComments(rest) ? '' : rest;
      for (const s of statements) await runOne(ctx, db, s.sql, state);
      prompt();
    }
    if (!state.quit && state.buffer.trim() !== '') await runOne(ctx, db, state.buffer.trim(), state);
  } finally {
    rl.close();
    await state.ctrlC?.close();
    await db.close();
    if (!terminal) ctx.print('');
  }
}

interface ReplState {
  format: OutputFormat;
  timing: boolean;
  buffer: string;
  quit: boolean;
  ctrlC: CtrlC | undefined;
}

async function runOne(ctx: CliContext, db: Database, sql: string, state: ReplState): Promise<void> {
  const t0 = performance.now();
  try {
    const c = state.ctrlC;
    const r = c ? await c.run((signal) => runStatement(db, sql, { signal })) : await runStatement(db, sql);
    const ms = performance.now() - t0;
    if (r.reader) ctx.printRows(r.rows, r.columns, state.format);
    else ctx.print(`OK${r.changes > 0 ? `, ${r.changes} row${r.changes === 1 ? '' : 's'} changed` : ''}`);
    if (state.timing) ctx.print(ctx.paint('dim', `Time: ${ms.toFixed(3)} ms`));
  } catch (e) {
    ctx.err.write(`${ctx.paint('red', 'error:')} ${describeSqlError(e, sql)}\n`);
  }
}

async function meta(ctx: CliContext, db: Database, line: string, state: { format: OutputFormat; timing: boolean; quit: boolean }): Promise<void> {
  const [cmd, ...args] = line.split(/\s+/);
  try {
    switch (cmd) {
      case '\\q':
      case '\\quit':
        state.quit = true;
        return;
      case '\\help':
      case '\\?':
      case '\\h':
        ctx.print(HELP);
        return;
      case '\\branches': {
        const rows = db.branches.list().map((b) => ({ ' ': b.name === db.branch ? '*' : '', name: b.name, head: shortId(b.head), read_only: b.readOnly ? 'yes' : '', description: b.description }));
        ctx.printRows(rows, undefined, state.format);
        return;
      }
      case '\\use': {
        if (!args[0]) throw new Error('usage: \\use <branch>');
        await db.useBranch(args[0]);
        ctx.print(`Now on branch ${db.branch}${db.readOnly ? ' (read-only)' : ''}`);
        return;
      }
      case '\\log': {
        const n = args[0] ? Number(args[0]) : 10;
        const log = await db.log(undefined, { limit: Number.isInteger(n) && n > 0 ? n : 10 });
        for (const c of log) ctx.print(`${ctx.paint('yellow', shortId(c.id))} ${c.timestamp.toISOString().replace('T', ' ').slice(0, 19)} ${c.author}  ${c.message.split('\n')[0]}`);
        return;
      }
      case '\\dt': {
        const rows = await db.query<Record<string, unknown>>('SHOW TABLES');
        ctx.printRows(rows, undefined, state.format);
        return;
      }
      case '\\d': {
        if (!args[0]) {
          ctx.printRows(await db.query<Record<string, unknown>>('SHOW TABLES'), undefined, state.format);
          return;
        }
        const rows = await db.query<Record<string, unknown>>(`PRAGMA table_info(${lit(args[0])})`);
        if (rows.length === 0) throw new Error(`no such table: ${args[0]}`);
        ctx.printRows(
          rows.map((r) => ({ column: r.name, type: r.type, 'not null': r.notnull ? 'yes' : '', default: r.dflt_value, pk: r.pk ? r.pk : '' })),
          undefined,
          state.format,
        );
        return;
      }
      case '\\timing':
        state.timing = args[0] === 'on' ? true : args[0] === 'off' ? false : !state.timing;
        ctx.print(`Timing is ${state.timing ? 'on' : 'off'}.`);
        return;
      case '\\format':
        if (!args[0]) ctx.print(`Output format is ${state.format}.`);
        else {
          state.format = parseFormat(args[0]);
          ctx.print(`Output format is ${state.format}.`);
        }
        return;
      default:
        throw new Error(`unknown meta-command ${cmd} (try \\help)`);
    }
  } catch (e) {
    ctx.err.write(`${ctx.paint('red', 'error:')} ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
