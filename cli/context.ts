/**
 * The shared context of every `heliosdb-nano` command: global options (`--db`, `HELIOSDB_DB`,
 * `--json`, `--no-color`), finding the database folder from the current folder upward like Git
 * (`<dir>/.heliosdb`), opening it with its `heliosdb.toml`, the CLI's current branch (kept in the
 * database folder), output helpers (tables, CSV, JSON, JSON lines, colour only on a TTY and never
 * with NO_COLOR), a progress bar, and the mapping of errors to exit codes (0 ok, 1 failure,
 * 2 usage).
 *
 * Command modules (`cli/commands/<name>.ts`) export `register(program, ctx)` and use only this
 * context and the public library API.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { open, loadConfigFile, configToOpenOptions, HeliosError, type Database, type OpenOptions, type LoadedConfig } from '../src/index.js';
import { formatTable, formatCsv, toJsonText, type Columns } from './format.js';

/** Name of the database folder `init` creates and commands look for. */
export const DB_FOLDER = '.heliosdb';
/** File in the database folder holding the CLI's current branch (like Git's HEAD). */
export const BRANCH_FILE = 'CLI_BRANCH';
/** Configuration file in the database folder. */
export const CONFIG_FILE = 'heliosdb.toml';

/** A failure reported to the user; exit code 1 (or `exitCode`). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly code = 'CLI_ERROR',
  ) {
    super(message);
  }
}

/** Wrong use of the command line: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2, 'USAGE');
  }
}

/** The exit code for an error: 2 for usage errors, 1 for every other failure. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (typeof err === 'object' && err !== null && 'exitCode' in err && typeof (err as { exitCode: unknown }).exitCode === 'number') {
    const c = (err as { exitCode: number }).exitCode;
    return c === 0 ? 0 : c === 1 && String((err as { code?: unknown }).code ?? '').startsWith('commander.') ? 2 : c;
  }
  return 1;
}

/** Output formats of commands that print rows. */
export type OutputFormat = 'table' | 'csv' | 'json' | 'jsonl';
export const FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json', 'jsonl'];

export function parseFormat(s: string): OutputFormat {
  if ((FORMATS as readonly string[]).includes(s)) return s as OutputFormat;
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${s}')`);
}

/** A progress reporter; a no-op when stderr is not a terminal. */
export interface Progress {
  update(done: number): void;
  increment(n?: number): void;
  stop(): void;
}

/** Global options of the program. */
export interface GlobalOptions {
  db?: string;
  json?: boolean;
  color?: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 } as const;
type ColourName = keyof typeof ANSI | 'bold' | 'dim';

export class CliContext {
  program: Command | undefined;
  /** Run another command line in this process (set by the program; used by `demo`). */
  runCommand: ((args: string[]) => Promise<number>) | undefined;
  /** Where normal output goes (stdout). */
  readonly out: NodeJS.WriteStream;
  /** Where errors, warnings and progress go (stderr). */
  readonly err: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;

