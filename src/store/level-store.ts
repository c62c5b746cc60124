/**
 * `LevelChunkStore`: the on-disk `ChunkStore`, on LevelDB through classic-level 3.
 *
 * Layout: one key per chunk, `prefix ++ CID bytes` (the binary CID, 36 bytes for CID v1 /
 * dag-cbor / sha2-256), value = the chunk's bytes. `LevelChunkStore.open(dir)` and
 * `openStorage(dir)` use the prefix `!c!` (sublevel `c`) so that the same directory also holds
 * the metadata store (`!m!`). Constructed on a database or sublevel you opened yourself, the
 * store uses that sublevel's prefix (none for a root database) and does not close the database.
 *
 * Reads: `getSync` goes straight to LevelDB's synchronous `Get` with a reused key buffer (no
 * sublevel layers, no promise); it is the read path of the prolly tree when a node is not in the
 * decoded-node cache. Returned arrays are plain `Uint8Array` views owning their memory.
 *
 * Packing (packs.ts): GC may rewrite a chunk's stored value as a zlib delta against a chunk it
 * replaced (`packChunks`); every read returns the original bytes, and `deleteMany` rewrites raw
 * any packed chunk whose base it deletes, in the same batch.
 *
 * Durability: `putMany(chunks, {sync: true})` writes one atomic LevelDB batch and fsyncs the
 * write-ahead log before resolving; with `{meta}` naming a `LevelMetaStore` on the same
 * directory, that batch also holds the metadata ops (a commit's chunks, commit object, ref move
 * and ref-log entry in one write); without `sync` (and for `put`, `deleteMany`) the batch is in
 * LevelDB's log in the OS page cache when the promise resolves: it survives a crash of the
 * process, not of the machine. A batch is atomic either way (all chunks or none after a crash).
 * With the database's redo log (`openStorage`), an unsynced commit batch is appended to it and
 * applied in the background: `getSync` looks in the log's overlay, asynchronous reads wait for
 * it to drain, and other writes wait until it is applied and empty (redo-log.ts).
 */
import { CID, bytesMatchCid, cidKey } from '../hash/index.js';
import { ChunkNotFoundError, StoreClosedError } from '../errors/index.js';
import type { Chunk, ChunkStore, PutManyOptions, VerifyReport } from './chunk-store.js';
import { LevelMetaStore } from './level-meta-store.js';
import type { RedoLog } from './redo-log.js';
import {
  VIEW,
  concatBytes,
  hasViewDefaults,
  openLevelRoot,
  plainView,
  resolveTarget,
  translateLevelError,
  upperBoundOf,
  type LevelOpenOptions,
  type LevelRoot,
  type LevelTarget,
} from './level-db.js';
import {
  MAX_PACK_DEPTH,
  PackIndex,
  depKey,
  depthOf,
  encodeDelta,
  encodePlain,
  isPacked,
  packable,
  parseDepKey,
  readHeader,
  unpack,
  type PackRequest,
  type PackResult,
} from './packs.js';

/** The sublevel that holds chunks in a database directory. */
export const CHUNK_SUBLEVEL = 'c';

export interface LevelChunkStoreOptions {
  /** Close the underlying database when the store is closed (default false). */
  ownsDatabase?: boolean;
  /** Name reported by `name` (default `level:<location>`). */
  name?: string;
  /** The database's redo log (redo-log.ts), shared with its meta store. */
  redo?: RedoLog;
}

const ITER_BATCH = 1000;

function checkCid(cid: unknown, what: string): Uint8Array {
  const bytes = (cid as CID | null | undefined)?.bytes;
  if (!(bytes instanceof Uint8Array) || CID.asCID(cid) === null) throw new TypeError(`${what} must be a CID`);
  return bytes;
}

