/**
 * sqllogictest command line: `npm run slt -- [options] <files or folders...>`.
 *
 * Folders are searched recursively for *.test files. Files run in worker threads (./pool.ts),
 * acting as engine `sqlite`. Prints one line per file as it finishes
 * (`path: P passed, F failed, S skipped (T ms)`), progress on stderr while running, and ends
 * with exactly `N passed, M failed, K skipped`. Exit code 1 when anything failed, 2 on bad usage.
 */
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { defaultEngineName, engines } from './engines/index.js';
import { SltPool } from './pool.js';
import type { Failure, FileResult } from './runner.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

async function collect(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.endsWith('.test')) out.push(p);
    }
  };
  for (const p of paths) {
    const st = await stat(p);
    if (st.isDirectory()) await walk(p);
    else out.push(p);
  }
  return [...new Set(out.map((p) => resolve(p)))];
}

function indent(text: string, prefix: string, maxLines = 40): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines).map((l) => prefix + l);
  if (lines.length > maxLines) shown.push(`${prefix}… (${lines.length - maxLines} more lines)`);
  return shown.join('\n');
}

function describe(f: Failure, verbose: boolean): string {
  if (!verbose) return `  line ${f.line}: ${f.reason}${f.actual && !f.actual.includes('\n') ? ` — ${f.actual}` : ''}`;
  const parts = [`  line ${f.line}: ${f.reason}`];
  if (f.sql) parts.push('    SQL:', indent(f.sql, '      '));
  parts.push('    expected:', indent(f.expected === '' ? '(nothing)' : f.expected, '      '));
  parts.push('    actual:', indent(f.actual === '' ? '(nothing)' : f.actual, '      '));
  return parts.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('npm run slt --')
    .description('Run sqllogictest files (acting as engine "sqlite").')
    .argument('<paths...>', '.test files or folders (searched recursively)')
    .option('--engine <name>', `engine adapter: ${Object.keys(engines).join(', ')}`, defaultEngineName())
    .option('--verbose', 'print each failure with its SQL, expected and actual output', false)
    .option('--fail-fast', 'stop a file at its first failure and start no new file after one', false)
    .option('--jobs <n>', 'files run in parallel (worker threads)', positiveInt, availableParallelism())
    .option('--timeout <ms>', 'per-record time limit; a record over it fails and the file resumes after it', positiveInt, 30_000)
    .option('--max-failures-shown <n>', 'failures printed per file', nonNegativeInt, 10)
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{
    engine: string;
    verbose: boolean;
    failFast: boolean;
    jobs: number;
    timeout: number;
    maxFailuresShown: number;
  }>();
  if (!(opts.engine in engines)) {
    process.stderr.write(`unknown engine '${opts.engine}' (known: ${Object.keys(engines).join(', ')})\n`);
    return 2;
  }
  let files: string[];
  try {
    files = await collect(program.args);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write('no .test files found\n');
    return 2;
  }

  const t0 = performance.now();
  const tty = process.stderr.isTTY === true;
  let statusShown = false;
  const clearStatus = (): void => {
    if (tty && statusShown) process.stderr.write('\r\x1b[K');
    statusShown = false;
  };
  const total = { passed: 0, failed: 0, skipped: 0, files: 0 };
  const show = (r: FileResult): void => {
    clearStatus();
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    total.files++;
    const lines = [`${relative(process.cwd(), r.file)}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${Math.round(r.ms)} ms)`];
    for (const f of r.failures.slice(0, opts.maxFailuresShown)) lines.push(describe(f, opts.verbose));
    if (r.failed > 0 && r.failures.length > opts.maxFailuresShown) {
      lines.push(`  … ${r.failed - Math.min(r.failures.length, opts.maxFailuresShown)} more failures`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  };

  const pool = new SltPool({
    engine: { name: opts.engine },
    jobs: opts.jobs,
    timeoutMs: opts.timeout,
    failFast: opts.failFast,
    onFileDone: show,
  });
  let lastPrint = performance.now();
  const progress = setInterval(() => {
    const now = performance.now();
    if (!tty && now - lastPrint < 10_000) return;
    lastPrint = now;
    const active = pool
      .active()
      .map((a) => `${relative(process.cwd(), a.file)} ${a.done}/${a.total}`)
      .join(', ');
    const secs = ((now - t0) / 1000).toFixed(0);
    const line = `[${secs} s] ${total.files}/${files.length} files, ${total.passed} passed, ${total.failed} failed; running: ${active}`;
    if (tty) {
      const width = process.stderr.columns ?? 120;
      process.stderr.write(`\r\x1b[K${line.slice(0, width - 1)}`);
      statusShown = true;
    } else {
      process.stderr.write(`${line}\n`);
    }
  }, 1000);
  progress.unref();
  try {
    await pool.run(files);
  } finally {
    clearInterval(progress);
    clearStatus();
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(`${total.files} files in ${secs} s (engine ${opts.engine}, ${opts.jobs} jobs)\n`);
  process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  return total.failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
