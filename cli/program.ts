/**
 * The `heliosdb-nano` program: global options, the subcommands of `commands/index.ts`, usage
 * errors as exit code 2, and `heliosdb-nano PATH` (no command) opening the REPL on PATH.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CliContext, CliError, DB_FOLDER, exitCodeOf, isDbFolder } from './context.js';
import { commands } from './commands/index.js';
import { startRepl } from './repl.js';
import { VERSION } from './version-info.js';

/** Build the program with every command registered on `ctx`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('heliosdb-nano');
  ctx.program = program;
  program
    .description('HeliosDB Nano: an embedded SQL database where every change is versioned like code in Git')
    .usage('[options] <command> [args] | heliosdb-nano PATH')
    .addOption(new Option('--db <path>', 'database folder (default: nearest .heliosdb upward; env HELIOSDB_DB)'))
    .option('--json', 'machine-readable JSON output')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.err.write(s) })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ heliosdb-nano init shop && cd shop
  $ heliosdb-nano sql -q "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"
  $ heliosdb-nano branch create dev && heliosdb-nano checkout dev
  $ heliosdb-nano log --graph
  $ heliosdb-nano ./data            # REPL on a database folder (created if missing)`,
    );
  for (const c of commands) c.register(program, ctx);
  return program;
}

/** Global options that take a value (for finding the first operand). */
const VALUE_OPTIONS = new Set(['--db']);

/** The first operand of argv (skipping global options), and its index. */
function firstOperand(args: string[]): { value: string; index: number } | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return i + 1 < args.length ? { value: args[i + 1]!, index: i + 1 } : undefined;
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return { value: a, index: i };
  }
  return undefined;
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.startsWith('.') || existsSync(s);
}

/**
 * Run the command line `args` (without node and script). Resolves to the exit code; output
 * goes to the context's streams.
 */
export async function runCli(args: string[], ctx: CliContext = new CliContext()): Promise<number> {
  const program = buildProgram(ctx);
  ctx.runCommand = (more) => runCli(more, new CliContext({ out: ctx.out, err: ctx.err, env: ctx.env, cwd: ctx.cwd }));
  const saved = process.exitCode;
  process.exitCode = 0;
  try {
    const first = firstOperand(args);
    const known = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
    known.add('help');
    if (first && !known.has(first.value) && looksLikePath(first.value)) {
      // `heliosdb-nano PATH`: the REPL on PATH.
      const rest = [...args.slice(0, first.index), ...args.slice(first.index + 1)];
      program.exitOverride();
      program.parseOptions(rest);
      const p = resolve(ctx.cwd, first.value);
      let dir = existsSync(join(p, DB_FOLDER)) ? join(p, DB_FOLDER) : p;
      if (!existsSync(p) || (statSync(p).isDirectory() && readdirSync(p).length === 0)) {
        await ctx.createDb(p);
        ctx.note(`Created a new database at ${p}`);
        dir = p;
      } else if (dir === p && !isDbFolder(p)) {
        throw new CliError(`${p} is not a HeliosDB Nano database (create one with: heliosdb-nano init ${first.value}, or give a new folder name)`, 1, 'NO_DATABASE');
      }
      await startRepl(ctx, { dir });
      return Number(process.exitCode ?? 0);
    }
    if (args.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    ctx.fail(e);
    return exitCodeOf(e);
  } finally {
    const code = Number(process.exitCode ?? 0);
    process.exitCode = saved;
    void code;
  }
}
