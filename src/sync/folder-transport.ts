/**
 * A remote that is another database folder (LevelDB on disk), opened directly: chunks through
 * its chunk store, refs through its RefStore. The folder is opened on first use and closed by
 * `close()`; LevelDB's lock means the folder must not be open elsewhere meanwhile.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CID } from '../hash/index.js';
import { RemoteNotFoundError } from '../errors/index.js';
import { openStorage, type Chunk, type Storage } from '../store/index.js';
import { RefStore } from '../refs/index.js';
import { applyRefUpdate, refListOf } from './ref-update.js';
import type { RefList, RefUpdate, Transport } from './transport.js';

export interface FolderTransportOptions {
  /** Create the database folder when it does not exist (default false: REMOTE_NOT_FOUND). */
  create?: boolean;
}

export class FolderTransport implements Transport {
  private opened: Promise<{ storage: Storage; refs: RefStore }> | undefined;

  constructor(
    readonly url: string,
    private readonly options: FolderTransportOptions = {},
  ) {}

  private open(): Promise<{ storage: Storage; refs: RefStore }> {
    this.opened ??= (async () => {
      let dir = this.url;
      // A project folder of the command-line tool keeps its database in `.heliosdb`.
      if (!existsSync(join(dir, 'CURRENT')) && existsSync(join(dir, '.heliosdb', 'CURRENT'))) dir = join(dir, '.heliosdb');
      if (!this.options.create && !existsSync(join(dir, 'CURRENT'))) {
        throw new RemoteNotFoundError(this.url, 'not a database folder');
      }
      const storage = await openStorage(dir);
      try {
        const refs = await RefStore.open(storage.meta, storage.chunks);
        return { storage, refs };
      } catch (err) {
        await storage.close();
        throw err;
      }
    })();
    this.opened.catch(() => (this.opened = undefined));
    return this.opened;
  }

  async listRefs(): Promise<RefList> {
    return refListOf((await this.open()).refs);
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    return (await this.open()).storage.chunks.hasMany(cids);
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    return (await this.open()).storage.chunks.getMany(cids);
  }

  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    await (await this.open()).storage.chunks.putMany(chunks);
  }

  async updateRef(update: RefUpdate): Promise<void> {
    await applyRefUpdate((await this.open()).refs, update);
  }

  async close(): Promise<void> {
    const o = this.opened;
    this.opened = undefined;
    if (o === undefined) return;
    let s: { storage: Storage; refs: RefStore };
    try {
      s = await o;
    } catch {
      return;
    }
    await s.refs.close();
    await s.storage.close();
  }
}
