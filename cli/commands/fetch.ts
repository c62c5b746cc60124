/**
 * `heliosdb-nano fetch [remote] [branch…]`: download what a remote has that this database
 * lacks, into remote-tracking refs (`origin/main`).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { transferProgress, transferText } from './remote.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('fetch')
    .description('download branches and tags of a remote into remote-tracking refs (origin/main)')
    .argument('[remote]', 'remote name or location', 'origin')
    .argument('[branches...]', 'only these branches (default: all)')
    .option('--token <token>', 'bearer token (HTTP remotes)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano fetch\n  $ heliosdb-nano fetch origin main\n  $ heliosdb-nano sql "SELECT * FROM orders AS OF \'origin/main\'"')
    .action(
      ctx.action(async (remote: string, branches: string[], o: { token?: string }) => {
        await ctx.withDb(async (db) => {
          const bar = transferProgress(ctx, 'fetch');
          try {
            const token = o.token ?? process.env.HELIOSDB_TOKEN;
            const r = await db.fetch(remote, branches.length > 0 ? branches : undefined, { onProgress: bar.onProgress, ...(token ? { token } : {}) });
            bar.stop();
            if (ctx.json) ctx.printJson(r);
            else {
              for (const u of r.updated) ctx.print(`${u.from ? u.from.slice(0, 12) + '..' : '[new] '}${u.to.slice(0, 12)}  ${u.ref}`);
              ctx.note(transferText(r));
            }
          } finally {
            bar.stop();
          }
        });
      }),
    );
}
