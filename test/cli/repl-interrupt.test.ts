/**
 * Ctrl-C in the interactive shell cancels the running statement (INTERRUPTED, its changes
 * undone, the open transaction kept) and the shell goes on. The terminal sends SIGINT to the
 * shell's whole process group: the test starts the shell in its own group and signals it.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, ensureBuilt, hdb, tempDir } from './helpers.js';

let home: string;

beforeAll(async () => {
  await ensureBuilt();
  home = tempDir();
}, 180_000);

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

it('Ctrl-C cancels the running statement, not the shell', async () => {
  const dir = join(home, 'db');
  expect((await hdb(home, ['init', dir])).code).toBe(0);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'HELIOSDB_DB') env[k] = v;
  Object.assign(env, { HOME: home, HELIOSDB_HISTORY: join(home, '.h'), HELIOSDB_REPL_CTRL_C: '1', NO_COLOR: '1' });
  const child = spawn(process.execPath, [BIN, '--db', dir, 'sql', '-i'], { cwd: home, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const waitFor = async (pred: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 300 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!pred()) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
  };
  try {
    child.stdin.write('CREATE TABLE t (a INTEGER);\nBEGIN;\nINSERT INTO t VALUES (1);\n');
    await waitFor(() => stdout.includes('1 row changed'), 'the first insert');
    child.stdin.write('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) INSERT INTO t SELECT x FROM c;\n');
    await new Promise((r) => setTimeout(r, 700));
    process.kill(-child.pid!, 'SIGINT');
    await waitFor(() => stderr.includes('INTERRUPTED'), 'the interrupt');
    child.stdin.write('SELECT count(*) AS n FROM t;\nCOMMIT;\nSELECT 40 + 2 AS answer;\n\\q\n');
    const end = await closed;
    expect(end).toEqual({ code: 0, signal: null });
    expect(stderr).toMatch(/interrupted: the statement was cancelled: Ctrl-C .*\[INTERRUPTED\]/);
    expect(stdout).toMatch(/n\n-+\n\s*1\n\(1 row\)/);
    expect(stdout).toMatch(/answer\n-+\n\s*42\n/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
  // The transaction committed the first row only.
  const r = await hdb(home, ['--db', dir, 'sql', '-q', 'SELECT count(*) AS n FROM t']);
  expect(r.stdout).toContain('1\n(1 row)');
}, 60_000);
