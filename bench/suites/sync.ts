/**
 * Sync benchmarks (issue 7 targets):
 *
 * - after changing 1% of the rows of a 100K-row table (20K with --quick), `push` over loopback
 *   HTTP sends ≤ 2× the bytes of the changed chunks (the chunks the new version has and the
 *   old one lacks, found by walking both DAGs); bytes sent are also reported against the
 *   database size;
 * - `clone` over loopback HTTP ≥ 50 MB/s. Rows: `HDB_SYNC_ROWS` (default 1M; 100K with
 *   --quick). Measured twice: with the server in a child process (as `heliosdb-nano serve`
 *   runs), and with server and client sharing this process (and its one thread).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clone, open, type Database } from '../../src/index.js';
import { openStorage, type ChunkStore } from '../../src/store/index.js';
import { chunkLinks } from '../../src/sync/index.js';
import type { CID } from '../../src/hash/index.js';
import { now, rng, round, type BenchResult, type Suite } from '../lib.js';

const DDL = 'CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT, balance REAL, updated INTEGER)';

async function load(db: Database, n: number, seed = 7): Promise<void> {
  const rand = rng(seed);
  await db.exec(DDL);
  const ins = db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
  const CH = 100_000;
  for (let s = 0; s < n; s += CH) {
    await db.transaction(async () => {
      for (let i = s; i < Math.min(n, s + CH); i++) await ins.run(i + 1, `name-${i + 1}`, Math.round(rand() * 1e6) / 100, 1_700_000_000 + i);
    })();
  }
}

/** Every chunk reachable from `head`: cid text → byte size. */
async function reachable(store: ChunkStore, head: CID): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let frontier: CID[] = [head];
  while (frontier.length > 0) {
    const fresh = frontier.filter((c) => !out.has(c.toString()));
    frontier = [];
    for (let i = 0; i < fresh.length; i += 1024) {
      const part = fresh.slice(i, i + 1024);
      const got = await store.getMany(part);
      got.forEach((b, j) => {
        const k = part[j]!.toString();
        if (out.has(k)) return;
        out.set(k, b.length);
        frontier.push(...chunkLinks(b));
      });
    }
  }
  return out;
}

async function pushAfterOnePercent(tmp: string, rows: number, log: (m: string) => void): Promise<BenchResult[]> {
  const hubDir = join(tmp, 'push-hub');
  const nodeDir = join(tmp, 'push-node');
  const hub = await open(hubDir, { synchronous: 'normal' });
  const srv = await hub.serve();
  const node = await clone(srv.url, nodeDir, { synchronous: 'normal' });
  await load(node, rows);
  const first = await node.push();
  log(`initial push: ${first.chunks} chunks, ${(first.bytes / 1e6).toFixed(2)} MB`);
  const oldHead = (await node.resolve('main')).id;
  const rand = rng(11);
  const changed = Math.max(1, Math.round(rows / 100));
  await node.transaction(async () => {
    const up = node.prepare('UPDATE accounts SET balance = ?, updated = updated + 1 WHERE id = ?');
    for (let i = 0; i < changed; i++) await up.run(Math.round(rand() * 1e6) / 100, 1 + Math.floor(rand() * rows));
  })();
  const newHead = (await node.resolve('main')).id;
  const t0 = now();
  const p = await node.push();
  const pushMs = now() - t0;
  await node.close();
  await srv.close();
  await hub.close();

  const st = await openStorage(nodeDir);
  const { parseCid } = await import('../../src/hash/index.js');
  const before = await reachable(st.chunks, parseCid(oldHead));
  const after = await reachable(st.chunks, parseCid(newHead));
  await st.close();
  let changedBytes = 0;
  let changedChunks = 0;
  let dbBytes = 0;
  for (const [k, n] of after) {
    dbBytes += n;
    if (!before.has(k)) {
      changedBytes += n;
      changedChunks++;
    }
  }
  const ratio = p.bytes / changedBytes;
  log(`1% push: sent ${p.chunks} chunks / ${p.bytes} B; changed ${changedChunks} chunks / ${changedBytes} B; database ${dbBytes} B in ${after.size} chunks`);
  return [
    { name: `push after 1% of ${rows / 1000}K rows changed: bytes sent ÷ changed-chunk bytes`, unit: '×', heliosdb: round(ratio), target: '≤ 2×', note: `${p.bytes} B sent, ${changedBytes} B changed (${changedChunks} chunks), ${p.skipped} subtrees skipped, ${round(pushMs, 1)} ms` },
    { name: `push after 1% of ${rows / 1000}K rows changed: bytes sent ÷ database size`, unit: '%', heliosdb: round((100 * p.bytes) / dbBytes), note: `database ${(dbBytes / 1e6).toFixed(2)} MB in ${after.size} chunks` },
  ];
}

