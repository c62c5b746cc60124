/**
 * The row diff: `Tree.diff` with the old and new rows spelled out as nullable fields, in key
 * order, nothing for identical trees.
 */
import { describe, expect, it } from 'vitest';
import { diffRows } from '../../src/merge/index.js';
import { ProllyTree } from '../../src/objects/index.js';
import { hex, newNs } from './helpers.js';

const enc = new TextEncoder();
const key = (id: number): Uint8Array => enc.encode(`k${String(id).padStart(7, '0')}`);

describe('diffRows', () => {
  it('spells out from/to with nulls', () => {
    const ns = newNs();
    const a = ProllyTree.build(ns, [
      { key: key(1), value: enc.encode('a') },
      { key: key(2), value: enc.encode('b') },
    ]);
    const b = a.mutate([
      { key: key(1), value: null },
      { key: key(2), value: enc.encode('B') },
      { key: key(3), value: enc.encode('c') },
    ]);
    expect([...diffRows(a, b)].map((c) => [c.kind, hex(c.key), hex(c.from), hex(c.to)])).toEqual([
      ['removed', hex(key(1)), hex(enc.encode('a')), null],
      ['modified', hex(key(2)), hex(enc.encode('b')), hex(enc.encode('B'))],
      ['added', hex(key(3)), null, hex(enc.encode('c'))],
    ]);
    expect([...diffRows(a, a)]).toEqual([]);
  });

  it('lists the same changes as Tree.diff on a large tree', () => {
    const ns = newNs();
    const a = ProllyTree.build(ns, Array.from({ length: 20_000 }, (_, i) => ({ key: key(i), value: enc.encode(`v${i}`) })));
    const b = a.mutate(Array.from({ length: 300 }, (_, i) => ({ key: key(i * 61), value: i % 3 === 0 ? null : enc.encode(`w${i}`) })));
    const rows = [...diffRows(a, b)].map((c) => `${c.kind} ${hex(c.key)} ${hex(c.from)} ${hex(c.to)}`);
    const tree = [...a.diff(b)].map((d) => `${d.kind} ${hex(d.key)} ${d.kind === 'added' ? null : hex(d.from)} ${d.kind === 'removed' ? null : hex(d.to)}`);
    expect(rows).toEqual(tree);
    expect(rows).toHaveLength(300);
  });
});
