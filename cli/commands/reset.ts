/**
 * `heliosdb-nano reset [<ref>] [--hard]`, like git: with a ref, move the current branch's head
 * to that version (recorded in the ref log, so `reset <old head>` undoes it); in manual
 * versioning `--hard` also discards the uncommitted changes, without it they are kept and show
 * against the new head. `reset --hard` alone discards the uncommitted changes. As in git, a
 * hard reset during a merge aborts the merge (a plain `reset <ref>` is refused then).
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';
import { shortId } from '../history-view.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('reset')
    .description('move the current branch to a version, or drop uncommitted changes (--hard)')
    .argument('[ref]', 'the version to reset to: branch, tag, commit id or prefix, ref~k, ref^ (default: the head of the current branch)')
    .option('--hard', 'also discard the uncommitted changes (manual versioning)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano reset --hard\n  $ heliosdb-nano reset main~1 --hard\n  $ heliosdb-nano reset v1.0')
    .action(
      ctx.action(async (ref: string | undefined, o: { hard?: boolean }) => {
        if (ref === undefined && !o.hard) throw new UsageError('reset needs a ref to move the branch to, or --hard to discard uncommitted changes');
        await ctx.withDb(async (db) => {
          const before = await db.status();
          if (ref === undefined) {
            const r = await db.reset({ hard: true });
            // During a merge, status shows the merge's work: that is what the abort dropped.
            const discarded = r.mergeAborted !== undefined ? [] : before;
            if (ctx.json) ctx.printJson({ branch: db.branch, discarded, ...(r.mergeAborted !== undefined ? { mergeAborted: r.mergeAborted } : {}) });
            else {
              if (r.mergeAborted !== undefined) ctx.print(`Merge of ${r.mergeAborted} into ${db.branch} aborted.`);
              if (r.mergeAborted === undefined || discarded.length > 0) ctx.print(discarded.length === 0 ? `Nothing to reset on ${db.branch}.` : `Discarded uncommitted changes in ${discarded.length} table${discarded.length === 1 ? '' : 's'} on ${db.branch}.`);
            }
            return;
          }
          const r = await db.reset(ref, { hard: o.hard === true });
          if (r.mergeAborted !== undefined && !ctx.json) ctx.print(`Merge of ${r.mergeAborted} into ${r.branch} aborted.`);
          const after = await db.status();
          const discarded = o.hard ? before : [];
          if (ctx.json) {
            ctx.printJson({ branch: r.branch, from: r.from, to: r.to, discarded, uncommitted: after, ...(r.mergeAborted !== undefined ? { mergeAborted: r.mergeAborted } : {}) });
            return;
          }
          const [c] = await db.log(r.to, { limit: 1 });
          const subject = (c?.message ?? '').split('\n')[0] ?? '';
          ctx.print(`${r.branch} is now at ${shortId(r.to)} ${subject}`.trimEnd());
          if (r.from !== r.to) ctx.print(`(was ${shortId(r.from)}; undo with 'heliosdb-nano reset ${r.from}${o.hard ? ' --hard' : ''}')`);
          if (discarded.length > 0) ctx.print(`Discarded uncommitted changes in ${discarded.length} table${discarded.length === 1 ? '' : 's'}.`);
          if (after.length > 0) ctx.print(`Uncommitted changes in ${after.length} table${after.length === 1 ? '' : 's'} (see 'heliosdb-nano status').`);
        });
      }),
    );
}
