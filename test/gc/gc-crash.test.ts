/**
 * GC crash safety: a child process commits and collects in a loop (policy max_snapshots=4) and
 * is killed with SIGKILL at random points; after each kill the database opens, every stored
 * chunk re-hashes (verify), fsck finds nothing missing, and every version the log still keeps
 * reads the same as when it was committed. 4 kills by default, 100 with HDB_LONG=1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { open } from '../../src/index.js';

const KILLS = process.env.HDB_LONG ? 100 : 4;
const child = fileURLToPath(new URL('./fixtures/gc-crash-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hdb-gc-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAndKill(killAfterMs: number): Promise<[string, number][]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: [string, number][] = [];
    let buf = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') timer ??= setTimeout(() => p.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('c ')) {
          const [, id, s] = line.split(' ');
          acks.push([id!, Number(s)]);
        }
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(acks);
    });
  });
}

it(`survives SIGKILL during GC ${KILLS} times`, async () => {
  const db0 = await open(dir, { retention: { maxSnapshots: 4 } });
  await db0.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  await db0.transaction(async () => {
    for (let i = 0; i < 1500; i++) await db0.run('INSERT INTO t VALUES (?, ?)', [i, `seed-${i}-${'s'.repeat(40)}`]);
  })();
  await db0.close();
  const sums = new Map<string, number>();
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let k = 0; k < KILLS; k++) {
    const acks = await runAndKill(100 + Math.floor(rand() * 900));
    for (const [id, s] of acks) sums.set(id, s);
    const db = await open(dir);
    const v = await db.vc.ns.store.verify();
    expect(v.corrupt).toEqual([]);
    const f = await db.fsck();
    expect(f.problems).toEqual([]);
    const log = await db.log();
    for (const [id] of acks) expect(log.some((c) => c.id === id)).toBe(true);
    let checkedVersions = 0;
    for (const c of log) {
      if (c.pruned || !sums.has(c.id)) continue;
      const r = await db.get<{ s: number }>(`SELECT sum(length(v)) + count(*) AS s FROM t AS OF '${c.id}'`);
      expect(r!.s).toBe(sums.get(c.id));
      checkedVersions++;
    }
    if (acks.length > 0) expect(checkedVersions).toBeGreaterThan(0);
    await db.close();
  }
}, 600_000);
