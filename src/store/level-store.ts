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
 * Durability: `putMany(chunks, {sync: true})` writes one atomic LevelDB batch and fsyncs the
 * write-ahead log before resolving; without `sync` (and for `put`, `deleteMany`) the batch is in
 * LevelDB's log in the OS page cache when the promise resolves: it survives a crash of the
 * process, not of the machine. A batch is atomic either way (all chunks or none after a crash).
 */
import { CID, bytesMatchCid } from '../hash/index.js';
import { ChunkNotFoundError, StoreClosedError } from '../errors/index.js';
import type { Chunk, ChunkStore, VerifyReport } from './chunk-store.js';
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

/** The sublevel that holds chunks in a database directory. */
export const CHUNK_SUBLEVEL = 'c';

export interface LevelChunkStoreOptions {
  /** Close the underlying database when the store is closed (default false). */
  ownsDatabase?: boolean;
  /** Name reported by `name` (default `level:<location>`). */
  name?: string;
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
    this.fastSync = hasViewDefaults(root);
    this.scratch = new Uint8Array(prefix.length + 36);
    this.scratch.set(prefix, 0);
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
    let value: Uint8Array | undefined;
    try {
      value = this.fastSync ? this.root.getSync(key) : this.root.getSync(key, VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
    return value === undefined ? undefined : plainView(value);
  }

  async get(cid: CID): Promise<Uint8Array> {
    this.check();
    let value: Uint8Array | undefined;
    try {
      value = await this.root.get(this.keyOf(cid), VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
    if (value === undefined) throw new ChunkNotFoundError(cid.toString());
    return plainView(value);
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    this.check();
    if (cids.length === 0) return [];
    const keys = cids.map((c) => this.keyOf(c));
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
      out[i] = plainView(v);
    }
    return out;
  }

  async has(cid: CID): Promise<boolean> {
    this.check();
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
    try {
      return await this.root.hasMany(keys, VIEW);
    } catch (err) {
      throw this.fail(err, 'read');
    }
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    await this.putMany([{ cid, bytes }]);
  }

  async putMany(chunks: Iterable<Chunk>, options: { sync?: boolean } = {}): Promise<void> {
    this.check();
    // Validate everything before writing anything: the batch is all or nothing.
    const ops: { type: 'put'; key: Uint8Array; value: Uint8Array }[] = [];
    for (const c of chunks) {
      if (c === null || typeof c !== 'object') throw new TypeError('putMany expects {cid, bytes} objects');
      const key = this.keyOf(c.cid);
      if (!(c.bytes instanceof Uint8Array)) throw new TypeError(`The bytes of chunk ${String(c.cid)} must be a Uint8Array`);
      ops.push({ type: 'put', key, value: c.bytes });
    }
    if (ops.length === 0) return;
    try {
      await this.root.batch(ops, { ...VIEW, sync: options.sync === true });
    } catch (err) {
      throw this.fail(err, 'write');
    }
  }

  async deleteMany(cids: readonly CID[]): Promise<void> {
    this.check();
    if (cids.length === 0) return;
    const ops = cids.map((c) => ({ type: 'del' as const, key: this.keyOf(c) }));
    try {
      await this.root.batch(ops, VIEW);
    } catch (err) {
      throw this.fail(err, 'delete');
    }
  }

  private range(): { gte: Uint8Array; lt?: Uint8Array } {
    return this.upper === undefined ? { gte: this.prefix } : { gte: this.prefix, lt: this.upper };
  }

  /** Every stored CID, in key (binary CID) order. Keys that are not CIDs are skipped. */
  async *cids(): AsyncIterable<CID> {
    this.check();
    const p = this.prefix.length;
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
          if (!bytesMatchCid(cid, value)) corrupt.push(cid);
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
    const end = this.upper ?? new Uint8Array(Math.max(1, this.prefix.length + 40)).fill(0xff);
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
