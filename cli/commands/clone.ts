/**
 * `heliosdb-nano clone <remote> [dir]`: copy a database (folder, http:// server or .car
 * bundle) into `dir/.heliosdb`, with `origin` set up.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { clone } from '../../src/index.js';
import { CONFIG_FILE, DB_FOLDER, DEFAULT_CONFIG, UsageError, type CliContext } from '../context.js';
import { transferProgress, transferText } from './remote.js';

function defaultDir(remote: string): string {
  const base = basename(remote.replace(/\/+$/, '').replace(/\/\.heliosdb$/, '')).replace(/\.car$/i, '');
  return /^https?:/i.test(remote) || base === '' ? 'heliosdb-clone' : base;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('clone')
    .description('copy a remote database into DIR/.heliosdb (remote: folder, http://host:port or file.car)')
    .argument('<remote>', 'database folder, http://host:port, or file.car')
    .argument('[dir]', 'folder to create (default: named after the remote)')
    .option('--token <token>', 'bearer token (HTTP remotes)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano clone http://10.0.0.5:7070 plant-db\n  $ heliosdb-nano clone /media/stick/edge.car')
    .action(
      ctx.action(async (remote: string, dir: string | undefined, o: { token?: string }) => {
        const project = resolve(ctx.cwd, dir ?? defaultDir(remote));
        const target = join(project, DB_FOLDER);
        if (existsSync(target)) throw new UsageError(`a database already exists in ${target}`);
        const location = /^https?:\/\//i.test(remote) ? remote : resolve(ctx.cwd, remote);
        const bar = transferProgress(ctx, 'clone');
        const token = o.token ?? process.env.HELIOSDB_TOKEN;
        let stats: { chunks: number; bytes: number; skipped: number; elapsedMs: number } = { chunks: 0, bytes: 0, skipped: 0, elapsedMs: 0 };
        try {
          const db = await clone(location, target, {
            onProgress: (p) => {
              stats = p;
              bar.onProgress(p);
            },
            ...(token ? { token } : {}),
          });
          const branch = db.branch;
          await db.close();
          writeFileSync(join(target, CONFIG_FILE), DEFAULT_CONFIG);
          bar.stop();
          if (ctx.json) ctx.printJson({ path: target, branch, ...stats });
          else {
            ctx.print(`Cloned ${remote} into ${target} (branch ${branch})`);
            ctx.note(transferText(stats));
          }
        } finally {
          bar.stop();
        }
      }),
    );
}
