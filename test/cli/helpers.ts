/**
 * Helpers of the CLI tests: build `dist/cli/main.js` once when it is older than the sources
 * (a lock folder keeps parallel test files from building twice), and run the real binary as a
 * subprocess in a given folder with a clean environment.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function stale(): boolean {
  if (!existsSync(BIN)) return true;
  const built = statSync(BIN).mtimeMs;
  return newestMtime(join(ROOT, 'cli')) > built || newestMtime(join(ROOT, 'src')) > built;
}

/** Build the CLI when stale (errors in other people's work in progress do not stop tsc emitting). */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, 'dist', '.cli-build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i === 599 || (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (stale()) spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore' });
    if (!existsSync(BIN)) throw new Error('building the CLI failed: dist/cli/main.js missing');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'hdb-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Run `heliosdb-nano args…` in `cwd`, with optional stdin and extra environment. */
export function hdb(cwd: string, args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !['HELIOSDB_DB', 'NO_COLOR', 'FORCE_COLOR'].includes(k)) env[k] = v;
  env.HOME = cwd;
  env.HELIOSDB_HISTORY = join(cwd, '.test_history');
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A test file's CLI workspace: `dir` (made after the build, removed after the file) and `ok`. */
export interface CliWorkspace {
  readonly dir: string;
  /** Run the binary in `dir`; expect exit code 0 and no error; the standard output. */
  ok(args: string[]): Promise<string>;
  /** Run the binary in `dir` whatever the outcome. */
  run(args: string[]): Promise<RunResult>;
}

/** Register the build, a temporary folder and its removal with the calling test file. */
export function cliWorkspace(prefix: string): CliWorkspace {
  let dir = '';
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir(prefix);
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    run: (args) => hdb(dir, args),
    async ok(args) {
      const r = await hdb(dir, args);
      expect(r.stderr.includes('error:') ? r.stderr : '').toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    },
  };
}
