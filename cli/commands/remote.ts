/**
 * `heliosdb-nano remote [list] | add <name> <url> | remove <name>`: the remotes of the
 * database (another database folder, an `http://` server, a `.car` bundle). Also holds the
 * transfer progress bar the sync commands share (chunks, bytes, rate; only on a terminal).
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { CliContext } from '../context.js';
import type { FetchResult, TransferProgress } from '../../src/index.js';

/** A progress reporter for chunk transfers: a bar on stderr (or `err`) when it is a terminal. */
export function transferProgress(ctx: Pick<CliContext, 'json'>, label: string, err: NodeJS.WriteStream = process.stderr): { onProgress: (p: TransferProgress) => void; stop(): void } {
  if (err.isTTY !== true || ctx.json) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} {chunks} chunks | {mb} MB | {rate} MB/s | {skipped} skipped`, stream: err, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(p) {
      const payload = { chunks: p.chunks, mb: (p.bytes / 1e6).toFixed(2), rate: (p.rate / 1e6).toFixed(1), skipped: p.skipped };
      if (!started) {
        bar.start(1, 0, payload);
        started = true;
      }
      bar.update(p.done ? 1 : 0, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** The ref changes of a fetch or bundle import, one line each (rejected tags on stderr). */
export function printRefUpdates(ctx: CliContext, r: FetchResult): void {
  for (const u of r.updated) ctx.print(`${u.from ? u.from.slice(0, 12) + '..' : '[new] '}${u.to.slice(0, 12)}  ${u.ref}`);
  for (const p of r.pruned) ctx.print(`[deleted]  ${p}`);
  for (const x of r.rejected) ctx.note(`! [rejected] ${x.ref} (would clobber the local ${x.ref} at ${x.from?.slice(0, 12) ?? '?'}; tags never move)`);
}

/** Human text for a transfer. */
/**
 * What fetch and bundle import print: the result as JSON, or the ref updates and transfer
 * figures. Like git, a tag that would clobber a local one fails the command (exit code 1).
 */
export function reportFetch(ctx: CliContext, r: FetchResult): void {
  if (ctx.json) ctx.printJson(r);
  else {
    printRefUpdates(ctx, r);
    ctx.note(transferText(r));
  }
  if (r.rejected.length > 0) process.exitCode = 1;
}

export function transferText(s: { chunks: number; bytes: number; skipped: number; elapsedMs: number }): string {
  const mb = s.bytes / 1e6;
  const rate = s.elapsedMs > 0 ? mb / (s.elapsedMs / 1000) : 0;
  return `${s.chunks} chunks, ${mb.toFixed(2)} MB in ${(s.elapsedMs / 1000).toFixed(2)} s (${rate.toFixed(1)} MB/s), ${s.skipped} already present`;
}

export function register(program: Command, ctx: CliContext): void {
  const listRemotes = ctx.action(async () => {
    await ctx.withDb(async (db) => {
      const list = await db.remotes.list();
      if (ctx.json) ctx.printJson(list);
      else for (const r of list) ctx.print(`${r.name}\t${r.url}`);
    });
  });
  const remote = program
    .command('remote')
    .description('list, add or remove remotes (database folders, http:// servers, .car bundles)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano remote add origin http://127.0.0.1:7070\n  $ heliosdb-nano remote add usb /media/stick/edge.car\n  $ heliosdb-nano remote\n  $ heliosdb-nano remote remove usb')
    .action(listRemotes);
  remote
    .command('add')
    .description('add a remote')
    .argument('<name>', 'remote name, e.g. origin')
    .argument('<url>', 'database folder, http://host:port, or file.car')
    .action(
      ctx.action(async (name: string, url: string) => {
        await ctx.withDb(async (db) => {
          const r = await db.remotes.add(name, url);
          if (ctx.json) ctx.printJson(r);
          else ctx.print(`Added remote ${r.name} → ${r.url}`);
        });
      }),
    );
  remote
    .command('remove')
    .alias('rm')
    .description('remove a remote and its remote-tracking refs')
    .argument('<name>', 'remote name')
    .action(
      ctx.action(async (name: string) => {
        await ctx.withDb(async (db) => {
          await db.remotes.remove(name);
          if (ctx.json) ctx.printJson({ removed: name });
          else ctx.print(`Removed remote ${name}`);
        });
      }),
    );
  remote
    .command('list')
    .description('list remotes')
    .action(listRemotes);
}
