/**
 * `heliosdb-nano serve [--port] [--host] [--read-only] [--token]`: serve the database to other
 * nodes over HTTP (fetch, clone, push) until interrupted. Binds 127.0.0.1 unless told otherwise.
 */
import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve this database to other nodes over HTTP (clone, fetch, pull, push)')
    .option('-p, --port <port>', 'port to listen on', '7070')
    .option('--host <host>', 'interface to bind (default 127.0.0.1; 0.0.0.0 for every interface)', '127.0.0.1')
    .option('--read-only', 'refuse pushes')
    .option('--token <token>', 'pushes must present this bearer token (or HELIOSDB_TOKEN)')
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano serve --port 7070 --token s3cret\n  $ heliosdb-nano serve --read-only --host 0.0.0.0')
    .action(
      ctx.action(async (o: { port: string; host: string; readOnly?: boolean; token?: string }) => {
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got '${o.port}')`);
        const token = o.token ?? process.env.HELIOSDB_TOKEN;
        const { db } = await ctx.openDb();
        const srv = await db.serve({ port, host: o.host, readOnly: o.readOnly === true, ...(token ? { token } : {}) });
        if (ctx.json) ctx.printJson({ url: srv.url, readOnly: o.readOnly === true, token: token !== undefined });
        else ctx.print(`Serving on ${srv.url}${o.readOnly ? ' (read-only)' : ''}${token ? ' (pushes need the token)' : ''}; Ctrl-C to stop`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await srv.close();
        await db.close();
      }),
    );
}