export class LevelChunkStore implements ChunkStore {
  readonly name: string;
  private readonly root: LevelRoot;
  private readonly prefix: Uint8Array;
  private readonly upper: Uint8Array | undefined;
  private readonly owns: boolean;
  private readonly fastSync: boolean;
  private closed = false;
  /** Reused key buffer for synchronous reads (prefix ++ 36-byte CID). */
  private scratch: Uint8Array;
  /** Key range of the pack index (packs.ts); undefined: packing unsupported (root database). */
  private readonly depsPrefix: Uint8Array | undefined;
  private packIndex: Promise<PackIndex> | undefined;
  private readonly readStored = (cid: CID): Uint8Array | undefined => this.storedSync(cid);
  private readonly redo: RedoLog | undefined;

  /**
   * A chunk store on an open (or opening) ClassicLevel database or on a sublevel of one. Use
   * `LevelChunkStore.open(dir)` to open a directory.
   */
  constructor(target: LevelTarget, options: LevelChunkStoreOptions = {}) {
    const { root, prefix } = resolveTarget(target);
    this.root = root;
    this.prefix = prefix;
    this.upper = upperBoundOf(prefix);
    this.owns = options.ownsDatabase ?? false;
    this.name = options.name ?? `level:${root.location}`;
    this.redo = options.redo;
    this.fastSync = hasViewDefaults(root);
    this.scratch = new Uint8Array(prefix.length + 36);
    this.scratch.set(prefix, 0);
    // `!c!` → `!c~p!`: outside the chunk range, beside it.
    this.depsPrefix =
      prefix.length > 0 && prefix[prefix.length - 1] === 0x21
        ? concatBytes(prefix.subarray(0, prefix.length - 1), new TextEncoder().encode('~p!'))
        : undefined;
  }

  /** Open (creating if missing) the database directory `path` and its chunk sublevel. */
  static async open(path: string, options: LevelOpenOptions = {}): Promise<LevelChunkStore> {
    const root = await openLevelRoot(path, options);
    return new LevelChunkStore(root.sublevel(CHUNK_SUBLEVEL, VIEW), { ownsDatabase: true, name: `level:${path}` });
  }

  private check(): void {
    if (this.closed) throw new StoreClosedError(`chunk store ${this.name}`);
  }

  private fail(err: unknown, op: string): Error {
    return translateLevelError(err, this.root, `chunk store ${this.name}`, op);
  }

  /** A fresh key for `cid` (for asynchronous operations, which must not share a buffer). */
  private keyOf(cid: CID): Uint8Array {
    const bytes = checkCid(cid, 'cid');
    return this.prefix.length === 0 ? bytes : concatBytes(this.prefix, bytes);
  }

  getSync(cid: CID): Uint8Array | undefined {
    const v = this.storedSync(cid);
    return v !== undefined && isPacked(cid, v) ? this.unpacked(v) : v;
  }

  /** Original bytes of a packed stored value. */
  private unpacked(v: Uint8Array): Uint8Array {
    try {
      return unpack(v, this.readStored);
    } catch (err) {
      throw this.fail(err, 'read');
    }
  }

  /** Whether `cid` is stored packed (false when absent). */
  isPackedSync(cid: CID): boolean {
    const v = this.storedSync(cid);
    return v !== undefined && isPacked(cid, v);
  }

