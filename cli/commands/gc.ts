/**
 * `heliosdb-nano gc [--dry-run]`: prune history outside the retention policy (heliosdb.toml
 * `[snapshot]`), sweep the chunks only pruned history (or nothing) reached, and report the
 * on-disk size before and after.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatBytes } from '../format.js';

function mb(n: number | undefined): string {
  return n === undefined ? '-' : formatBytes(n);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('gc')
    .description('garbage-collect: prune history outside the retention policy and sweep unreachable data')
    .option('--dry-run', 'report what would be pruned and swept; change nothing')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano gc --dry-run\n  $ heliosdb-nano gc --json')
    .action(
      ctx.action(async (opts: { dryRun?: boolean }) => {
        await ctx.withDb(async (db) => {
          const r = await db.gc({ dryRun: opts.dryRun === true });
          if (ctx.json) {
            ctx.printJson(r);
            return;
          }
          ctx.print(`${r.dryRun ? 'Dry run: would prune' : 'Pruned'} ${r.commitsPruned} version(s) (policy: ${r.policy}); ${r.prunedTotal} pruned in total, ${r.commitsKept} kept`);
          ctx.print(`${r.dryRun ? 'Would sweep' : 'Swept'} ${r.chunksSwept} chunk(s), ${mb(r.bytesSwept)}; kept ${r.chunksKept} chunk(s), ${mb(r.bytesKept)}`);
          if (r.missing > 0) ctx.warn(`${r.missing} chunk(s) are missing: nothing was swept; run heliosdb-nano fsck`);
          if (r.dryRun) ctx.print(`On disk: ${mb(r.sizeBefore)}  (${Math.round(r.durationMs)} ms)`);
          else ctx.print(`On disk: ${mb(r.sizeBefore)} before, ${mb(r.sizeAfter)} after  (${Math.round(r.durationMs)} ms)`);
        });
      }),
    );
}
