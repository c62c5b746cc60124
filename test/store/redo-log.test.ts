/**
 * The redo log (src/store/redo-log.ts): unsynced commit batches appended to
 * `heliosdb-redo.log` and applied to LevelDB in the background. Checks: record encoding
 * round-trips and a torn or corrupt tail is dropped whole; opening replays complete records and
 * empties the log; reads see logged writes at once; a direct write after logged ones wins over
 * them even after a replay (the log is emptied first).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidOf } from '../../src/hash/index.js';
import { REDO_FILE, decodeRedo, encodeRedo, openStorage, putChunksWithMeta, type RawOp } from '../../src/store/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hdb-redo-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const opArb: fc.Arbitrary<RawOp> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key: fc.uint8Array({ minLength: 1, maxLength: 40 }), value: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ type: fc.constant('del' as const), key: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);
const plainOp = (o: RawOp) => (o.type === 'put' ? { type: o.type, key: [...o.key], value: [...o.value!] } : { type: o.type, key: [...o.key] });

describe('redo log records', () => {
  it('round-trip, and any cut of the file yields whole records only (a torn tail is dropped)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), fc.nat(), (records, cutAt) => {
        const parts = records.map((r) => encodeRedo(r));
        const file = Buffer.concat(parts);
        expect(decodeRedo(file).map(plainOp)).toEqual(records.flat().map(plainOp));
        const cut = cutAt % (file.length + 1);
        let whole = 0;
        let n = 0;
        for (const p of parts) {
          if (n + p.length > cut) break;
          n += p.length;
          whole++;
        }
        expect(decodeRedo(file.subarray(0, cut)).map(plainOp)).toEqual(records.slice(0, whole).flat().map(plainOp));
      }),
      { numRuns: 200 },
    );
  });

  it('stops at a record whose checksum does not match', () => {
    const a = encodeRedo([{ type: 'put', key: enc.encode('a'), value: enc.encode('1') }]);
    const b = encodeRedo([{ type: 'put', key: enc.encode('b'), value: enc.encode('2') }]);
    const c = encodeRedo([{ type: 'put', key: enc.encode('c'), value: enc.encode('3') }]);
    b[b.length - 1] ^= 0xff;
    expect(decodeRedo(Buffer.concat([a, b, c])).map((o) => dec.decode(o.key))).toEqual(['a']);
  });
});

describe('redo log on a database directory', () => {
  it('opening replays complete records into LevelDB and empties the log', async () => {
    const dir = tmp();
    let s = await openStorage(dir);
    await s.close();
    // keys as the stores lay them out: `!m!` meta, `!c!` + binary CID chunks
    const chunk = enc.encode('a chunk written only to the redo log');
    const cid = cidOf(chunk);
    const mkey = (k: string) => enc.encode(`!m!${k}`);
    const good = encodeRedo([
      { type: 'put', key: Buffer.concat([enc.encode('!c!'), cid.bytes]), value: chunk },
      { type: 'put', key: mkey('k'), value: enc.encode('v1') },
    ]);
    const torn = encodeRedo([{ type: 'put', key: mkey('k'), value: enc.encode('v2') }]);
    writeFileSync(join(dir, REDO_FILE), Buffer.concat([good, torn.subarray(0, torn.length - 3)]));
    s = await openStorage(dir);
    try {
      expect(statSync(join(dir, REDO_FILE)).size).toBe(0);
      expect(dec.decode((await s.meta.get('k'))!)).toBe('v1');
      expect(dec.decode(await s.chunks.get(cid))).toBe('a chunk written only to the redo log');
    } finally {
      await s.close();
    }
  });

  it('unsynced commit batches go to the log; reads see them at once; close applies and empties it', async () => {
    const dir = tmp();
    let s = await openStorage(dir);
    const chunks = Array.from({ length: 20 }, (_, i) => {
      const bytes = enc.encode(`chunk ${i}`);
      return { cid: cidOf(bytes), bytes };
    });
    for (let i = 0; i < chunks.length; i++) {
      await putChunksWithMeta(s.chunks, [chunks[i]!], s.meta, [{ type: 'put', key: 'head', value: enc.encode(String(i)) }], { sync: false });
      expect(dec.decode(s.meta.getSync!('head')!)).toBe(String(i));
      expect(dec.decode(s.chunks.getSync(chunks[i]!.cid)!)).toBe(`chunk ${i}`);
    }
    expect(statSync(join(dir, REDO_FILE)).size).toBeGreaterThan(0);
    expect(dec.decode((await s.meta.get('head'))!)).toBe('19');
    expect((await s.chunks.hasMany(chunks.map((c) => c.cid))).every(Boolean)).toBe(true);
    await s.close();
    expect(statSync(join(dir, REDO_FILE)).size).toBe(0);
    s = await openStorage(dir);
    try {
      expect(dec.decode((await s.meta.get('head'))!)).toBe('19');
      expect(dec.decode(s.chunks.getSync(chunks[7]!.cid)!)).toBe('chunk 7');
    } finally {
      await s.close();
    }
  });

  it('a direct write after logged ones wins, also after a replay of the log', async () => {
    const dir = tmp();
    const s = await openStorage(dir);
    const bytes = enc.encode('x');
    await putChunksWithMeta(s.chunks, [{ cid: cidOf(bytes), bytes }], s.meta, [{ type: 'put', key: 'k', value: enc.encode('logged') }]);
    await s.meta.batch([{ type: 'put', key: 'k', value: enc.encode('direct') }]);
    // the direct write emptied the log first, so nothing in it can roll `k` back
    const log = readFileSync(join(dir, REDO_FILE));
    expect(decodeRedo(log).some((o) => dec.decode(o.key).endsWith('k'))).toBe(false);
    // a later logged write is replayed over it, as it should be
    await putChunksWithMeta(s.chunks, [], s.meta, [{ type: 'put', key: 'k', value: enc.encode('logged again') }]);
    const replay = readFileSync(join(dir, REDO_FILE));
    await s.close();
    // simulate a crash that lost the background apply: put the log back and reopen
    appendFileSync(join(dir, REDO_FILE), replay);
    const again = await openStorage(dir);
    try {
      expect(dec.decode((await again.meta.get('k'))!)).toBe('logged again');
    } finally {
      await again.close();
    }
  });

  it('stays bounded under a steady stream of commits (emptied every ~1 MiB)', async () => {
    const dir = tmp();
    const s = await openStorage(dir);
    try {
      let max = 0;
      const cids = [];
      for (let i = 0; i < 400; i++) {
        const bytes = enc.encode(`chunk ${i} `.repeat(400));
        const cid = cidOf(bytes);
        cids.push(cid);
        await putChunksWithMeta(s.chunks, [{ cid, bytes }], s.meta, [{ type: 'put', key: 'head', value: enc.encode(String(i)) }]);
        max = Math.max(max, statSync(join(dir, REDO_FILE)).size);
      }
      expect(max).toBeLessThan(1024 * 1024 + 16 * 1024);
      expect((await s.chunks.hasMany(cids)).every(Boolean)).toBe(true);
      expect(dec.decode((await s.meta.get('head'))!)).toBe('399');
    } finally {
      await s.close();
    }
  });

  it('synced commit batches bypass the log', async () => {
    const dir = tmp();
    const s = await openStorage(dir);
    try {
      await putChunksWithMeta(s.chunks, [], s.meta, [{ type: 'put', key: 'k', value: enc.encode('v') }], { sync: true });
      expect(statSync(join(dir, REDO_FILE)).size).toBe(0);
      expect(dec.decode((await s.meta.get('k'))!)).toBe('v');
    } finally {
      await s.close();
    }
  });
});
