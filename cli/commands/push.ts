/**
 * `heliosdb-nano push [remote] [branch] [--force] [--tags]`: send a branch (default: the
 * current one), and with --tags every local tag, to a remote; fast-forward only unless forced,
 * and a tag the remote has at another commit is refused unless forced.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { transferProgress, transferText } from './remote.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('push')
    .description('send a branch to a remote (fast-forward only unless --force)')
    .argument('[remote]', 'remote name or location', 'origin')
    .argument('[branch]', 'branch (default: the current branch)')
    .option('-f, --force', 'overwrite the remote branch even if it is not a fast-forward (and remote tags that differ)')
    .option('--tags', 'also push every local tag (tags never move on the remote unless --force)')
    .option('--token <token>', 'bearer token the server requires (or HELIOSDB_TOKEN)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano push\n  $ heliosdb-nano push origin feature --token s3cret\n  $ heliosdb-nano push --tags\n  $ heliosdb-nano push usb main     # into a .car bundle remote')
    .action(
      ctx.action(async (remote: string, branch: string | undefined, o: { force?: boolean; token?: string; tags?: boolean }) => {
        await ctx.withDb(async (db) => {
          const bar = transferProgress(ctx, 'push');
          try {
            const token = o.token ?? process.env.HELIOSDB_TOKEN;
            const r = await db.push(remote, branch, { onProgress: bar.onProgress, force: o.force === true, tags: o.tags === true, ...(token ? { token } : {}) });
            bar.stop();
            if (ctx.json) ctx.printJson(r);
            else if (r.upToDate) ctx.print('Everything up to date.');
            else {
              if (r.from !== r.to) ctx.print(`${r.from ? r.from.slice(0, 12) : '[new branch]'}..${r.to.slice(0, 12)}  ${r.branch} → ${r.remote}${o.force ? ' (forced)' : ''}`);
              for (const t of r.tags) ctx.print(`${t.from ? `${t.from.slice(0, 12)}..${t.to.slice(0, 12)}` : `[new tag] ${t.to.slice(0, 12)}`}  ${t.ref} → ${r.remote}${t.from ? ' (forced)' : ''}`);
              ctx.note(transferText(r));
            }
          } finally {
            bar.stop();
          }
        });
      }),
    );
}
