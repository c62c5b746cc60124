/**
 * `heliosdb-nano fetch [remote] [branch…] [--tags] [--prune]`: download what a remote has that
 * this database lacks, into remote-tracking refs (`origin/main`), with the tags on the fetched
 * history (all with --tags); --prune deletes remote-tracking refs of branches gone from the remote.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { reportFetch, transferProgress } from './remote.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('fetch')
    .description('download branches and tags of a remote into remote-tracking refs (origin/main)')
    .argument('[remote]', 'remote name or location', 'origin')
    .argument('[branches...]', 'only these branches (default: all)')
    .option('--tags', 'fetch every tag of the remote (default: the tags on the fetched history)')
    .option('-p, --prune', 'delete remote-tracking refs whose branch no longer exists on the remote')
    .option('--token <token>', 'bearer token (HTTP remotes)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano fetch\n  $ heliosdb-nano fetch origin main\n  $ heliosdb-nano fetch --prune --tags\n  $ heliosdb-nano sql "SELECT * FROM orders AS OF \'origin/main\'"')
    .action(
      ctx.action(async (remote: string, branches: string[], o: { token?: string; tags?: boolean; prune?: boolean }) => {
        await ctx.withDb(async (db) => {
          const bar = transferProgress(ctx, 'fetch');
          try {
            const token = o.token ?? process.env.HELIOSDB_TOKEN;
            const r = await db.fetch(remote, branches.length > 0 ? branches : undefined, { onProgress: bar.onProgress, tags: o.tags === true, prune: o.prune === true, ...(token ? { token } : {}) });
            bar.stop();
            reportFetch(ctx, r);
          } finally {
            bar.stop();
          }
        });
      }),
    );
}
