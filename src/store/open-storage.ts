/**
 * `openStorage(path?)`: the chunk store and the metadata store of one database, opened together.
 *
 * Without a path both live in memory. With a path, one LevelDB directory holds both:
 *
 * | key                     | value          | store            |
 * | ----------------------- | -------------- | ---------------- |
 * | `!c!` ++ binary CID     | chunk bytes    | `LevelChunkStore`|
 * | `!m!` ++ UTF-8 key      | metadata value | `LevelMetaStore` |
 *
 * What reaches the disk, and when:
 * - Every write is one LevelDB batch, atomic: after a crash it is entirely present or absent.
 * - `chunks.putMany(…, {sync: true})`, `meta.batch(…, {sync: true})` and
 *   `meta.compareAndSwap(…, {sync: true})` fsync LevelDB's write-ahead log before resolving:
 *   durable against power loss.
 * - Every other write (`put`, `putMany` without `sync`, `deleteMany`, unsynced meta writes) is
 *   in the log in the OS page cache when its promise resolves: it survives a crash of the
 *   process, not of the operating system or the machine.
 * - `close()` does not fsync. Nothing is cached in this layer above LevelDB.
 * - Chunks and metadata can be separate batches: write the chunks (unsynced is fine) and then
 *   move a ref with a synced compare-and-swap; a crash between the two leaves only unreferenced
 *   chunks, which GC removes. A commit writes both in ONE batch: `chunks.putMany(chunks,
 *   {meta: {store: meta, ops}})` (`putChunksWithMeta`).
 * - Unsynced commit batches (`synchronous: 'normal'`) go through the redo log
 *   (`heliosdb-redo.log` in the directory, redo-log.ts): one synchronous append — in the OS page
 *   cache when the call returns, so a process crash loses nothing — then applied to LevelDB in
 *   the background; opening replays it. Synced writes go to LevelDB directly.
 *
 * The directory is locked while open: a second open, from this or another process, fails with a
 * `StorageError` saying the folder is in use.
 */
import type { ChunkStore } from './chunk-store.js';
import { MemoryChunkStore } from './memory-store.js';
import type { MetaStore } from './meta-store.js';
import { MemoryMetaStore } from './memory-meta-store.js';
import { LevelChunkStore, CHUNK_SUBLEVEL } from './level-store.js';
import { LevelMetaStore, META_SUBLEVEL } from './level-meta-store.js';
import { VIEW, openLevelRoot, translateLevelError, type LevelOpenOptions } from './level-db.js';
import { RedoLog } from './redo-log.js';

export interface Storage {
  chunks: ChunkStore;
  meta: MetaStore;
  /** Close both stores (and the LevelDB directory). Closing twice is harmless. */
  close(): Promise<void>;
}

/** Open the storage of a database: in memory without `path`, else the LevelDB directory `path`. */
export async function openStorage(path?: string, options: LevelOpenOptions = {}): Promise<Storage> {
  if (path === undefined) {
    const chunks = new MemoryChunkStore();
    const meta = new MemoryMetaStore();
    return {
      chunks,
      meta,
      async close() {
        await meta.close();
        await chunks.close();
      },
    };
  }
  const root = await openLevelRoot(path, options);
  let redo: RedoLog;
  try {
    redo = await RedoLog.open(root, path);
  } catch (err) {
    await root.close().catch(() => undefined);
    throw err;
  }
  const name = `level:${path}`;
  const chunks = new LevelChunkStore(root.sublevel(CHUNK_SUBLEVEL, VIEW), { name, redo });
  const meta = new LevelMetaStore(root.sublevel(META_SUBLEVEL, VIEW), { name, redo });
  let closing: Promise<void> | undefined;
  return {
    chunks,
    meta,
    close() {
      closing ??= (async () => {
        await meta.close();
        await chunks.close();
        let redoFailure: unknown;
        try {
          await redo.close();
        } catch (err) {
          redoFailure = err;
        }
        try {
          await root.close();
        } catch (err) {
          throw translateLevelError(err, root, `database ${path}`, 'close');
        }
        if (redoFailure !== undefined) throw redoFailure;
      })();
      return closing;
    },
  };
}
