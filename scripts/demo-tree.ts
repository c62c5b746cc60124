/**
 * A walkthrough of the storage engine underneath HeliosDB Nano: a prolly tree of
 * content-addressed chunks in an embedded LevelDB database. Run with `npm run demo`.
 *
 * It shows what every later feature stands on: the same data always has the same root CID
 * (history independence), a change rewrites only the path to it, and the difference between
 * two versions is found by skipping every shared subtree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/store/index.js';
import { NodeStore, ProllyTree, type TreeEntry } from '../src/objects/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const key = (i: number) => enc.encode(`account:${String(i).padStart(7, '0')}`);
const val = (i: number, v = i * 10) => enc.encode(JSON.stringify({ id: i, balance: v }));

const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (t: string) => `\x1b[1m${t}\x1b[0m` : (t: string) => t;
function step(title: string): void {
  console.log(`\n${bold(`▸ ${title}`)}`);
}
function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(1)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'heliosdb-demo-'));
const storage = await openStorage(join(dir, 'db'));
const ns = new NodeStore(storage.chunks);
const N = 200_000;

try {
  step(`Bulk-build a tree of ${N.toLocaleString()} entries into LevelDB at ${dir}`);
  let t0 = performance.now();
  const entries: TreeEntry[] = [];
  for (let i = 0; i < N; i++) entries.push({ key: key(i), value: val(i) });
  const v1 = ProllyTree.build(ns, entries);
  const written = await ns.flush({ sync: true });
  console.log(`  root ${v1.root}`);
  console.log(`  ${v1.count.toLocaleString()} entries, depth ${v1.depth}, ${written.chunks} chunks, ${(written.bytes / 1048576).toFixed(1)} MiB, ${ms(t0)}`);

  step('Read it back: point get, range scan, count and seek by offset (O(log n))');
  t0 = performance.now();
  console.log(`  get account:0123456 → ${dec.decode(v1.get(key(123_456))!)}`);
  const range = [...v1.entries({ start: key(1000), end: key(1003) })].map((e) => dec.decode(e.key));
  console.log(`  range [1000, 1003) → ${range.join(', ')}`);
  console.log(`  countRange [50000, 150000) → ${v1.countRange({ start: key(50_000), end: key(150_000) }).toLocaleString()}`);
  console.log(`  at(199999) → ${dec.decode(v1.at(199_999)!.key)}  (${ms(t0)})`);

  step('History independence: the same entries inserted in another order give the same root');
  const shuffled = entries.slice(0, 5000).reverse();
  let other = ProllyTree.empty(ns);
  for (let i = 0; i < shuffled.length; i += 500) other = other.mutate(shuffled.slice(i, i + 500));
  const direct = ProllyTree.build(ns, entries.slice(0, 5000));
  console.log(`  built at once:      ${direct.root}`);
  console.log(`  10 reverse batches: ${other.root}`);
  console.log(`  identical: ${direct.root.equals(other.root)}`);
  await ns.flush();

  step('Change one entry: only the path from the root to that leaf is rewritten');
  const before = ns.stats().chunksPut;
  t0 = performance.now();
  const v2 = v1.mutate([{ key: key(77_777), value: val(77_777, 999_999) }]);
  const changed = ns.stats().chunksPut - before;
  await ns.flush({ sync: true });
  console.log(`  new root ${v2.root}`);
  console.log(`  ${changed} new chunks for a tree of depth ${v2.depth} (${ms(t0)}); every other chunk is shared with the old version`);

  step('Diff the two versions: shared subtrees are skipped by CID');
  t0 = performance.now();
  for (const d of v1.diff(v2)) {
    console.log(`  ${d.kind} ${dec.decode(d.key)}: ${d.kind === 'modified' ? `${dec.decode(d.from)} → ${dec.decode(d.to)}` : ''}`);
  }
  console.log(`  (${ms(t0)} over ${N.toLocaleString()} entries)`);

  step('Both versions stay readable: the old root still answers the old value');
  console.log(`  v1 account:0077777 → ${dec.decode(v1.get(key(77_777))!)}`);
  console.log(`  v2 account:0077777 → ${dec.decode(v2.get(key(77_777))!)}`);

  step('Verify: re-hash every stored chunk against its content id');
  t0 = performance.now();
  const report = await storage.chunks.verify();
  console.log(`  ${report.checked} chunks checked, ${report.corrupt.length} corrupt (${ms(t0)})`);
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log('\nNext: the SQL engine on these trees (issue 3), then commits, branches, AS OF and merge.');
