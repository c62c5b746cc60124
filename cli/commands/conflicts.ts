/**
 * `heliosdb-nano conflicts [table]`: the conflicts of the merge in progress (data and schema
 * conflicts, constraint violations); `conflicts resolve --ours|--theirs [table]` resolves them.
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';
import { ident, lit } from '../sql-runner.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('conflicts')
    .description('list the conflicts of the merge in progress')
    .argument('[table]', 'only this table')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano conflicts\n  $ heliosdb-nano conflicts accounts\n  $ heliosdb-nano conflicts resolve --theirs accounts')
    .action(
      ctx.action(async (table: string | undefined) => {
        await ctx.withDb(async (db) => {
          const rows = await db.query<Record<string, unknown>>(table === undefined ? 'SELECT * FROM heliosdb_conflicts' : `SELECT * FROM heliosdb_conflicts(${lit(table)})`);
          let violations: Record<string, unknown>[] = [];
          try {
            violations = await db.query<Record<string, unknown>>('SELECT * FROM heliosdb_constraint_violations');
          } catch {
            violations = [];
          }
          if (ctx.json) {
            ctx.printJson({ conflicts: rows, constraintViolations: violations });
            return;
          }
          if (rows.length === 0 && violations.length === 0) {
            ctx.print('No conflicts.');
            return;
          }
          if (rows.length > 0) ctx.printRows(rows, undefined, 'table');
          if (violations.length > 0) {
            ctx.print('Constraint violations:');
            ctx.printRows(violations, undefined, 'table');
          }
        });
      }),
    );
  cmd
    .command('resolve')
    .description('resolve conflicts with one side')
    .argument('[table]', 'only this table')
    .option('--ours', "keep the current branch's values")
    .option('--theirs', "take the merged branch's values")
    .addHelpText('after', '\nExample:\n  $ heliosdb-nano conflicts resolve --ours accounts')
    .action(
      ctx.action(async (table: string | undefined, o: { ours?: boolean; theirs?: boolean }) => {
        if (o.ours === o.theirs) throw new UsageError('give exactly one of --ours or --theirs');
        await ctx.withDb(async (db) => {
          const r = await db.query<Record<string, unknown>>(`RESOLVE CONFLICTS${table !== undefined ? ` ON ${ident(table)}` : ''} USING ${o.ours ? 'OURS' : 'THEIRS'}`);
          if (ctx.json) ctx.printJson(r[0] ?? { resolved: true });
          else ctx.print(`Resolved ${r[0] && 'resolved' in r[0] ? `${String(r[0].resolved)} ` : ''}conflicts${table ? ` on ${table}` : ''} using ${o.ours ? 'ours' : 'theirs'}. Finish with: heliosdb-nano merge --continue`);
        });
      }),
    );
}
