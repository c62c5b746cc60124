/**
 * The conformance suite every `MetaStore` implementation passes. Call
 * `metaStoreConformance(name, factory)`; `factory` returns a new, empty store each time (the
 * suite closes it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StoreClosedError } from '../../src/errors/index.js';
import type { MetaStore } from '../../src/store/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const t = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : dec.decode(v));

async function collect(store: MetaStore, prefix?: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [k, v] of store.entries(prefix)) out.push([k, dec.decode(v)]);
  return out;
}

/** UTF-8 byte order, computed independently of the stores. */
function utf8Order(a: string, c: string): number {
  const x = enc.encode(a);
  const y = enc.encode(c);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function metaStoreConformance(name: string, factory: () => Promise<MetaStore>): void {
  describe(`MetaStore conformance: ${name}`, () => {
    const open: MetaStore[] = [];
    async function fresh(): Promise<MetaStore> {
      const s = await factory();
      open.push(s);
      return s;
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('a missing key reads as undefined', async () => {
      const s = await fresh();
      expect(await s.get('refs/heads/main')).toBeUndefined();
      if (s.getSync) expect(s.getSync('refs/heads/main')).toBeUndefined();
    });

    it('batch applies puts and deletes in order; get and getSync see them', async () => {
      const s = await fresh();
      await s.batch([
        { type: 'put', key: 'a', value: b('1') },
        { type: 'put', key: 'b', value: b('2') },
        { type: 'put', key: 'a', value: b('3') },
        { type: 'del', key: 'b' },
        { type: 'del', key: 'never-there' },
        { type: 'put', key: 'empty', value: new Uint8Array(0) },
      ]);
      expect(t(await s.get('a'))).toBe('3');
      expect(await s.get('b')).toBeUndefined();
      expect((await s.get('empty'))?.length).toBe(0);
      if (s.getSync) expect(t(s.getSync('a'))).toBe('3');
      await s.batch([], { sync: true });
      await s.batch([{ type: 'put', key: 'c', value: b('4') }], { sync: true });
      expect(t(await s.get('c'))).toBe('4');
    });

    it('a batch with an invalid op is rejected with TypeError and writes nothing', async () => {
      const s = await fresh();
      const bad = [
        { type: 'put', key: 'x', value: b('1') },
        { type: 'put', key: 'y', value: 'not bytes' },
      ] as unknown as Parameters<MetaStore['batch']>[0];
      await expect(s.batch(bad)).rejects.toBeInstanceOf(TypeError);
      const bad2 = [{ type: 'put', key: 'x', value: b('1') }, { type: 'frob', key: 'z' }] as unknown as Parameters<
        MetaStore['batch']
      >[0];
      await expect(s.batch(bad2)).rejects.toBeInstanceOf(TypeError);
      expect(await s.get('x')).toBeUndefined();
      expect(await collect(s)).toEqual([]);
    });

    it('values are copied: later mutation of the caller’s arrays changes nothing stored', async () => {
      const s = await fresh();
      const v = b('abc');
      await s.batch([{ type: 'put', key: 'k', value: v }]);
      v[0] = 0x7a;
      const got = (await s.get('k'))!;
      expect(t(got)).toBe('abc');
      got[0] = 0x7a;
      expect(t(await s.get('k'))).toBe('abc');
      const next = b('def');
      expect(await s.compareAndSwap('k', b('abc'), next)).toBe(true);
      next[0] = 0x7a;
      expect(t(await s.get('k'))).toBe('def');
    });

    it('compareAndSwap: create, update, mismatch and delete', async () => {
      const s = await fresh();
      expect(await s.compareAndSwap('HEAD', undefined, b('main'))).toBe(true);
      expect(t(await s.get('HEAD'))).toBe('main');
      // Expected absent, but it is present.
      expect(await s.compareAndSwap('HEAD', undefined, b('other'))).toBe(false);
      // Wrong expected value (also of another length, and a prefix of the real one).
      expect(await s.compareAndSwap('HEAD', b('dev'), b('other'))).toBe(false);
      expect(await s.compareAndSwap('HEAD', b('mai'), b('other'))).toBe(false);
      expect(await s.compareAndSwap('HEAD', b('maim'), b('other'))).toBe(false);
      expect(t(await s.get('HEAD'))).toBe('main');
      expect(await s.compareAndSwap('HEAD', b('main'), b('dev'), { sync: true })).toBe(true);
      expect(t(await s.get('HEAD'))).toBe('dev');
      // Delete with next = undefined.
      expect(await s.compareAndSwap('HEAD', b('main'), undefined)).toBe(false);
      expect(await s.compareAndSwap('HEAD', b('dev'), undefined)).toBe(true);
      expect(await s.get('HEAD')).toBeUndefined();
      // Absent → absent succeeds and changes nothing.
      expect(await s.compareAndSwap('HEAD', undefined, undefined)).toBe(true);
      expect(await s.get('HEAD')).toBeUndefined();
      // Empty value is a value, not absence.
      expect(await s.compareAndSwap('e', undefined, new Uint8Array(0))).toBe(true);
      expect(await s.compareAndSwap('e', undefined, b('x'))).toBe(false);
      expect(await s.compareAndSwap('e', new Uint8Array(0), b('x'))).toBe(true);
      await expect(s.compareAndSwap('e', 'x' as unknown as Uint8Array, undefined)).rejects.toBeInstanceOf(TypeError);
    });

    it('concurrent compareAndSwaps from one expected value: exactly one wins', async () => {
      const s = await fresh();
      await s.batch([{ type: 'put', key: 'refs/heads/main', value: b('c0') }]);
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => s.compareAndSwap('refs/heads/main', b('c0'), b(`c${i + 1}`))),
      );
      const winners = results.flatMap((ok, i) => (ok ? [i] : []));
      expect(winners.length).toBe(1);
      expect(t(await s.get('refs/heads/main'))).toBe(`c${winners[0]! + 1}`);
    });

    it('concurrent read-modify-write loops with compareAndSwap lose no update', async () => {
      const s = await fresh();
      const workers = 8;
      const perWorker = 10;
      async function increment(): Promise<void> {
        for (;;) {
          const cur = await s.get('counter');
          const n = cur === undefined ? 0 : Number(t(cur));
          if (await s.compareAndSwap('counter', cur, b(String(n + 1)))) return;
        }
      }
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let i = 0; i < perWorker; i++) await increment();
        }),
      );
      expect(t(await s.get('counter'))).toBe(String(workers * perWorker));
    });

    it('a batch queued alongside a compareAndSwap is not interleaved with it', async () => {
      const s = await fresh();
      await s.batch([{ type: 'put', key: 'r', value: b('v1') }]);
      const p1 = s.batch([{ type: 'put', key: 'r', value: b('v2') }]);
      const p2 = s.compareAndSwap('r', b('v1'), b('v3'));
      await p1;
      // Issued after the batch: it must see v2 and fail.
      expect(await p2).toBe(false);
      expect(t(await s.get('r'))).toBe('v2');
    });

    it('entries(prefix) lists matching keys in UTF-8 byte order', async () => {
      const s = await fresh();
      const keys = ['refs/heads/main', 'refs/heads/dev', 'refs/tags/v1', 'refs/heads/\uffff', 'refs/heads/😀', 'refs/headsx', 'HEAD', 'refs/heads/é', 'refs/heads/\u0000'];
      await s.batch(keys.map((k) => ({ type: 'put' as const, key: k, value: b(`v:${k}`) })));
      const all = await collect(s);
      expect(all.map(([k]) => k)).toEqual([...keys].sort(utf8Order));
      expect(all.every(([k, v]) => v === `v:${k}`)).toBe(true);
      const heads = await collect(s, 'refs/heads/');
      expect(heads.map(([k]) => k)).toEqual(keys.filter((k) => k.startsWith('refs/heads/')).sort(utf8Order));
      expect(await collect(s, 'nothing/')).toEqual([]);
    });

    it('entries() reads a snapshot taken when iteration starts', async () => {
      const s = await fresh();
      await s.batch(['p/a', 'p/b', 'p/c'].map((k) => ({ type: 'put' as const, key: k, value: b(k) })));
      const it = s.entries('p/')[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.value?.[0]).toBe('p/a');
      await s.batch([
        { type: 'put', key: 'p/bb', value: b('new') },
        { type: 'del', key: 'p/c' },
      ]);
      const rest: string[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value[0]);
      expect(rest).toEqual(['p/b', 'p/c']);
      expect((await collect(s, 'p/')).map(([k]) => k)).toEqual(['p/a', 'p/b', 'p/bb']);
    });

    it('matches a Map model under random batches and compare-and-swaps', async () => {
      const s = await fresh();
      const model = new Map<string, string>();
      const key = fc.constantFrom('a', 'b', 'c', 'refs/x', 'refs/y');
      const val = fc.constantFrom('1', '2', '3', '');
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.record({ kind: fc.constant('put' as const), key, val }),
              fc.record({ kind: fc.constant('del' as const), key }),
              fc.record({ kind: fc.constant('cas' as const), key, exp: fc.option(val), next: fc.option(val) }),
            ),
            { maxLength: 15 },
          ),
          async (ops) => {
            for (const op of ops) {
              if (op.kind === 'put') {
                await s.batch([{ type: 'put', key: op.key, value: b(op.val) }]);
                model.set(op.key, op.val);
              } else if (op.kind === 'del') {
                await s.batch([{ type: 'del', key: op.key }]);
                model.delete(op.key);
              } else {
                const ok = await s.compareAndSwap(
                  op.key,
                  op.exp === null ? undefined : b(op.exp),
                  op.next === null ? undefined : b(op.next),
                );
                const want = model.get(op.key) === (op.exp ?? undefined);
                expect(ok).toBe(want);
                if (want) {
                  if (op.next === null) model.delete(op.key);
                  else model.set(op.key, op.next);
                }
              }
            }
            expect(await collect(s)).toEqual([...model.entries()].sort((x, y) => utf8Order(x[0], y[0])));
          },
        ),
        { numRuns: 30 },
      );
    });

    it('after close every call throws StoreClosedError; closing twice is harmless', async () => {
      const s = await fresh();
      await s.batch([{ type: 'put', key: 'k', value: b('v') }]);
      await s.close();
      await s.close();
      if (s.getSync) expect(() => s.getSync!('k')).toThrow(StoreClosedError);
      const calls: (() => Promise<unknown>)[] = [
        () => s.get('k'),
        () => s.batch([{ type: 'del', key: 'k' }]),
        () => s.compareAndSwap('k', b('v'), undefined),
        () => collect(s),
      ];
      for (const call of calls) await expect(call()).rejects.toBeInstanceOf(StoreClosedError);
    });
  });
}
