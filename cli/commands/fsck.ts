/**
 * `heliosdb-nano fsck`: walk everything reachable from every ref, re-hash each chunk, and report
 * the missing or corrupt ones with the refs that reach them. Exit code 1 when any is found.
 */
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.js';
import { formatBytes } from '../format.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('fsck')
    .description('check the integrity of everything reachable (re-hash every chunk)')
    .addHelpText('after', '\nExample:\n  $ heliosdb-nano fsck --json')
    .action(
      ctx.action(async () => {
        await ctx.withDb(async (db) => {
          const r = await db.fsck();
          if (ctx.json) ctx.printJson(r);
          else {
            for (const p of r.problems) ctx.print(`${p.kind.padEnd(8)} ${p.cid}  reached from: ${p.refs.join(', ') || '(no ref)'}`);
            ctx.print(`${r.checked} chunk(s), ${formatBytes(r.bytes)} checked: ${r.ok ? 'ok' : `${r.problems.length} problem(s)`}`);
          }
          if (!r.ok) throw new CliError(`fsck found ${r.problems.length} missing or corrupt chunk(s)`);
        });
      }),
    );
}
