import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidKey, cidOf, type CID } from '../../src/hash/index.js';
import { makeCommit, type Commit } from '../../src/objects/index.js';
import { isAncestor, mergeBase, mergeBases, walkLog, type CommitReader } from '../../src/refs/index.js';

/** A random DAG: node i lists parent indices, all lower than i, distinct. */
interface Dag {
  parents: number[][];
  timestamps: number[];
}

const dagArb: fc.Arbitrary<Dag> = fc.integer({ min: 1, max: 28 }).chain((n) =>
  fc.record({
    parents: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        i === 0
          ? fc.constant<number[]>([])
          : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: 3 }).map((ps) =>
              // most commits have a parent; a few start new roots
              ps,
            ),
      ),
    ),
    timestamps: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
  }),
);

interface Built {
  cids: CID[];
  commits: Commit[];
  read: CommitReader;
  index: Map<string, number>;
}

function build(d: Dag): Built {
  const cids: CID[] = [];
  const commits: Commit[] = [];
  const byKey = new Map<string, Commit>();
  const index = new Map<string, number>();
  d.parents.forEach((ps, i) => {
    const generation = 1 + Math.max(0, ...ps.map((p) => (commits[p] as Commit).generation));
    const e = makeCommit({
      root: cidOf(new Uint8Array([i & 255, i >> 8])),
      parents: ps.map((p) => cids[p] as CID),
      author: 't',
      message: `c${i}`,
      timestamp: d.timestamps[i] as number,
      transaction: 0,
      scn: i + 1,
      generation,
    });
    cids.push(e.cid);
    commits.push(e.commit);
    byKey.set(cidKey(e.cid), e.commit);
    index.set(cidKey(e.cid), i);
  });
  const read: CommitReader = (cid) => {
    const c = byKey.get(cidKey(cid));
    if (!c) throw new Error('missing commit');
    return c;
  };
  return { cids, commits, read, index };
}

/** Naive model: ancestor sets (inclusive) by recursion. */
function ancestors(d: Dag): Set<number>[] {
  const out: Set<number>[] = [];
  d.parents.forEach((ps, i) => {
    const s = new Set<number>([i]);
    for (const p of ps) for (const a of out[p] as Set<number>) s.add(a);
    out.push(s);
  });
  return out;
}

function naiveOrder(b: Built, nodes: Iterable<number>): number[] {
  return [...nodes].sort((x, y) => {
    const cx = b.commits[x] as Commit;
    const cy = b.commits[y] as Commit;
    if (cx.generation !== cy.generation) return cy.generation - cx.generation;
    if (cx.timestamp !== cy.timestamp) return cy.timestamp - cx.timestamp;
    const kx = cidKey(b.cids[x] as CID);
    const ky = cidKey(b.cids[y] as CID);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });
}

const pick = (d: Dag) => fc.integer({ min: 0, max: d.parents.length - 1 });
const withPair = dagArb.chain((d) => fc.tuple(fc.constant(d), pick(d), pick(d)));

