/**
 * An in-memory `ChunkStore`: a Map keyed by the CID's digest. Used for `open()` without a
 * directory and in tests.
 */
import { CID, bytesMatchCid, cidKey } from '../hash/index.js';
import { ChunkNotFoundError, StoreClosedError } from '../errors/index.js';
import type { Chunk, ChunkStore, VerifyReport } from './chunk-store.js';

export class MemoryChunkStore implements ChunkStore {
  readonly name = 'memory';
  private chunks = new Map<string, Chunk>();
  private closed = false;

  /** Number of chunks held. */
  get size(): number {
    return this.chunks.size;
  }

  private check(): void {
    if (this.closed) throw new StoreClosedError('memory chunk store');
  }

  getSync(cid: CID): Uint8Array | undefined {
    this.check();
    return this.chunks.get(cidKey(cid))?.bytes;
  }

  async get(cid: CID): Promise<Uint8Array> {
    const bytes = this.getSync(cid);
    if (bytes === undefined) throw new ChunkNotFoundError(cid.toString());
    return bytes;
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    this.check();
    return cids.map((cid) => {
      const bytes = this.chunks.get(cidKey(cid))?.bytes;
      if (bytes === undefined) throw new ChunkNotFoundError(cid.toString());
      return bytes;
    });
  }

  async has(cid: CID): Promise<boolean> {
    this.check();
    return this.chunks.has(cidKey(cid));
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    this.check();
    return cids.map((cid) => this.chunks.has(cidKey(cid)));
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    await this.putMany([{ cid, bytes }]);
  }

  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    this.check();
    // Validate the whole batch before storing any of it: a batch is all or nothing.
    const batch: Chunk[] = [];
    for (const c of chunks) {
      if (c === null || typeof c !== 'object' || CID.asCID(c.cid) === null) throw new TypeError('putMany expects {cid, bytes} with a CID');
      if (!(c.bytes instanceof Uint8Array)) throw new TypeError(`The bytes of chunk ${String(c.cid)} must be a Uint8Array`);
      batch.push({ cid: c.cid, bytes: c.bytes });
    }
    for (const c of batch) this.chunks.set(cidKey(c.cid), c);
  }

  async deleteMany(cids: readonly CID[]): Promise<void> {
    this.check();
    for (const cid of cids) this.chunks.delete(cidKey(cid));
  }

  async *cids(): AsyncIterable<CID> {
    this.check();
    for (const c of [...this.chunks.values()]) yield c.cid;
  }

  async verify(): Promise<VerifyReport> {
    this.check();
    const corrupt: CID[] = [];
    let checked = 0;
    for (const c of this.chunks.values()) {
      checked++;
      if (!bytesMatchCid(c.cid, c.bytes)) corrupt.push(c.cid);
    }
    return { checked, corrupt };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
