/**
 * `heliosdb-nano version`: the package version (and Node's).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { VERSION } from '../version-info.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('print the version')
    .addHelpText('after', '\nExample:\n  $ heliosdb-nano version --json')
    .action(
      ctx.action(() => {
        if (ctx.json) ctx.printJson({ version: VERSION, node: process.versions.node });
        else ctx.print(`heliosdb-nano ${VERSION} (node ${process.versions.node})`);
      }),
    );
}
