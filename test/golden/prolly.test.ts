/**
 * Golden values of the prolly tree format: the empty tree's CID, the bytes of a small leaf and
 * internal node, and the root CIDs of trees built from fixed inputs. Any change here means the
 * node encoding or the boundary rule changed — every stored tree and every synced peer is
 * affected — so it must be deliberate.
 *
 * The values were computed once by the implementation (node.ts / chunker.ts as
 * documented in their headers) and then hard-coded; they are not recomputed by the test.
 */
import { describe, expect, it } from 'vitest';
import { cidOf } from '../../src/hash/index.js';
import { EMPTY_ROOT, encodeInternal, encodeLeaf, ProllyTree } from '../../src/objects/index.js';
import { MemoryChunkStore } from '../../src/store/index.js';
import { NodeStore } from '../../src/objects/index.js';

const enc = new TextEncoder();

/** `key-000000` → `value-000000`, the fixed input of the golden trees. */
function fixed(n: number): { key: Uint8Array; value: Uint8Array }[] {
  return Array.from({ length: n }, (_, i) => {
    const s = String(i).padStart(6, '0');
    return { key: enc.encode(`key-${s}`), value: enc.encode(`value-${s}`) };
  });
}

function build(entries: Iterable<{ key: Uint8Array; value: Uint8Array }>): ProllyTree {
  return ProllyTree.build(new NodeStore(new MemoryChunkStore()), entries);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('golden: prolly tree format', () => {
  it('the empty tree', () => {
    expect(EMPTY_ROOT.toString()).toBe('bafyreib2ybga7gipkok4elwidjzl53lx7m2uaia2p7q5gibrpmqfoijmt4');
    expect(build([]).root.toString()).toBe('bafyreib2ybga7gipkok4elwidjzl53lx7m2uaia2p7q5gibrpmqfoijmt4');
  });

  it('the bytes of a leaf and of an internal node', () => {
    const leaf = encodeLeaf([
      { key: enc.encode('a'), value: enc.encode('1') },
      { key: enc.encode('b'), value: new Uint8Array(0) },
    ]);
    // {"k": [h'61', h'62'], "l": 0, "v": [h'31', h'']}
    expect(hex(leaf.bytes)).toBe('a3616b824161416261' + '6c00' + '6176' + '824131' + '40');
    const child = cidOf(leaf.bytes);
    const internal = encodeInternal(1, [{ key: enc.encode('b'), cid: child, count: 2 }]);
    // {"c": [42(h'00' + cid)], "k": [h'62'], "l": 1, "n": [2]}
    expect(hex(internal.bytes)).toBe(`a4616381d82a582500${hex(child.bytes)}616b814162616c01616e8102`);
  });

  it('root CIDs of trees built from fixed inputs', () => {
    const cases: [number, string, number][] = [
      [0, 'bafyreib2ybga7gipkok4elwidjzl53lx7m2uaia2p7q5gibrpmqfoijmt4', 1],
      [1, 'bafyreigm4ewtnpw2rrtw4i2iv6duse4qf5jbzaouc5d4umf7pdqbk3sro4', 1],
      [1000, 'bafyreiali5b5luh64hchber64l3dbp67hpcvgcjdynwkd6phyh6z3hpaoi', 2],
      [100_000, 'bafyreiat5ntqq365n6jzvqxelicl2pusxh4bv6xju645no4koztb5w65gu', 3],
    ];
    for (const [n, cid, depth] of cases) {
      const t = build(fixed(n));
      expect(t.root.toString(), `${n} entries`).toBe(cid);
      expect(t.depth).toBe(depth);
      expect(t.count).toBe(n);
    }
  });

  it('root CID of a mixed tree (long keys, empty and over-large values)', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      key: enc.encode(`row/${String(i).padStart(5, '0')}/${'k'.repeat(i % 97)}`),
      value: new Uint8Array(i % 50 === 0 ? 6000 + i : i % 300).fill(i & 255),
    }));
    const t = build(entries);
    expect(t.root.toString()).toBe('bafyreievkxwotc4bpi4aqkaezhwzktkeet2omqlfvymwzwi2xqgzrrueky');
    expect(t.depth).toBe(3);
  });
});
