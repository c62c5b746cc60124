/**
 * `heliosdb-nano bundle create <file> [ref…] [--since ref…]` and `bundle import <file>`:
 * CARv1 bundle files for offline sync (USB stick, e-mail), readable by standard IPLD tools.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { reportFetch, transferProgress, transferText } from './remote.js';

export function register(program: Command, ctx: CliContext): void {
  const bundle = program
    .command('bundle')
    .description('write or read CAR bundle files for offline sync')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano bundle create edge.car main --since hub/main\n  $ heliosdb-nano bundle import edge.car --as edge\n  $ heliosdb-nano merge edge/main');
  bundle
    .command('create')
    .description('write branches/tags (default: the current branch) and their history into a new .car file (replaced when complete)')
    .argument('<file>', 'bundle file to write')
    .argument('[refs...]', 'branches, tags or remote-tracking refs')
    .option('--since <refs...>', 'leave out what these refs reach (the receiver has it): an incremental bundle')
    .action(
      ctx.action(async (file: string, refs: string[], o: { since?: string[] }) => {
        await ctx.withDb(async (db) => {
          const bar = transferProgress(ctx, 'bundle');
          try {
            const r = await db.bundle.create(resolve(ctx.cwd, file), refs.length > 0 ? refs : [db.branch], { onProgress: bar.onProgress, ...(o.since ? { since: o.since } : {}) });
            bar.stop();
            if (ctx.json) ctx.printJson(r);
            else {
              ctx.print(`Wrote ${r.file}: ${r.refs.map((x) => `${x.ref} ${x.to.slice(0, 12)}`).join(', ')}`);
              ctx.note(transferText(r));
            }
          } finally {
            bar.stop();
          }
        });
      }),
    );
  bundle
    .command('import')
    .description('read a .car bundle into remote-tracking refs <as>/<branch> (and its tags)')
    .argument('<file>', 'bundle file')
    .option('--as <name>', 'remote name for its branches', 'bundle')
    .option('-p, --prune', 'delete <as>/<branch> refs of branches the bundle no longer has')
    .action(
      ctx.action(async (file: string, o: { as: string; prune?: boolean }) => {
        await ctx.withDb(async (db) => {
          const bar = transferProgress(ctx, 'import');
          try {
            const r = await db.bundle.import(resolve(ctx.cwd, file), { as: o.as, prune: o.prune === true, onProgress: bar.onProgress });
            bar.stop();
            reportFetch(ctx, r);
          } finally {
            bar.stop();
          }
        });
      }),
    );
}
