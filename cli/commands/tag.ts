/**
 * `heliosdb-nano tag`: list tags; `tag <name> [ref] [-m msg]` creates one; `tag -d <name>`.
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';
import { dateText, shortId } from '../history-view.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('tag')
    .description('list, create or delete tags')
    .argument('[name]', 'tag to create')
    .argument('[ref]', 'what it names (default: the current branch)')
    .option('-m, --message <message>', 'tag message')
    .option('-d, --delete', 'delete the tag NAME')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano tag v1.0 -m "first release"\n  $ heliosdb-nano tag audit main~3\n  $ heliosdb-nano tag -d v1.0')
    .action(
      ctx.action(async (name: string | undefined, ref: string | undefined, o: { message?: string; delete?: boolean }) => {
        await ctx.withDb(async (db) => {
          if (o.delete) {
            if (!name) throw new UsageError('usage: heliosdb-nano tag -d <name>');
            await db.tags.drop(name);
            if (ctx.json) ctx.printJson({ deleted: name });
            else ctx.print(`Deleted tag ${name}`);
            return;
          }
          if (name) {
            const t = await db.tags.create(name, { ...(ref !== undefined ? { ref } : {}), ...(o.message !== undefined ? { message: o.message } : {}) });
            if (ctx.json) ctx.printJson({ ...t, createdAt: t.createdAt.toISOString() });
            else ctx.print(`Tagged ${shortId(t.commit)} as ${t.name}`);
            return;
          }
          const tags = db.tags.list();
          if (ctx.json) ctx.printJson(tags.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })));
          else for (const t of tags) ctx.print(`${t.name}\t${shortId(t.commit)}\t${dateText(t.createdAt)}\t${t.message}`);
        });
      }),
    );
}
