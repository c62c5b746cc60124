/**
 * `heliosdb-nano branch`: list branches (the current one marked), create one (`--from`,
 * `--as-of`, `--read-only`, `--description`), delete (`-d`), rename (`-m`); `-r` lists the
 * remote-tracking branches (`origin/main`), `-a` both.
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';
import { shortId } from '../history-view.js';
import type { CreateBranchOptions } from '../../src/index.js';

/** `--as-of`: a time, `txn:N` / `transaction:N`, or `scn:N`. */
export function parseAsOf(s: string): NonNullable<CreateBranchOptions['asOf']> {
  const m = /^(txn|transaction|scn):(\d+)$/i.exec(s.trim());
  if (m) return m[1]!.toLowerCase() === 'scn' ? { scn: Number(m[2]) } : { transaction: Number(m[2]) };
  const iso = /^\d{4}-\d{2}-\d{2}( |T)\d/.test(s) && !/Z|[+-]\d\d:?\d\d$/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  if (Number.isNaN(new Date(iso).getTime())) throw new UsageError(`--as-of: expected a time ('2026-01-31 12:00:00'), txn:N or scn:N (got '${s}')`);
  return iso;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('branch')
    .description('list, create, delete or rename branches')
    .argument('[name]', 'branch to create (or "create NAME", "list")')
    .argument('[newname]', 'with -m: the new name; after "create": the branch name')
    .option('--from <ref>', 'start the new branch at this ref (default: the current branch)')
    .option('--as-of <time>', "start at a past state of --from: a time, txn:N or scn:N")
    .option('--read-only', 'refuse every write on the new branch')
    .option('--description <text>', 'a description of the branch')
    .option('-d, --delete', 'delete the branch NAME')
    .option('-m, --move', 'rename the branch NAME to NEWNAME')
    .option('-r, --remotes', 'list the remote-tracking branches (origin/main, …)')
    .option('-a, --all', 'list local and remote-tracking branches')
    .addHelpText('after', "\nExamples:\n  $ heliosdb-nano branch\n  $ heliosdb-nano branch create dev --from main\n  $ heliosdb-nano branch audit_q4 --as-of '2026-12-31 23:59:59' --read-only\n  $ heliosdb-nano branch -m dev develop\n  $ heliosdb-nano branch -d develop\n  $ heliosdb-nano branch -a")
    .action(
      ctx.action(async (name: string | undefined, newname: string | undefined, o: { from?: string; asOf?: string; readOnly?: boolean; description?: string; delete?: boolean; move?: boolean; remotes?: boolean; all?: boolean }) => {
        if (name === 'list' && newname === undefined) name = undefined;
        if (name === 'create') {
          if (newname === undefined) throw new UsageError('usage: heliosdb-nano branch create <name> [--from ref] [--as-of time] [--read-only]');
          name = newname;
          newname = undefined;
        }
        await ctx.withDb(async (db, dir) => {
          if (o.delete) {
            if (!name) throw new UsageError('usage: heliosdb-nano branch -d <name>');
            if (name === db.branch) throw new UsageError(`cannot delete the current branch '${name}' (checkout another branch first)`);
            await db.branches.drop(name);
            if (ctx.json) ctx.printJson({ deleted: name });
            else ctx.print(`Deleted branch ${name}`);
            return;
          }
          if (o.move) {
            if (!name || !newname) throw new UsageError('usage: heliosdb-nano branch -m <old> <new>');
            const b = await db.branches.rename(name, newname);
            if (ctx.currentBranch(dir) === name) ctx.setCurrentBranch(dir, newname);
            if (ctx.json) ctx.printJson({ renamed: name, to: b.name });
            else ctx.print(`Renamed branch ${name} to ${b.name}`);
            return;
          }
          if (name) {
            if (newname !== undefined) throw new UsageError(`unexpected argument '${newname}' (to rename use -m)`);
            const opts: CreateBranchOptions = {};
            if (o.from !== undefined) opts.from = o.from;
            if (o.asOf !== undefined) opts.asOf = parseAsOf(o.asOf);
            if (o.readOnly) opts.readOnly = true;
            if (o.description !== undefined) opts.description = o.description;
            const b = await db.branches.create(name, opts);
            if (ctx.json) ctx.printJson({ ...b, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString() });
            else ctx.print(`Created branch ${b.name} at ${shortId(b.head)} (from ${b.createdFrom.ref})${b.readOnly ? ', read-only' : ''}`);
            return;
          }
          const list = o.remotes ? [] : db.branches.list();
          const remote = o.remotes || o.all ? db.branches.remote() : [];
          if (ctx.json) {
            const local = list.map((b) => ({ ...b, current: b.name === db.branch, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString() }));
            const tracking = remote.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
            ctx.printJson(o.remotes ? tracking : o.all ? [...local, ...tracking] : local);
            return;
          }
          const w = Math.max(0, ...list.map((b) => b.name.length), ...remote.map((r) => r.name.length + (o.all ? 8 : 0)));
          for (const b of list) {
            const cur = b.name === db.branch;
            const line = `${cur ? '*' : ' '} ${b.name.padEnd(w)}  ${shortId(b.head)}${b.readOnly ? '  [read-only]' : ''}${b.description ? `  ${b.description}` : ''}`;
            ctx.print(cur ? ctx.paint('green', line) : line);
          }
          for (const r of remote) ctx.print(ctx.paint('red', `  ${(o.all ? `remotes/${r.name}` : r.name).padEnd(w)}  ${shortId(r.head)}`));
        });
      }),
    );
}
