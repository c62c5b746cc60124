/**
 * `heliosdb-nano demo` (`npm run demo`): a walkthrough on a fresh database in a temporary folder,
 * printing each command as a user would type it and its output: tables, inserts and updates,
 * AS OF TIMESTAMP and TRANSACTION, a branch, diff, a clean merge, a merge with a conflict and
 * its resolution, and `log --graph`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { open } from '../../src/index.js';
import { CliError, type CliContext } from '../context.js';

function shellQuote(a: string): string {
  return /^[A-Za-z0-9_./:=@~^-]+$/.test(a) ? a : a.includes("'") && !a.includes('"') ? `"${a}"` : `'${a.replace(/'/g, "'\\''")}'`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('a guided walkthrough on a fresh temporary database')
    .option('--keep', 'keep the temporary database folder')
    .option('--pause <ms>', 'pause between steps (milliseconds)', '0')
    .addHelpText('after', '\nExample:\n  $ npx heliosdb-nano demo')
    .action(
      ctx.action(async (o: { keep?: boolean; pause: string }) => {
        const run = ctx.runCommand;
        if (!run) throw new CliError('demo needs the full program');
        const home = mkdtempSync(join(tmpdir(), 'heliosdb-demo-'));
        const db = join(home, '.heliosdb');
        const pause = Math.max(0, Number(o.pause) || 0);
        const failures: string[] = [];
        const section = (title: string) => ctx.print(`\n${ctx.paint('magenta', `## ${title}`)}\n`);
        const say = (text: string) => ctx.print(ctx.paint('dim', `# ${text}`));
        /** Run one command; `expect` is the exit code it should end with (1: a step that stops on purpose). */
        const stepExpecting = async (expect: number, ...args: string[]) => {
          const shown = args[0] === 'init' ? ['init'] : args;
          ctx.print(`${ctx.paint('green', '$')} ${ctx.paint('bold', ['heliosdb-nano', ...shown].map(shellQuote).join(' '))}`);
          const code = await run(args[0] === 'init' ? [...(ctx.opts.color === false ? ['--no-color'] : []), ...args] : ['--db', home, ...(ctx.opts.color === false ? ['--no-color'] : []), ...args]);
          if (code !== expect) failures.push(args.join(' '));
          ctx.print('');
          if (pause) await new Promise((r) => setTimeout(r, pause));
          return code;
        };
        const step = (...args: string[]) => stepExpecting(0, ...args);
        const peek = async <T>(sql: string): Promise<T | undefined> => {
          const d = await open(db);
          try {
            return await d.get<T>(sql);
          } finally {
            await d.close();
          }
        };
        try {
          ctx.print(ctx.paint('bold', 'HeliosDB Nano — an embedded SQL database where every change is versioned like code in Git.'));
          ctx.print('This walkthrough runs the real command line on a fresh database in a temporary folder.');
          section('1. Create a database and some tables');
          ctx.print(`${ctx.paint('green', '$')} ${ctx.paint('bold', `cd ${home}`)}\n`);
          await step('init', home);
          await step('sql', '-q', 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL);\nCREATE TABLE prices (sku TEXT PRIMARY KEY, price DECIMAL(10,2));');
          await step('sql', '-q', "INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bo', 50), (3, 'cy', 75);\nINSERT INTO prices VALUES ('apple', 1.20), ('pear', 0.95);");
          const firstTx = await peek<{ transaction: number; timestamp: string }>('SELECT transaction, timestamp FROM heliosdb_log LIMIT 1');
          await new Promise((r) => setTimeout(r, 30));
          section('2. Every transaction is a commit');
          say('a transfer: two updates in one transaction, so one commit');
          await step('sql', '-q', "BEGIN;\nUPDATE accounts SET balance = balance - 30 WHERE owner = 'ann';\nUPDATE accounts SET balance = balance + 30 WHERE owner = 'bo';\nCOMMIT;");
          await step('sql', '-q', 'SELECT * FROM accounts');
          await step('log', '--oneline');
          section('3. Time travel: AS OF TIMESTAMP and AS OF TRANSACTION');
          if (firstTx) {
            say(`the state at ${firstTx.timestamp} (before the transfer)`);
            await step('sql', '-q', `SELECT id, owner, balance FROM accounts AS OF TIMESTAMP '${firstTx.timestamp}'`);
            say(`the state right after transaction ${firstTx.transaction}`);
            await step('sql', '-q', `SELECT owner, balance FROM accounts AS OF TRANSACTION ${firstTx.transaction} WHERE id <= 2`);
          }
          await step('sql', '-q', "SELECT change, owner, balance, message FROM heliosdb_history('accounts') WHERE id = 1");
          section('4. Branches are O(1): change one without touching main');
          await step('branch', 'create', 'feature');
          await step('checkout', 'feature');
          await step('sql', '-q', "UPDATE prices SET price = 1.10 WHERE sku = 'apple'; INSERT INTO prices VALUES ('plum', 2.50);");
          await step('branch');
          await step('diff', 'main', 'feature');
          await step('diff', 'main', 'feature', '--stat');
          section('5. A clean merge: both sides changed different rows');
          await step('checkout', 'main');
          await step('sql', '-q', "UPDATE accounts SET balance = 80 WHERE id = 3");
          await step('merge', 'feature', '-m', 'Merge feature: new prices');
          await step('sql', '-q', 'SELECT * FROM prices ORDER BY sku');
          section('6. A merge with a conflict, and its resolution');
          await step('branch', 'create', 'discount');
          await step('sql', '--branch', 'discount', '-q', "UPDATE prices SET price = 0.99 WHERE sku = 'apple'");
          await step('sql', '-q', "UPDATE prices SET price = 1.25 WHERE sku = 'apple'");
          say('both branches changed the apple price: the merge stops (exit code 1) and lists the conflict');
          await stepExpecting(1, 'merge', 'discount');
          await step('conflicts');
          await step('conflicts', 'resolve', '--theirs');
          await step('merge', '--continue');
          await step('sql', '-q', "SELECT sku, price FROM prices WHERE sku = 'apple'");
          section('7. The history, as a graph');
          await step('log', '--graph', '--oneline');
          ctx.print(ctx.paint('bold', 'Done.') + (failures.length ? ` ${failures.length} step(s) reported an error: ${failures.map((f) => `'${f}'`).join(', ')}` : ' Every step succeeded.'));
          if (o.keep) ctx.print(`The database is kept in ${home} (try: heliosdb-nano ${home})`);
          if (failures.length > 0) throw new CliError(`the demo did not go as written: ${failures.length} step(s) ended unexpectedly`);
        } finally {
          if (!o.keep) rmSync(home, { recursive: true, force: true });
        }
      }),
    );
}
