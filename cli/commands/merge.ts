/**
 * `heliosdb-nano merge <branch>`: merge a branch into the current one through SQL
 * (`MERGE BRANCH … INTO … WITH (…)`): `--no-ff`, `--squash`, `--ours`/`--theirs`, `-m`;
 * `--abort` and `--continue` for a merge stopped on conflicts.
 */
import type { Command } from 'commander';
import { CliError, UsageError, type CliContext } from '../context.js';
import { shortId } from '../history-view.js';
import { ident, lit } from '../sql-runner.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('merge')
    .description('merge a branch into the current branch')
    .argument('[branch]', 'the branch to merge')
    .option('--no-ff', 'always create a merge commit')
    .option('--squash', 'one ordinary commit with the changes, no merge parent')
    .option('--ours', 'resolve conflicts with the current branch\'s values')
    .option('--theirs', "resolve conflicts with the merged branch's values")
    .option('-m, --message <message>', 'the merge commit message')
    .option('--abort', 'abandon the merge in progress')
    .option('--continue', 'commit the merge in progress once its conflicts are resolved')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano merge dev\n  $ heliosdb-nano merge dev --no-ff -m "release 1.2"\n  $ heliosdb-nano merge --abort')
    .action(
      ctx.action(async (branch: string | undefined, o: { ff?: boolean; squash?: boolean; ours?: boolean; theirs?: boolean; message?: string; abort?: boolean; continue?: boolean }) => {
        if (o.ours && o.theirs) throw new UsageError('give --ours or --theirs, not both');
        if ((o.abort || o.continue) && branch !== undefined) throw new UsageError('--abort and --continue take no branch');
        if (o.abort && o.continue) throw new UsageError('give --abort or --continue, not both');
        if (!o.abort && !o.continue && branch === undefined) throw new UsageError('usage: heliosdb-nano merge <branch> (or --abort / --continue)');
        await ctx.withDb(async (db) => {
          let sql: string;
          if (o.abort) sql = 'MERGE ABORT';
          else if (o.continue) sql = o.message !== undefined ? `MERGE CONTINUE WITH (MESSAGE ${lit(o.message)})` : 'MERGE CONTINUE';
          else {
            const w: string[] = [];
            if (o.ff === false) w.push('NO_FF');
            if (o.squash) w.push('SQUASH');
            if (o.message !== undefined) w.push(`MESSAGE ${lit(o.message)}`);
            if (o.ours) w.push('STRATEGY OURS');
            if (o.theirs) w.push('STRATEGY THEIRS');
            sql = `MERGE BRANCH ${ident(branch!)} INTO ${ident(db.branch)}${w.length ? ` WITH (${w.join(', ')})` : ''}`;
          }
          const rows = await db.query<Record<string, unknown>>(sql);
          const r = rows[0] ?? {};
          if (ctx.json) ctx.printJson(o.abort ? { aborted: true, ...r } : r);
          const status = String(r.status ?? (o.abort ? 'aborted' : 'merged'));
          const data = Number(r.data_conflicts ?? 0);
          const schema = Number(r.schema_conflicts ?? 0);
          const cons = Number(r.constraint_violations ?? 0);
          const conflicted = data + schema + cons > 0 || /conflict/i.test(status);
          if (!ctx.json) {
            if (o.abort) ctx.print(`Merge aborted; ${db.branch} is unchanged.`);
            else if (conflicted) {
              ctx.print(ctx.paint('red', `CONFLICT: merge of ${branch ?? 'the branch'} into ${db.branch} stopped: ${data} data conflict${data === 1 ? '' : 's'}, ${schema} schema conflict${schema === 1 ? '' : 's'}, ${cons} constraint violation${cons === 1 ? '' : 's'}.`));
              ctx.print('See them with: heliosdb-nano conflicts');
              ctx.print('Resolve with:  heliosdb-nano conflicts resolve --ours|--theirs [table], then heliosdb-nano merge --continue');
              ctx.print('Or abandon:    heliosdb-nano merge --abort');
            } else {
              const id = r.commit_id ?? r.commit;
              const commit = typeof id === 'string' && id ? shortId(id) : '';
              if (/fast/i.test(status)) ctx.print(`Fast-forward: ${db.branch} now at ${commit}`);
              else if (/up.to.date|noop|already/i.test(status)) ctx.print('Already up to date.');
              else if (o.continue) ctx.print(`Merge completed: commit ${commit} on ${db.branch}`);
              else ctx.print(`Merge made by the three-way strategy${o.squash ? ' (squashed)' : ''}: commit ${commit} on ${db.branch}`);
            }
          }
          if (conflicted && !o.abort) throw new CliError('merge stopped on conflicts', 1, 'MERGE_CONFLICT');
        });
      }),
    );
}
