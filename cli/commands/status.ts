/**
 * `heliosdb-nano status`: the current branch, its head, and (manual versioning) the tables with
 * uncommitted changes; a merge in progress when there is one.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { shortId } from '../history-view.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('show the current branch and uncommitted changes')
    .addHelpText('after', '\nExample:\n  $ heliosdb-nano status --json')
    .action(
      ctx.action(async () => {
        await ctx.withDb(async (db) => {
          const info = db.branches.get(db.branch);
          const changes = await db.status();
          let conflicts: Record<string, unknown>[] = [];
          try {
            conflicts = await db.query<Record<string, unknown>>('SELECT * FROM heliosdb_conflicts');
          } catch {
            conflicts = [];
          }
          if (ctx.json) {
            ctx.printJson({ branch: db.branch, head: info?.head ?? null, readOnly: db.readOnly, versioning: db.versioning, changes, conflicts: conflicts.length });
            return;
          }
          ctx.print(`On branch ${ctx.paint('bold', db.branch)}${db.readOnly ? ' (read-only)' : ''}`);
          if (info) ctx.print(`Head ${ctx.paint('yellow', shortId(info.head))}  (versioning: ${db.versioning})`);
          if (conflicts.length > 0) ctx.print(ctx.paint('red', `You have unresolved merge conflicts (${conflicts.length}). See: heliosdb-nano conflicts`));
          if (changes.length === 0) {
            ctx.print(db.versioning === 'manual' ? 'nothing to commit, working state clean' : 'nothing to commit (every transaction is a commit)');
            return;
          }
          ctx.print('Changes not committed (commit with: heliosdb-nano commit -m "message"):');
          for (const c of changes) ctx.print(`  ${ctx.paint('red', c.status.padEnd(16))} ${c.table}  (+${c.added} ~${c.modified} -${c.removed})`);
        });
      }),
    );
}