  /** The stored value of `cid` (raw bytes or a packed value), synchronously. */
  private storedSync(cid: CID): Uint8Array | undefined {
    if (this.closed) this.check();
    const bytes = cid.bytes;
    let key: Uint8Array;
    if (this.prefix.length === 0) {
      key = bytes;
    } else {
      const p = this.prefix.length;
      if (this.scratch.length !== p + bytes.length) {
        this.scratch = new Uint8Array(p + bytes.length);
        this.scratch.set(this.prefix, 0);
      }
      this.scratch.set(bytes, p);
      key = this.scratch;
    }
    if (this.redo !== undefined && !this.redo.idle) {
      const logged = this.redo.lookup(key);
      if (logged !== undefined) return logged === null ? undefined : logged;
    }
    let value: Uint8Array | undefined;
    try {
      value = this.fastSync ? this.root.getSync(key) : this.root.getSync(key, VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
    return value === undefined ? undefined : plainView(value);
  }

  /** Wait until everything the redo log holds is in LevelDB (before an asynchronous read). */
  private async drained(): Promise<void> {
    if (this.redo !== undefined) await this.redo.drain();
  }

  /** Wait until the redo log is applied and empty (before a write that bypasses it). */
  private async quiesced(): Promise<void> {
    if (this.redo !== undefined) await this.redo.quiesce();
  }

  async get(cid: CID): Promise<Uint8Array> {
    this.check();
    await this.drained();
    let value: Uint8Array | undefined;
    try {
      value = await this.root.get(this.keyOf(cid), VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
    if (value === undefined) throw new ChunkNotFoundError(cid.toString());
    return isPacked(cid, value) ? this.unpacked(value) : plainView(value);
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    this.check();
    if (cids.length === 0) return [];
    const keys = cids.map((c) => this.keyOf(c));
    await this.drained();
    let values: (Uint8Array | undefined)[];
    try {
      values = await this.root.getMany(keys, VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
    const out: Uint8Array[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) throw new ChunkNotFoundError(cids[i]!.toString());
      out[i] = isPacked(cids[i]!, v) ? this.unpacked(v) : plainView(v);
    }
    return out;
  }

  async has(cid: CID): Promise<boolean> {
    this.check();
    await this.drained();
    try {
      return await this.root.has(this.keyOf(cid), VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    this.check();
    if (cids.length === 0) return [];
    const keys = cids.map((c) => this.keyOf(c));
    await this.drained();
    try {
      return await this.root.hasMany(keys, VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    await this.putMany([{ cid, bytes }]);
  }

  async putMany(chunks: Iterable<Chunk>, options: PutManyOptions = {}): Promise<void> {
    this.check();
    // Validate everything before writing anything: the batch is all or nothing.
    const ops: { type: 'put' | 'del'; key: Uint8Array; value?: Uint8Array }[] = [];
    for (const c of chunks) {
      if (c === null || typeof c !== 'object') throw new TypeError('putMany expects {cid, bytes} objects');
      const key = this.keyOf(c.cid);
      if (!(c.bytes instanceof Uint8Array)) throw new TypeError(`The bytes of chunk ${String(c.cid)} must be a Uint8Array`);
      ops.push({ type: 'put', key, value: c.bytes });
    }
    const sync = options.sync === true;
    const rider = options.meta;
    if (rider !== undefined && rider.store instanceof LevelMetaStore && rider.store.sharesDatabase(this.root)) {
      // One atomic batch: the chunks, then the metadata ops (through the meta store's write queue).
      await rider.store.batchAfter(ops, rider.ops, { sync });
      rider.written = true;
      return;
    }
    if (ops.length === 0) return;
    await this.quiesced();
    try {
      await this.root.batch(ops as { type: 'put'; key: Uint8Array; value: Uint8Array }[], { ...VIEW, sync });
    } catch (err) {
      throw this.fail(err, 'write');
    }
  }

  async deleteMany(cids: readonly CID[]): Promise<void> {
    this.check();
    if (cids.length === 0) return;
    const ops: ({ type: 'del'; key: Uint8Array } | { type: 'put'; key: Uint8Array; value: Uint8Array })[] = cids.map((c) => ({
      type: 'del' as const,
      key: this.keyOf(c),
    }));
    await this.quiesced();
    const index = this.depsPrefix === undefined ? undefined : await this.loadPackIndex();
    if (index !== undefined && index.size > 0) {
      // Packed chunks whose base goes are rewritten raw in the same batch (the base is still
      // readable now); dependency entries of deleted chunks go too.
      const gone = new Set(cids.map((c) => c.toString()));
      for (const c of cids) {
        const base = index.baseOf.get(cidKey(c));
        if (base !== undefined) {
          ops.push({ type: 'del', key: depKey(this.depsPrefix!, base, c) });
          index.remove({ base, target: c });
        }
        const deps = index.dependents.get(cidKey(c));
        if (deps === undefined) continue;
        for (const d of [...deps.values()]) {
          if (!gone.has(d.toString())) {
            const stored = this.storedSync(d);
            if (stored !== undefined && isPacked(d, stored) && readHeader(stored).base?.equals(c) === true) {
              ops.push({ type: 'put', key: this.keyOf(d), value: this.unpacked(stored) });
            }
          }
          ops.push({ type: 'del', key: depKey(this.depsPrefix!, c, d) });
          index.remove({ base: c, target: d });
        }
      }
    }
    await this.quiesced();
    try {
      await this.root.batch(ops, VIEW);
    } catch (err) {
      this.packIndex = undefined; // reload from disk next time
      throw this.fail(err, 'delete');
    }
  }

  /** The pack index, read from its key range once. */
  private loadPackIndex(): Promise<PackIndex> {
    if (this.packIndex === undefined) {
      this.packIndex = this.readPackIndex();
      this.packIndex.catch(() => {
        this.packIndex = undefined;
      });
    }
    return this.packIndex;
  }

  private async readPackIndex(): Promise<PackIndex> {
    const prefix = this.depsPrefix!;
    const index = new PackIndex();
    await this.drained();
    const lt = upperBoundOf(prefix);
    const it = this.root.keys({ gte: prefix, ...(lt === undefined ? {} : { lt }), keyEncoding: 'view' });
    try {
      for (;;) {
        const batch = await it.nextv(ITER_BATCH);
        if (batch.length === 0) break;
        for (const k of batch) {
          const d = parseDepKey(prefix, k);
          if (d !== undefined) index.add(d);
        }
      }
    } catch (err) {
      throw this.fail(err, 'iterate');
    } finally {
      await it.close().catch(() => undefined);
    }
    return index;
  }

  /**
   * Rewrite chunks as deltas against a base chunk (or, without a base and with `plain`,
   * deflated), in one atomic batch with their pack index entries. Reads return the same bytes
   * as before. A request is skipped when its chunk is missing, not dag-cbor, already packed, a
   * base of another packed chunk, when the chain would exceed `MAX_PACK_DEPTH`, or when the
   * packed value would not be at least 1/8 smaller.
   */
  async packChunks(requests: readonly PackRequest[], options: { plain?: boolean } = {}): Promise<PackResult> {
    this.check();
    const res: PackResult = { packed: 0, compressed: 0, skipped: 0, bytesBefore: 0, bytesAfter: 0 };
    if (this.depsPrefix === undefined) {
      res.skipped = requests.length;
      return res;
    }
    await this.quiesced();
    const index = await this.loadPackIndex();
    const overlay = new Map<string, Uint8Array>();
    const readStored = (c: CID): Uint8Array | undefined => overlay.get(cidKey(c)) ?? this.storedSync(c);
    const ops: { type: 'put'; key: Uint8Array; value: Uint8Array }[] = [];
    for (const { target, base } of requests) {
      const tk = cidKey(target);
      const stored = packable(target) ? readStored(target) : undefined;
      if (stored === undefined || isPacked(target, stored) || index.hasDependents(target)) {
        res.skipped++;
        continue;
      }
      let enc: Uint8Array | undefined;
      if (base !== undefined) {
        const bs = base.equals(target) ? undefined : readStored(base);
        const bd = bs === undefined ? MAX_PACK_DEPTH : depthOf(base, bs);
        if (bs !== undefined && bd < MAX_PACK_DEPTH) {
          const baseBytes = isPacked(base, bs) ? unpack(bs, readStored) : bs;
          enc = encodeDelta(stored, base, baseBytes, bd);
        }
      } else if (options.plain === true) {
        enc = encodePlain(stored);
      }
      if (enc === undefined || enc.length > stored.length - (stored.length >> 3)) {
        res.skipped++;
        continue;
      }
      // Paranoia: the packed value must reconstruct the exact bytes.
      const back = unpack(enc, readStored);
      if (back.length !== stored.length || !back.every((b, i) => b === stored[i])) {
        res.skipped++;
        continue;
      }
      overlay.set(tk, enc);
      ops.push({ type: 'put', key: this.keyOf(target), value: enc });
      if (base !== undefined) {
        ops.push({ type: 'put', key: depKey(this.depsPrefix, base, target), value: new Uint8Array(0) });
        index.add({ base, target });
        res.packed++;
      } else {
        res.compressed++;
      }
      res.bytesBefore += stored.length;
      res.bytesAfter += enc.length;
    }
    if (ops.length === 0) return res;
    await this.quiesced();
    try {
      await this.root.batch(ops, VIEW);
    } catch (err) {
      this.packIndex = undefined;
      throw this.fail(err, 'write');
    }
    return res;
  }

  private range(): { gte: Uint8Array; lt?: Uint8Array } {
    return this.upper === undefined ? { gte: this.prefix } : { gte: this.prefix, lt: this.upper };
  }

  /** Every stored CID, in key (binary CID) order. Keys that are not CIDs are skipped. */
  async *cids(): AsyncIterable<CID> {
    this.check();
    const p = this.prefix.length;
    await this.drained();
    let it;
    try {
      it = this.root.keys({ ...this.range(), keyEncoding: 'view' });
    } catch (err) {
      throw this.fail(err, 'iterate');
    }
    try {
      for (;;) {
        let batch: Uint8Array[];
        try {
          batch = await it.nextv(ITER_BATCH);
        } catch (err) {
          throw this.fail(err, 'iterate');
        }
        if (batch.length === 0) return;
        for (const key of batch) {
          let cid: CID;
          try {
            cid = CID.decode(plainView(key.subarray(p)));
          } catch {
            continue;
          }
          yield cid;
        }
      }
    } finally {
      await it.close().catch(() => undefined);
    }
  }

  async verify(): Promise<VerifyReport> {
    this.check();
    const p = this.prefix.length;
    const corrupt: CID[] = [];
    let checked = 0;
    await this.drained();
    let it;
    try {
      it = this.root.iterator({ ...this.range(), ...VIEW });
    } catch (err) {
      throw this.fail(err, 'iterate');
    }
    try {
      for (;;) {
        let batch: [Uint8Array, Uint8Array][];
        try {
          batch = await it.nextv(256);
        } catch (err) {
          throw this.fail(err, 'verify');
        }
        if (batch.length === 0) break;
        for (const [key, value] of batch) {
          let cid: CID;
          try {
            cid = CID.decode(plainView(key.subarray(p)));
          } catch {
            continue;
          }
          checked++;
          let bytes: Uint8Array | undefined = value;
          if (isPacked(cid, value)) {
            try {
              bytes = unpack(value, this.readStored);
            } catch {
              bytes = undefined;
            }
          }
          if (bytes === undefined || !bytesMatchCid(cid, bytes)) corrupt.push(cid);
        }
      }
    } finally {
      await it.close().catch(() => undefined);
    }
    return { checked, corrupt };
  }

  /**
   * Compact the chunk key range: LevelDB rewrites its table files without deleted chunks, so
   * the space GC freed is returned to the file system (used by GC after a sweep).
   */
  async compact(): Promise<void> {
    this.check();
    // through the pack index range, which lies just after the chunk range
    const end =
      (this.depsPrefix === undefined ? undefined : upperBoundOf(this.depsPrefix)) ??
      this.upper ??
      new Uint8Array(Math.max(1, this.prefix.length + 40)).fill(0xff);
    await this.drained();
    try {
      await this.root.compactRange(this.prefix, end, { keyEncoding: 'view' });
    } catch (err) {
      throw this.fail(err, 'compact');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owns) {
      try {
        await this.root.close();
      } catch (err) {
        throw this.fail(err, 'close');
      }
    }
  }
}
