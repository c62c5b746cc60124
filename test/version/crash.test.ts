/**
 * Durability: a child process commits in a loop and is killed with SIGKILL at random points;
 * after each kill the database opens, every acknowledged commit is present, and a full verify
 * passes (every commit reachable from every branch and tag re-hashed, every tree node reachable
 * from their roots read back and re-hashed). 8 kills by default, 200 with HDB_LONG=1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cidOf, type CID } from '../../src/hash/index.js';
import { decodeTableObject } from '../../src/objects/index.js';
import { rootObject } from '../../src/sql/index.js';
import { open, type Database } from '../../src/index.js';

const KILLS = process.env.HDB_LONG ? 200 : 8;
const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Run the child until `killAfterMs` after its first ack, SIGKILL it, return the acknowledged ids. */
function runAndKill(dir: string, synchronous: 'full' | 'normal', killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, synchronous], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: number[] = [];
    let buf = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer ??= setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    };
    const guard = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') arm();
        else if (/^\d+$/.test(line)) acks.push(Number(line));
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

/** Walk everything reachable from every ref, re-hashing each chunk. Returns counts. */
function verify(db: Database): { commits: number; nodes: number } {
  const vc = db.vc;
  const ns = vc.ns;
  const refs = vc.refs;
  const seenCommits = new Set<string>();
  const seenNodes = new Set<string>();
  const seenChunks = new Set<string>();
  const rehash = (cid: CID): Uint8Array => {
    const bytes = ns.getBytes(cid);
    if (cidOf(bytes).toString() !== cid.toString()) throw new Error(`chunk ${cid.toString()} does not match its id`);
    return bytes;
  };
  const walkTree = (cid: CID): void => {
    const k = cid.toString();
    if (seenNodes.has(k)) return;
    seenNodes.add(k);
    const node = ns.getNode(cid); // a node read from the store is re-hashed by the NodeStore (verify)
    if (node.cid.toString() !== k) throw new Error(`node ${k} does not match its id`);
    if (!node.isLeaf) for (const c of node.children) walkTree(c);
  };
  const heads = [...refs.listBranches().map((b) => b.head), ...refs.listTags().map((t) => t.commit)];
  for (const e of refs.log(heads)) {
    const k = e.cid.toString();
    if (seenCommits.has(k)) continue;
    seenCommits.add(k);
    rehash(e.cid);
    const rootCid = e.commit.root;
    if (!seenChunks.has(rootCid.toString())) {
      seenChunks.add(rootCid.toString());
      rehash(rootCid);
      for (const tcid of Object.values(rootObject(ns, rootCid).tables)) {
        if (seenChunks.has(tcid.toString())) continue;
        seenChunks.add(tcid.toString());
        const t = decodeTableObject(rehash(tcid));
        rehash(t.schema);
        walkTree(t.rows);
        for (const ix of Object.values(t.indexes)) walkTree(ix);
      }
    }
  }
  return { commits: seenCommits.size, nodes: seenNodes.size };
}

describe('crash safety', () => {
  // 'normal' writes commits through the redo log (src/store/redo-log.ts), 'full' straight to LevelDB
  it.each([
    ['full', KILLS],
    ['normal', Math.max(4, KILLS / 2)],
  ] as const)(`every acknowledged commit survives SIGKILL (synchronous=%s, %i kills) and the database verifies`, async (synchronous, kills) => {
    const dir = mkdtempSync(join(tmpdir(), 'hdb-crash-'));
    dirs.push(dir);
    let acked = 0;
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < kills; k++) {
      const acks = await runAndKill(dir, synchronous, 5 + Math.floor(rand() * 120));
      if (acks.length) acked = Math.max(acked, acks[acks.length - 1]!);
      const db = await open(dir, { synchronous });
      try {
        const r = await db.get<{ n: number; m: number | null }>('SELECT count(*) AS n, max(id) AS m FROM t');
        // Every acknowledged row is there, with no gaps (ids are committed in order).
        expect(r!.m ?? 0).toBeGreaterThanOrEqual(acked);
        expect(r!.n).toBe(r!.m ?? 0);
        // One commit per row on main (plus the table's creation and the initial commit).
        const commits = (await db.query('SELECT count(*) AS c FROM heliosdb_log'))[0]!.c as number;
        expect(commits).toBe((r!.m ?? 0) + 2);
        const v = verify(db);
        expect(v.commits).toBeGreaterThanOrEqual(commits);
      } finally {
        await db.close();
      }
    }
    expect(acked).toBeGreaterThan(0);
  }, (KILLS * 5 + 60) * 1000);
});
