/**
 * `heliosdb-nano checkout <branch>`: make a branch the CLI's current branch (kept in the
 * database folder); `-b` creates it first.
 */
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.js';
import { shortId } from '../history-view.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('checkout')
    .alias('switch')
    .description("switch the command line's current branch")
    .argument('<branch>', 'the branch')
    .option('-b, --create', 'create the branch from the current one first')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano checkout dev\n  $ heliosdb-nano checkout -b feature')
    .action(
      ctx.action(async (branch: string, o: { create?: boolean }) => {
        await ctx.withDb(async (db, dir) => {
          if (o.create) await db.branches.create(branch, { from: db.branch });
          const b = db.branches.get(branch);
          if (!b) throw new CliError(`Unknown branch "${branch}" (list them with: heliosdb-nano branch; create with: heliosdb-nano checkout -b ${branch})`, 1, 'REF_NOT_FOUND');
          ctx.setCurrentBranch(dir, branch);
          if (ctx.json) ctx.printJson({ branch, head: b.head, readOnly: b.readOnly });
          else ctx.print(`Switched to ${o.create ? 'a new ' : ''}branch '${branch}' (${shortId(b.head)})${b.readOnly ? ' [read-only]' : ''}`);
        });
      }),
    );
}
