/**
 * `heliosdb-nano pull [remote] [branch]`: fetch a branch and fast-forward or merge the local
 * branch of that name (default: the current branch).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { transferProgress, transferText } from './remote.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('pull')
    .description('fetch a branch from a remote and fast-forward or merge the local branch')
    .argument('[remote]', 'remote name or location', 'origin')
    .argument('[branch]', 'branch (default: the current branch)')
    .option('--token <token>', 'bearer token (HTTP remotes)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano pull\n  $ heliosdb-nano pull origin main')
    .action(
      ctx.action(async (remote: string, branch: string | undefined, o: { token?: string }) => {
        await ctx.withDb(async (db) => {
          const bar = transferProgress(ctx, 'pull');
          try {
            const token = o.token ?? process.env.HELIOSDB_TOKEN;
            const r = await db.pull(remote, branch, { onProgress: bar.onProgress, ...(token ? { token } : {}) });
            bar.stop();
            if (ctx.json) ctx.printJson(r);
            else {
              const what = { 'up-to-date': 'Already up to date.', 'fast-forward': 'Fast-forward', merge: 'Merged', conflicts: 'Merge stopped with conflicts (see: heliosdb-nano conflicts)' }[r.kind];
              ctx.print(`${what} ${r.branch} → ${r.head.slice(0, 12)}`);
              ctx.note(transferText(r.fetch));
              if (r.kind === 'conflicts') process.exitCode = 1;
            }
          } finally {
            bar.stop();
          }
        });
      }),
    );
}