  constructor(options: { out?: NodeJS.WriteStream; err?: NodeJS.WriteStream; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.out = options.out ?? process.stdout;
    this.err = options.err ?? process.stderr;
    this.env = options.env ?? process.env;
    this.cwd = options.cwd ?? process.cwd();
  }

  /** The global options as parsed. */
  get opts(): GlobalOptions {
    return (this.program?.opts() ?? {}) as GlobalOptions;
  }

  /** True with `--json`. */
  get json(): boolean {
    return this.opts.json === true;
  }

  /** Colour on stdout: a TTY, no `NO_COLOR`, no `--no-color` (FORCE_COLOR forces it). */
  get color(): boolean {
    if (this.opts.color === false) return false;
    if (this.env.NO_COLOR !== undefined && this.env.NO_COLOR !== '') return false;
    if (this.env.FORCE_COLOR !== undefined && this.env.FORCE_COLOR !== '0') return true;
    return this.out.isTTY === true;
  }

  /** Wrap text in an ANSI colour when colour is on. */
  paint(colour: ColourName, text: string): string {
    if (!this.color) return text;
    const code = colour === 'bold' ? 1 : colour === 'dim' ? 2 : ANSI[colour];
    return `\x1b[${code}m${text}\x1b[0m`;
  }

  /** Print a line (or lines) to stdout. */
  print(text = ''): void {
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Print a value as JSON (bigint as digits, bytes as hex). */
  printJson(value: unknown): void {
    this.print(toJsonText(value, 2));
  }

  /** Print a warning to stderr. */
  warn(text: string): void {
    this.err.write(`${this.errPaint('yellow', 'warning:')} ${text}\n`);
  }

  /** Print a note to stderr (kept off stdout so piped output stays clean). */
  note(text: string): void {
    this.err.write(`${text}\n`);
  }

  /** Print an error to stderr in the form `error: message`. */
  printError(err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    const code = err instanceof HeliosError ? ` [${err.code}]` : '';
    this.err.write(`${this.errPaint('red', 'error:')} ${msg}${code}\n`);
  }

  private errPaint(colour: ColourName, text: string): string {
    const tty = this.err.isTTY === true && this.opts.color !== false && !(this.env.NO_COLOR !== undefined && this.env.NO_COLOR !== '');
    return tty ? `\x1b[${colour === 'bold' ? 1 : colour === 'dim' ? 2 : ANSI[colour]}m${text}\x1b[0m` : text;
  }

  /** Print rows in a format (`--json` forces json). */
  printRows(rows: readonly Record<string, unknown>[], columns: Columns | undefined, format: OutputFormat = this.json ? 'json' : 'table'): void {
    const cols = columns ?? columnsOf(rows);
    switch (format) {
      case 'json':
        this.print(toJsonText(rows, 2));
        break;
      case 'jsonl':
        for (const r of rows) this.print(toJsonText(r));
        break;
      case 'csv':
        this.out.write(formatCsv(rows, cols));
        break;
      default:
        this.out.write(formatTable(rows, cols, { header: (s) => this.paint('bold', s) }));
        this.print(this.paint('dim', `(${rows.length} row${rows.length === 1 ? '' : 's'})`));
    }
  }

  /** A progress bar on stderr for long work (only on a terminal); `total` may be 0 when unknown. */
  progress(label: string, total: number, unit = 'rows'): Progress {
    if (this.err.isTTY !== true) return { update() {}, increment() {}, stop() {} };
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {speed} ${unit}/s`,
        stream: this.err,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const start = Date.now();
    let done = 0;
    const speed = () => Math.round(done / Math.max(0.001, (Date.now() - start) / 1000));
    bar.start(Math.max(total, 1), 0, { speed: 0 });
    return {
      update(n) {
        done = n;
        bar.update(n, { speed: speed() });
      },
      increment(n = 1) {
        done += n;
        bar.update(done, { speed: speed() });
      },
      stop() {
        bar.stop();
      },
    };
  }

  // ---- finding and opening the database ----

  /**
   * The database folder: `--db`, else `HELIOSDB_DB`, else the nearest `.heliosdb` folder from
   * the current folder upward. Throws "no database found" (exit 1) when there is none.
   */
  findDb(): string {
    const explicit = this.opts.db ?? (this.env.HELIOSDB_DB || undefined);
    if (explicit !== undefined) {
      const p = resolve(this.cwd, explicit);
      if (existsSync(p) && statSync(p).isDirectory() && existsSync(join(p, DB_FOLDER))) return join(p, DB_FOLDER);
      if (!existsSync(p)) throw new CliError(`no database at ${p} (create one with: heliosdb-nano init ${explicit})`, 1, 'NO_DATABASE');
      if (!isDbFolder(p)) throw new CliError(`${p} is not a HeliosDB Nano database (create one with: heliosdb-nano init ${explicit})`, 1, 'NO_DATABASE');
      return p;
    }
    let dir = this.cwd;
    for (;;) {
      const candidate = join(dir, DB_FOLDER);
      if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    throw new CliError(`no database found in ${this.cwd} or any parent folder (create one with: heliosdb-nano init, or pass --db PATH)`, 1, 'NO_DATABASE');
  }

  /** The configuration of a database folder (warnings printed once). */
  config(dbDir: string): LoadedConfig {
    const file = join(dbDir, CONFIG_FILE);
    if (!existsSync(file)) return loadConfigFile(undefined);
    const loaded = loadConfigFile(readFileSync(file, 'utf8'), file);
    for (const w of loaded.warnings) this.warn(w);
    return loaded;
  }

  /** The CLI's current branch for a database folder (undefined: the default branch). */
  currentBranch(dbDir: string): string | undefined {
    const f = join(dbDir, BRANCH_FILE);
    if (!existsSync(f)) return undefined;
    const b = readFileSync(f, 'utf8').trim();
    return b === '' ? undefined : b;
  }

  setCurrentBranch(dbDir: string, branch: string): void {
    writeFileSync(join(dbDir, BRANCH_FILE), `${branch}\n`);
  }

  /**
   * Open the database found by `findDb()` (or `dir`), with its config, on the CLI's current
   * branch (or `branch`). The caller closes it; prefer `withDb`.
   */
  async openDb(options: { dir?: string; branch?: string; extra?: OpenOptions } = {}): Promise<{ db: Database; dir: string; config: LoadedConfig }> {
    const dir = options.dir ?? this.findDb();
    const config = this.config(dir);
    const dataDir = config.config.database.path !== undefined ? resolve(dir, config.config.database.path) : dir;
    const opts: OpenOptions = { ...configToOpenOptions(config.config), ...options.extra };
    const wanted = options.branch ?? this.currentBranch(dir);
    const db = await this.openWaiting(dataDir, opts);
    if (wanted !== undefined && wanted !== db.branch) {
      try {
        await db.useBranch(wanted);
      } catch (e) {
        if (options.branch === undefined) {
          this.warn(`the current branch '${wanted}' no longer exists; using '${db.branch}'`);
        } else {
          await db.close();
          throw e;
        }
      }
    }
    return { db, dir, config };
  }

  /**
   * `open()`, waiting while another process holds the folder (a LevelDB lock) — up to
   * `HELIOSDB_LOCK_TIMEOUT` ms (default 10 s) — so that commands run back to back or from two
   * shells take turns instead of failing.
   */
  async openWaiting(dir: string, opts: OpenOptions): Promise<Database> {
    const limit = Number(this.env.HELIOSDB_LOCK_TIMEOUT ?? 10_000);
    const start = Date.now();
    let delay = 20;
    for (;;) {
      try {
        return await open(dir, opts);
      } catch (e) {
        const busy = e instanceof HeliosError && e.code === 'STORAGE_ERROR' && /in use by another/.test(e.message);
        if (!busy || Date.now() - start >= limit) throw e;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 250);
      }
    }
  }

  /** Open the database, run `fn`, close it (also on error). */
  async withDb<T>(fn: (db: Database, dir: string) => Promise<T>, options: { dir?: string; branch?: string; extra?: OpenOptions } = {}): Promise<T> {
    const { db, dir } = await this.openDb(options);
    try {
      return await fn(db, dir);
    } finally {
      await db.close();
    }
  }

  /** Create a database folder (and its default heliosdb.toml). */
  async createDb(dbDir: string, config?: string): Promise<void> {
    mkdirSync(dbDir, { recursive: true });
    const file = join(dbDir, CONFIG_FILE);
    if (!existsSync(file)) writeFileSync(file, config ?? DEFAULT_CONFIG);
    const db = await this.openWaiting(dbDir, configToOpenOptions(this.config(dbDir).config));
    await db.close();
  }

  /**
   * Wrap a command action: errors are printed as `error: …` and set the exit code (1, or 2 for
   * usage errors); nothing is thrown to commander.
   */
  action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await fn(...args);
      } catch (e) {
        this.fail(e);
      }
    };
  }

  /** Report an error and set the process exit code. */
  fail(e: unknown): void {
    this.printError(e);
    process.exitCode = exitCodeOf(e);
  }
}

/** The default heliosdb.toml written by `init`. */
export const DEFAULT_CONFIG = `# HeliosDB Nano configuration (see: heliosdb-nano config list)
# versioning = "transaction"   # or "manual": changes wait for \`heliosdb-nano commit -m\`
# author = "you@example.com"

[storage]
time_travel_enabled = true

[snapshot]
# min_retention_seconds = 7776000   # keep AS OF history for at least 90 days
# max_snapshots = 10000
auto_gc_enabled = false
`;

/** True when a folder holds a database (a LevelDB store or a heliosdb.toml). */
export function isDbFolder(p: string): boolean {
  return existsSync(join(p, 'CURRENT')) || existsSync(join(p, CONFIG_FILE));
}

/** Column names of rows: the union of keys in first-seen order. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