describe('commit graph against a naive model', () => {
  it('isAncestor matches reachability', () => {
    fc.assert(
      fc.property(withPair, ([d, a, b]) => {
        const built = build(d);
        const anc = ancestors(d);
        expect(isAncestor(built.read, built.cids[a] as CID, built.cids[b] as CID)).toBe((anc[b] as Set<number>).has(a));
      }),
      { numRuns: 300 },
    );
  });

  it('mergeBases are exactly the lowest common ancestors, in log order, whatever the argument order', () => {
    fc.assert(
      fc.property(withPair, ([d, a, b]) => {
        const built = build(d);
        const anc = ancestors(d);
        const common = [...(anc[a] as Set<number>)].filter((x) => (anc[b] as Set<number>).has(x));
        const lowest = common.filter((c) => !common.some((o) => o !== c && (anc[o] as Set<number>).has(c)));
        const want = naiveOrder(built, lowest).map((i) => (built.cids[i] as CID).toString());
        const got = mergeBases(built.read, built.cids[a] as CID, built.cids[b] as CID).map(String);
        expect(got).toEqual(want);
        const back = mergeBases(built.read, built.cids[b] as CID, built.cids[a] as CID).map(String);
        expect(back).toEqual(want);
        expect(mergeBase(built.read, built.cids[a] as CID, built.cids[b] as CID)?.toString()).toBe(want[0]);
      }),
      { numRuns: 400 },
    );
  });

  it('log lists exactly the ancestors, each once, children before parents, in generation order', () => {
    fc.assert(
      fc.property(dagArb.chain((d) => fc.tuple(fc.constant(d), fc.uniqueArray(pick(d), { minLength: 1, maxLength: 3 }))), ([d, starts]) => {
        const built = build(d);
        const anc = ancestors(d);
        const all = new Set<number>();
        for (const s of starts) for (const x of anc[s] as Set<number>) all.add(x);
        const got = [...walkLog(built.read, starts.map((s) => built.cids[s] as CID))].map(
          (e) => built.index.get(cidKey(e.cid)) as number,
        );
        expect(got).toEqual(naiveOrder(built, all));
        const pos = new Map(got.map((x, i) => [x, i]));
        for (const x of got) for (const p of d.parents[x] as number[]) expect(pos.get(p)).toBeGreaterThan(pos.get(x) as number);
      }),
      { numRuns: 300 },
    );
  });

  it('log honours limit and firstParent', () => {
    fc.assert(
      fc.property(dagArb.chain((d) => fc.tuple(fc.constant(d), pick(d), fc.integer({ min: 0, max: 10 }))), ([d, s, limit]) => {
        const built = build(d);
        const chain: number[] = [];
        for (let x: number | undefined = s; x !== undefined; x = (d.parents[x] as number[])[0]) chain.push(x);
        const fp = [...walkLog(built.read, built.cids[s] as CID, { firstParent: true })].map(
          (e) => built.index.get(cidKey(e.cid)) as number,
        );
        expect(fp).toEqual(chain);
        const full = [...walkLog(built.read, built.cids[s] as CID)];
        const limited = [...walkLog(built.read, built.cids[s] as CID, { limit })];
        expect(limited.map((e) => e.cid.toString())).toEqual(full.slice(0, limit).map((e) => e.cid.toString()));
      }),
      { numRuns: 200 },
    );
  });

  it('log is lazy: it reads only what it yields plus the frontier', () => {
    // A linear history of 1,000 commits; taking 3 reads at most 4 commits.
    const d: Dag = { parents: Array.from({ length: 1000 }, (_, i) => (i === 0 ? [] : [i - 1])), timestamps: Array(1000).fill(0) };
    const built = build(d);
    let reads = 0;
    const counting: CommitReader = (cid) => {
      reads++;
      return built.read(cid);
    };
    const it = walkLog(counting, built.cids[999] as CID);
    for (let i = 0; i < 3; i++) it.next();
    expect(reads).toBeLessThanOrEqual(4);
  });

  it('criss-cross merge: two merge bases, the documented one first', () => {
    // r ← a, r ← b; m1 = merge(a, b), m2 = merge(b, a); tips x ← m1, y ← m2.
    const d: Dag = {
      parents: [[], [0], [0], [1, 2], [2, 1], [3], [4]],
      timestamps: [0, 5, 9, 10, 10, 11, 11],
    };
    const built = build(d);
    const got = mergeBases(built.read, built.cids[5] as CID, built.cids[6] as CID).map(String);
    // Both a (ts 5) and b (ts 9) have generation 2; the newer timestamp wins.
    expect(got).toEqual([(built.cids[2] as CID).toString(), (built.cids[1] as CID).toString()]);
  });

  it('unrelated histories have no merge base', () => {
    const d: Dag = { parents: [[], [], [0], [1]], timestamps: [0, 0, 0, 0] };
    const built = build(d);
    expect(mergeBase(built.read, built.cids[2] as CID, built.cids[3] as CID)).toBeUndefined();
    expect(isAncestor(built.read, built.cids[0] as CID, built.cids[3] as CID)).toBe(false);
  });
});
