/**
 * `heliosdb-nano commit -m "message"`: record the uncommitted work of the current branch as a
 * commit (manual versioning).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { shortId } from '../history-view.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('commit')
    .description('commit the uncommitted changes of the current branch (manual versioning)')
    .requiredOption('-m, --message <message>', 'the commit message')
    .option('--author <author>', 'the commit author')
    .addHelpText('after', '\nExample:\n  $ heliosdb-nano commit -m "add customers"')
    .action(
      ctx.action(async (o: { message: string; author?: string }) => {
        await ctx.withDb(async (db) => {
          const c = await db.commit({ message: o.message, ...(o.author !== undefined ? { author: o.author } : {}) });
          if (!c) {
            if (ctx.json) ctx.printJson({ committed: false });
            else ctx.print(db.versioning === 'manual' ? 'nothing to commit, working state clean' : 'nothing to commit (versioning is "transaction": every transaction is already a commit)');
            process.exitCode = 1;
            return;
          }
          if (ctx.json) ctx.printJson({ committed: true, ...c, timestamp: c.timestamp.toISOString() });
          else ctx.print(`[${db.branch} ${shortId(c.id)}] ${c.message}`);
        });
      }),
    );
}
