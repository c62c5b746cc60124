/**
 * `heliosdb-nano init [dir]`: create a database in `dir/.heliosdb` (with a heliosdb.toml).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, DB_FOLDER, DEFAULT_CONFIG, UsageError, type CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('create a database in DIR/.heliosdb (default: the current folder)')
    .argument('[dir]', 'folder to create the database in', '.')
    .option('--versioning <mode>', 'transaction (every transaction is a commit) or manual (commit -m)')
    .option('--author <name>', 'author recorded on commits')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano init\n  $ heliosdb-nano init shop --versioning manual --author ann@example.com')
    .action(
      ctx.action(async (dir: string, o: { versioning?: string; author?: string }) => {
        if (o.versioning !== undefined && o.versioning !== 'transaction' && o.versioning !== 'manual') throw new UsageError(`--versioning must be 'transaction' or 'manual' (got '${o.versioning}')`);
        const target = join(resolve(ctx.cwd, dir), DB_FOLDER);
        if (existsSync(target)) throw new CliError(`a database already exists in ${target}`);
        let cfg = DEFAULT_CONFIG;
        if (o.versioning) cfg = cfg.replace(/# versioning = .*\n/, `versioning = "${o.versioning}"\n`);
        if (o.author) cfg = cfg.replace(/# author = .*\n/, `author = ${JSON.stringify(o.author)}\n`);
        await ctx.createDb(target, cfg);
        if (ctx.json) ctx.printJson({ path: target });
        else ctx.print(`Initialized empty HeliosDB Nano database in ${target}`);
      }),
    );
}