async function cloneThroughput(tmp: string, rows: number, log: (m: string) => void): Promise<BenchResult[]> {
  const srcDir = join(tmp, 'clone-src');
  const src = await open(srcDir, { synchronous: 'normal' });
  const t0 = now();
  await load(src, rows);
  log(`loaded ${rows} rows in ${round((now() - t0) / 1000, 1)} s`);
  const inProc = await src.serve();
  const same = await cloneRuns(inProc.url, tmp, 'same', log);
  await inProc.close();
  await src.close();
  // The server in its own process, as `heliosdb-nano serve` runs.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const script = join(tmp, 'serve-child.mts');
  writeFileSync(script, `import { open } from ${JSON.stringify(join(root, 'src', 'index.ts'))};\nconst db = await open(process.argv[2]);\nconst s = await db.serve();\nprocess.stdout.write(s.url + '\\n');\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, srcDir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let other: { mbps: number; bytes: number; ms: number };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/[\d.:]+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
    });
    other = await cloneRuns(url, tmp, 'child', log);
  } finally {
    child.kill('SIGKILL');
  }
  return [
    { name: `clone of ${rows / 1000}K rows over loopback HTTP (server process)`, unit: 'MB/s', heliosdb: round(other.mbps, 1), target: '≥ 50 MB/s', note: `${(other.bytes / 1e6).toFixed(1)} MB in ${round(other.ms, 0)} ms (median of 3)` },
    { name: `clone of ${rows / 1000}K rows over loopback HTTP (same process)`, unit: 'MB/s', heliosdb: round(same.mbps, 1), note: `${(same.bytes / 1e6).toFixed(1)} MB in ${round(same.ms, 0)} ms (median of 3; server and client share one thread)` },
  ];
}

async function cloneRuns(url: string, tmp: string, tag: string, log: (m: string) => void): Promise<{ mbps: number; bytes: number; ms: number }> {
  const runs: { mbps: number; bytes: number; ms: number }[] = [];
  for (let r = 0; r < 3; r++) {
    const t1 = now();
    let bytes = 0;
    const c = await clone(url, join(tmp, `clone-${tag}-${r}`), { synchronous: 'normal', onProgress: (p) => (bytes = p.bytes) });
    const ms = now() - t1;
    await c.close();
    runs.push({ mbps: bytes / 1e6 / (ms / 1000), bytes, ms });
    log(`clone ${tag} ${r}: ${(bytes / 1e6).toFixed(1)} MB in ${round(ms, 1)} ms`);
  }
  runs.sort((a, b) => a.mbps - b.mbps);
  return runs[1]!;
}

export default {
  name: 'sync',
  async run(ctx) {
    const pushRows = ctx.quick ? 20_000 : 100_000;
    const cloneRows = Number(process.env.HDB_SYNC_ROWS ?? (ctx.quick ? 100_000 : 1_000_000));
    return [...(await pushAfterOnePercent(ctx.tmpDir, pushRows, ctx.log)), ...(await cloneThroughput(ctx.tmpDir, cloneRows, ctx.log))];
  },
} satisfies Suite;
