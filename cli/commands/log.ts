/**
 * `heliosdb-nano log [ref]`: commits reachable from a ref, newest first (`--oneline`,
 * `--graph`, `-n`, `--since`/`--until`).
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';
import { decorations, renderLog } from '../history-view.js';

function parseTime(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const rel = /^(\d+)\s*(second|minute|hour|day|week)s?(\s+ago)?$/i.exec(s.trim());
  if (rel) {
    const unit = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 }[rel[2]!.toLowerCase() as 'second']!;
    return Date.now() - Number(rel[1]) * unit * 1000;
  }
  const t = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(s) && !/Z|[+-]\d\d:?\d\d$/.test(s) ? `${s.replace(' ', 'T')}Z` : s).getTime();
  if (Number.isNaN(t)) throw new UsageError(`${flag}: not a time: '${s}' (use e.g. 2026-01-31, '2026-01-31 12:00:00' or '2 days ago')`);
  return t;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('log')
    .description('show commit history')
    .argument('[ref]', 'branch, tag or commit (default: the current branch)')
    .option('--oneline', 'one line per commit')
    .option('--graph', 'draw the branch and merge structure')
    .option('-n, --max-count <n>', 'show at most n commits')
    .option('--since <time>', 'commits after a time')
    .option('--until <time>', 'commits before a time')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano log --oneline --graph\n  $ heliosdb-nano log dev -n 5 --since "2 days ago"')
    .action(
      ctx.action(async (ref: string | undefined, o: { oneline?: boolean; graph?: boolean; maxCount?: string; since?: string; until?: string }) => {
        const n = o.maxCount === undefined ? undefined : Number(o.maxCount);
        if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new UsageError(`-n must be a whole number (got '${o.maxCount}')`);
        const since = parseTime('--since', o.since);
        const until = parseTime('--until', o.until);
        await ctx.withDb(async (db) => {
          let commits = await db.log(ref, since === undefined && until === undefined && n !== undefined ? { limit: n } : {});
          if (since !== undefined) commits = commits.filter((c) => c.timestamp.getTime() >= since);
          if (until !== undefined) commits = commits.filter((c) => c.timestamp.getTime() <= until);
          if (n !== undefined) commits = commits.slice(0, n);
          if (ctx.json) {
            ctx.printJson(commits.map((c) => ({ ...c, timestamp: c.timestamp.toISOString() })));
            return;
          }
          for (const l of renderLog(ctx, commits, decorations(db), { oneline: o.oneline === true, graph: o.graph === true })) ctx.print(l);
        });
      }),
    );
}
