import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFilesIsolated } from './pool.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('isolated pool', () => {
  it('fails a hung record, restarts the worker and resumes the file after it; same for a dying worker', async () => {
    const [r] = await runFilesIsolated([fixture('watchdog.test')], {
      engine: { module: fixture('misbehaving-engine.ts') },
      jobs: 1,
      timeoutMs: 3000,
    });
    expect(r).toMatchObject({ passed: 4, failed: 2, skipped: 0 });
    expect(r!.failures.map((f) => [f.line, f.reason.split(';')[0]])).toEqual([
      [9, 'timed out after 3000 ms'],
      [21, 'worker exited with code 7'],
    ]);
    // The resumed run rebuilt the table (line 14 saw 1,2,3) and the crashed INSERT never happened (line 24 saw 3).
    expect(r!.failures[0]!.sql).toContain('hang_forever');
  });

  it('runs several files in parallel and returns results in the order given', async () => {
    const files = [fixture('fail.test'), fixture('pass.test'), fixture('fail.test')];
    const rs = await runFilesIsolated(files, { engine: { name: 'better-sqlite3' }, jobs: 2 });
    expect(rs.map((r) => [r.file, r.passed, r.failed, r.skipped])).toEqual([
      [files[0], 2, 1, 0],
      [files[1], 3, 0, 1],
      [files[2], 2, 1, 0],
    ]);
    expect(rs[0]!.failures).toMatchObject([{ line: 8, expected: '10\n21', actual: '10\n20' }]);
  });
});

describe('slt command line', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'test/slt/cli.ts', '--engine', 'better-sqlite3', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints a line per file and the exact final line; exit code 0 when all pass', () => {
    const p = cli('--jobs', '1', fixture('pass.test'));
    expect(p.status).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^test\/slt\/fixtures\/pass\.test: 3 passed, 0 failed, 1 skipped \(\d+ ms\)$/);
    expect(lines.at(-1)).toBe('3 passed, 0 failed, 1 skipped');
  });

  it('walks folders, prints failures with --verbose and exits 1 when something failed', () => {
    const p = cli('--verbose', '--jobs', '2', fixture(''));
    expect(p.status).toBe(1);
    expect(p.stdout).toContain('test/slt/fixtures/fail.test: 2 passed, 1 failed, 0 skipped');
    expect(p.stdout).toContain('  line 8: wrong result');
    expect(p.stdout).toContain('SELECT x * 10 FROM t');
    // watchdog.test runs on better-sqlite3 here: nothing hangs; its last record expects 3 but sees 4.
    expect(p.stdout.trim().split('\n').at(-1)).toBe('10 passed, 2 failed, 1 skipped');
  });

  it('rejects an unknown engine with exit code 2', () => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', 'test/slt/cli.ts', '--engine', 'nope', fixture('pass.test')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(p.status).toBe(2);
    expect(p.stderr).toContain("unknown engine 'nope'");
  });
});
