/**
 * `heliosdb-nano show <ref>`: one commit (author, date, message, parents) and the rows it
 * changed against its first parent.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { changesBetween, dateText, printChanges, printStat, shortId, statOf } from '../history-view.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('show a commit and the rows it changed')
    .argument('[ref]', 'branch, tag, commit id or prefix, ref~k (default: the current branch)')
    .option('--stat', 'only a summary per table')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano show main~1\n  $ heliosdb-nano show v1.0 --stat')
    .action(
      ctx.action(async (ref: string | undefined, o: { stat?: boolean }) => {
        await ctx.withDb(async (db) => {
          const target = ref ?? db.branch;
          const r = await db.resolve(target);
          const [c] = await db.log(r.id, { limit: 1 });
          if (!c) throw new Error(`no commit for ${target}`);
          const parent = c.parents[0];
          const { changes } = parent ? await changesBetween(db, parent, c.id) : { changes: [] };
          if (ctx.json) {
            ctx.printJson({ ...c, timestamp: c.timestamp.toISOString(), changes });
            return;
          }
          ctx.print(ctx.paint('yellow', `commit ${c.id}`));
          if (c.parents.length > 1) ctx.print(`Merge: ${c.parents.map(shortId).join(' ')}`);
          ctx.print(`Author: ${c.author}`);
          ctx.print(`Date:   ${dateText(c.timestamp)} UTC  (transaction ${c.transaction}, scn ${c.scn})`);
          ctx.print('');
          for (const l of c.message.split('\n')) ctx.print(`    ${l}`);
          ctx.print('');
          if (o.stat) printStat(ctx, statOf(changes));
          else printChanges(ctx, changes, parent ? shortId(parent) : '', shortId(c.id));
        });
      }),
    );
}
