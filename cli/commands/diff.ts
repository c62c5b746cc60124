/**
 * `heliosdb-nano diff [from [to]]`: rows that differ between two versions (default: the
 * current branch's head against its current state, i.e. uncommitted work), coloured like git
 * diff; `--stat`, `--schema`, `--table t`, `--format table|csv|json|jsonl`.
 */
import type { Command } from 'commander';
import { parseFormat, type CliContext } from '../context.js';
import { changesBetween, printChanges, printStat, statOf } from '../history-view.js';
import { lit } from '../sql-runner.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description('show row (and schema) differences between versions')
    .argument('[from]', 'the older version (default: the head of the current branch)')
    .argument('[to]', 'the newer version (default: the current state)')
    .option('--stat', 'a summary per table')
    .option('--schema', 'schema differences instead of rows')
    .option('-t, --table <table>', 'only this table')
    .option('-f, --format <format>', 'table, csv, json or jsonl instead of the git-like text')
    .addHelpText('after', "\nExamples:\n  $ heliosdb-nano diff main dev --stat\n  $ heliosdb-nano diff main~1 --table users\n  $ heliosdb-nano diff v1 v2 --schema")
    .action(
      ctx.action(async (from: string | undefined, to: string | undefined, o: { stat?: boolean; schema?: boolean; table?: string; format?: string }) => {
        const format = o.format !== undefined ? parseFormat(o.format) : ctx.json ? 'json' : undefined;
        await ctx.withDb(async (db) => {
          const a = from ?? db.branch;
          const fromLabel = a;
          const toLabel = to ?? (from === undefined ? 'working state' : db.branch);
          if (o.schema) {
            const rows = await db.query<Record<string, unknown>>(`SELECT name, kind, diff_type, from_sql, to_sql FROM heliosdb_schema_diff(${lit(a)}, ${lit(to ?? db.branch)})`);
            if (format) return ctx.printRows(rows, undefined, format);
            for (const r of rows) {
              ctx.print(ctx.paint('bold', `${r.kind} ${r.name}: ${r.diff_type}`));
              if (r.from_sql) ctx.print(ctx.paint('red', `- ${r.from_sql as string}`));
              if (r.to_sql) ctx.print(ctx.paint('green', `+ ${r.to_sql as string}`));
            }
            return;
          }
          const { changes } = await changesBetween(db, a, to, o.table);
          if (o.stat) {
            const s = statOf(changes);
            if (format) return ctx.printRows(s, ['table', 'added', 'modified', 'removed'], format);
            return printStat(ctx, s);
          }
          if (format) {
            return ctx.printRows(
              changes.map((c) => ({ table: c.table, change: c.type, from: c.from, to: c.to })),
              ['table', 'change', 'from', 'to'],
              format,
            );
          }
          printChanges(ctx, changes, fromLabel, toLabel);
        });
      }),
    );
}
