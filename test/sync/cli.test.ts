/** The sync commands of the CLI, run as the real binary: remote, clone, fetch, pull, push, bundle, serve. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ensureBuilt, hdb, tempDir } from '../cli/helpers.js';

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir('hdb-sync-cli-');
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ok(args: string[]): Promise<string> {
  const r = await hdb(dir, args);
  expect(r.stderr.includes('error:') ? r.stderr : '').toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('sync commands', () => {
  it('clone, push, fetch, pull, remote and bundles between two folders', async () => {
    await ok(['init', 'hub']);
    await ok(['--db', 'hub', 'sql', '-q', "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')"]);
    expect(await ok(['clone', 'hub', 'node'])).toContain('Cloned');
    await ok(['--db', 'node', 'sql', '-q', "INSERT INTO t VALUES (3, 'c')"]);
    expect(await ok(['--db', 'node', 'push'])).toContain('main → origin');
    expect(JSON.parse(await ok(['--db', 'hub', '--json', 'sql', '-q', 'SELECT count(*) AS n FROM t']))).toEqual([{ n: 3 }]);
    expect(JSON.parse(await ok(['--db', 'node', '--json', 'remote']))).toEqual([{ name: 'origin', url: join(dir, 'hub') }]);

    // A diverged push is refused with exit code 1 and the typed code.
    await ok(['clone', 'hub', 'other']);
    await ok(['--db', 'other', 'sql', '-q', "INSERT INTO t VALUES (4, 'd')"]);
    await ok(['--db', 'node', 'sql', '-q', "INSERT INTO t VALUES (5, 'e')"]);
    await ok(['--db', 'node', 'push']);
    const refused = await hdb(dir, ['--db', 'other', 'push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NON_FAST_FORWARD');

    // Bundles: node → file → hub's remote-tracking ref.
    await ok(['--db', 'node', 'sql', '-q', "INSERT INTO t VALUES (6, 'f')"]);
    expect(await ok(['--db', 'node', 'bundle', 'create', 'edge.car', 'main', '--since', 'origin/main'])).toContain('edge.car');
    expect(await ok(['--db', 'hub', 'bundle', 'import', 'edge.car', '--as', 'edge'])).toContain('edge/main');
    expect(JSON.parse(await ok(['--db', 'hub', '--json', 'sql', '-q', "SELECT count(*) AS n FROM t AS OF 'edge/main'"]))).toEqual([{ n: 5 }]);

    // fetch on a clone that is behind: remote-tracking ref only.
    await ok(['--db', 'other', 'fetch']);
    const st = JSON.parse(await ok(['--db', 'other', '--json', 'sql', '-q', "SELECT count(*) AS n FROM t AS OF 'origin/main'"]));
    expect(st).toEqual([{ n: 4 }]);
  }, 120_000);

  it('serve: clone over HTTP; a read-only server refuses pushes', async () => {
    const child = spawn(process.execPath, [BIN, '--db', 'hub', 'serve', '--port', '0', '--read-only'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.once('exit', () => reject(new Error('serve exited')));
      });
      expect(await ok(['clone', url, 'web'])).toContain('Cloned');
      expect(JSON.parse(await ok(['--db', 'web', '--json', 'sql', '-q', 'SELECT count(*) AS n FROM t']))).toEqual([{ n: 4 }]);
      await ok(['--db', 'web', 'sql', '-q', "INSERT INTO t VALUES (7, 'g')"]);
      const r = await hdb(dir, ['--db', 'web', 'push']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('REMOTE_READ_ONLY');
    } finally {
      child.kill('SIGINT');
    }
  }, 120_000);
});
