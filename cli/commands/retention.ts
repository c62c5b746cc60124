/**
 * `heliosdb-nano retention`: show the retention policy GC applies (the database's, from
 * heliosdb.toml `[snapshot]`, and each branch's effective one), and set or clear a branch's
 * override (`--branch NAME --max-snapshots N --min-retention 90d`, `--keep-all`, `--clear`).
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';
import type { RetentionPolicy } from '../../src/index.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90d`, `12h`, `30m`, `45s`, `2w` or plain seconds → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw]?)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--min-retention: expected seconds or a duration like 90d, 12h, 30m (got '${text}')`);
  return Math.round(Number(m[1]) * (UNITS[(m[2] || 's').toLowerCase()] as number));
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-snapshots: expected a positive integer (got '${text}')`);
  return n;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('retention')
    .description("show the retention policy, or set a branch's own (--branch)")
    .option('--branch <name>', 'the branch whose override to set or clear')
    .option('--max-snapshots <n>', 'keep the newest N versions of the branch', positiveInt)
    .option('--min-retention <duration>', 'keep every version younger than this (seconds, or 90d, 12h, 30m)', parseDuration)
    .option('--keep-all', 'keep every version of the branch, whatever the database policy says')
    .option('--clear', "remove the branch's override (it follows the database policy again)")
    .addHelpText(
      'after',
      '\nThe database policy lives in heliosdb.toml ([snapshot]): use `heliosdb-nano config set snapshot.max_snapshots 100`.\n' +
        '\nExamples:\n  $ heliosdb-nano retention\n  $ heliosdb-nano retention --branch audit_q4 --keep-all\n  $ heliosdb-nano retention --branch scratch --max-snapshots 5 --min-retention 1d\n  $ heliosdb-nano retention --branch scratch --clear',
    )
    .action(
      ctx.action(async (o: { branch?: string; maxSnapshots?: number; minRetention?: number; keepAll?: boolean; clear?: boolean }) => {
        const setting = o.maxSnapshots !== undefined || o.minRetention !== undefined || o.keepAll === true;
        if ((setting || o.clear) && o.branch === undefined) {
          throw new UsageError('the database policy is set in heliosdb.toml: heliosdb-nano config set snapshot.max_snapshots N (or snapshot.min_retention_seconds S); use --branch for a branch override');
        }
        if (o.clear && setting) throw new UsageError('--clear takes no other policy option');
        if (o.keepAll && (o.maxSnapshots !== undefined || o.minRetention !== undefined)) throw new UsageError('--keep-all takes no --max-snapshots / --min-retention');
        await ctx.withDb(async (db) => {
          const r = db.retentionPolicy;
          if (o.branch !== undefined && (setting || o.clear)) {
            if (!db.branches.get(o.branch)) throw new UsageError(`no branch '${o.branch}'`);
            let policy: RetentionPolicy | null = null;
            if (o.keepAll) policy = { maxSnapshots: Number.MAX_SAFE_INTEGER }; // keeps every version (KEEP_ALL_SNAPSHOTS)
            else if (setting) {
              policy = {};
              if (o.maxSnapshots !== undefined) policy.maxSnapshots = o.maxSnapshots;
              if (o.minRetention !== undefined) policy.minRetentionSeconds = o.minRetention;
            }
            await r.set(policy, { branch: o.branch });
          }
          const database = r.get();
          const branches = (o.branch !== undefined ? [o.branch] : db.branches.list().map((b) => b.name)).map((name) => {
            const p = r.get(name);
            return { branch: name, policy: p, text: r.describe(name), own: JSON.stringify(p) !== JSON.stringify(database) };
          });
          if (ctx.json) {
            ctx.printJson({ database, branches: branches.map((b) => ({ branch: b.branch, policy: b.policy, override: b.own })) });
            return;
          }
          ctx.print(`database: ${r.describe()}${database.autoGcEnabled ? ' (automatic GC on)' : ''}`);
          const w = Math.max(0, ...branches.map((b) => b.branch.length));
          for (const b of branches) ctx.print(`  ${b.branch.padEnd(w)}  ${b.text}${b.own ? '  (branch override)' : ''}`);
        });
      }),
    );
}
