/**
 * `LevelMetaStore`: the `MetaStore` on LevelDB, normally the sublevel `m` (key prefix `!m!`) of
 * the database directory that also holds the chunks. A key is stored as `prefix ++ UTF-8(key)`.
 *
 * Writes (`batch`, `compareAndSwap`) go through one queue per store object, so a
 * compare-and-swap reads and writes with no other write of this object in between. The LevelDB
 * directory lock keeps other processes out; open one `LevelMetaStore` per directory in a process
 * (`openStorage` does).
 *
 * Durability: with `{sync: true}` the batch is fsynced before the promise resolves; without it
 * the write survives a process crash but not a machine crash. Every batch is atomic. With a
 * redo log (`openStorage` gives one), unsynced `batchAfter` writes (a commit's chunks and ref
 * move) are appended to it synchronously and applied to LevelDB in the background; reads and
 * other writes keep their order through it (redo-log.ts).
 */
import { StoreClosedError } from '../errors/index.js';
import {
  VIEW,
  concatBytes,
  openLevelRoot,
  plainView,
  resolveTarget,
  translateLevelError,
  upperBoundOf,
  type LevelOpenOptions,
  type LevelRoot,
  type LevelTarget,
  type RawOp,
} from './level-db.js';
import type { MetaOp, MetaStore, MetaWriteOptions } from './meta-store.js';
import type { RedoLog } from './redo-log.js';

import { SerialQueue, checkMetaOps, checkOptionalBytes, sameBytes } from './meta-util.js';

/** The sublevel that holds metadata in a database directory. */
export const META_SUBLEVEL = 'm';

export interface LevelMetaStoreOptions {
  /** Close the underlying database when the store is closed (default false). */
  ownsDatabase?: boolean;
  /** Name reported by `name` (default `level:<location>`). */
  name?: string;
  /** The database's redo log (see redo-log.ts): unsynced commit batches go through it. */
  redo?: RedoLog;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class LevelMetaStore implements MetaStore {
  readonly name: string;
  private readonly root: LevelRoot;
  private readonly prefix: Uint8Array;
  private readonly owns: boolean;
  private readonly queue = new SerialQueue();
  private readonly redo: RedoLog | undefined;
  private closed = false;

  constructor(target: LevelTarget, options: LevelMetaStoreOptions = {}) {
    const { root, prefix } = resolveTarget(target);
    this.root = root;
    this.prefix = prefix;
    this.owns = options.ownsDatabase ?? false;
    this.name = options.name ?? `level:${root.location}`;
    this.redo = options.redo;
  }

  /** Open (creating if missing) the database directory `path` and its metadata sublevel. */
  static async open(path: string, options: LevelOpenOptions = {}): Promise<LevelMetaStore> {
    const root = await openLevelRoot(path, options);
    return new LevelMetaStore(root.sublevel(META_SUBLEVEL, VIEW), { ownsDatabase: true, name: `level:${path}` });
  }

  private check(): void {
    if (this.closed) throw new StoreClosedError(`meta store ${this.name}`);
  }

  private fail(err: unknown, op: string): Error {
    return translateLevelError(err, this.root, `meta store ${this.name}`, op);
  }

  private keyOf(key: string): Uint8Array {
    if (typeof key !== 'string') throw new TypeError('A meta key must be a string');
    return concatBytes(this.prefix, encoder.encode(key));
  }

  getSync(key: string): Uint8Array | undefined {
    this.check();
    const k = this.keyOf(key);
    const logged = this.redo?.lookup(k);
    if (logged !== undefined) return logged === null ? undefined : logged.slice();
    try {
      const v = this.root.getSync(k, VIEW);
      return v === undefined ? undefined : plainView(v);
    } catch (err) {
      throw this.fail(err, 'read');
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    const k = this.keyOf(key);
    if (this.redo !== undefined) await this.redo.drain();
    try {
      const v = await this.root.get(k, VIEW);
      return v === undefined ? undefined : plainView(v);
    } catch (err) {
      throw this.fail(err, 'read');
    }
  }

  /** Write `ops` (values already copied) after the raw ops `before`, as one LevelDB batch. */
  private async write(ops: readonly MetaOp[], options: MetaWriteOptions | undefined, before?: readonly RawOp[]): Promise<void> {
    if (ops.length === 0 && (before === undefined || before.length === 0)) return;
    const mapped: RawOp[] = before === undefined ? [] : before.slice();
    for (const op of ops) {
      mapped.push(op.type === 'put' ? { type: 'put', key: this.keyOf(op.key), value: op.value } : { type: 'del', key: this.keyOf(op.key) });
    }
    const redo = this.redo;
    if (redo !== undefined) {
      if (before !== undefined && options?.sync !== true) {
        // an unsynced commit batch: one synchronous append to the redo log
        if (redo.full) await redo.quiesce();
        try {
          redo.append(mapped);
        } catch (err) {
          throw this.fail(err, 'write');
        }
        return;
      }
      await redo.quiesce();
    }
    try {
      await this.root.batch(mapped as { type: 'put'; key: Uint8Array; value: Uint8Array }[], { ...VIEW, sync: options?.sync === true });
    } catch (err) {
      throw this.fail(err, 'write');
    }
  }

  async batch(ops: readonly MetaOp[], options?: MetaWriteOptions): Promise<void> {
    this.check();
    checkMetaOps(ops);
    const copy = ops.map((op) => (op.type === 'put' ? { ...op, value: op.value.slice() } : { ...op }));
    return this.queue.run(() => this.write(copy, options));
  }

  /** True when this store keeps its keys in the LevelDB database `root`. */
  sharesDatabase(root: object): boolean {
    return this.root === root;
  }

  /**
   * Write raw LevelDB ops of the same database (e.g. a chunk store's puts, keys already
   * prefixed) followed by `ops`, as ONE atomic batch, in this store's write queue. Used by
   * `LevelChunkStore.putMany(…, {meta})`.
   */
  async batchAfter(raw: readonly RawOp[], ops: readonly MetaOp[], options?: MetaWriteOptions): Promise<void> {
    this.check();
    checkMetaOps(ops);
    const copy = ops.map((op) => (op.type === 'put' ? { ...op, value: op.value.slice() } : { ...op }));
    return this.queue.run(() => this.write(copy, options, raw));
  }

  async compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    options?: MetaWriteOptions,
  ): Promise<boolean> {
    this.check();
    const k = this.keyOf(key);
    checkOptionalBytes(expected, 'expected');
    checkOptionalBytes(next, 'next');
    const exp = expected?.slice();
    const nxt = next?.slice();
    return this.queue.run(async () => {
      let current: Uint8Array | undefined;
      if (this.redo !== undefined) await this.redo.drain();
      try {
        current = await this.root.get(k, VIEW);
      } catch (err) {
        throw this.fail(err, 'read');
      }
      if (!sameBytes(current, exp)) return false;
      await this.write(nxt === undefined ? [{ type: 'del', key }] : [{ type: 'put', key, value: nxt }], options);
      return true;
    });
  }

  async *entries(prefix = ''): AsyncIterable<[string, Uint8Array]> {
    this.check();
    if (typeof prefix !== 'string') throw new TypeError('A key prefix must be a string');
    const start = this.keyOf(prefix);
    const end = upperBoundOf(start);
    const p = this.prefix.length;
    if (this.redo !== undefined) await this.redo.drain();
    let it;
    try {
      it = this.root.iterator(end === undefined ? { gte: start, ...VIEW } : { gte: start, lt: end, ...VIEW });
    } catch (err) {
      throw this.fail(err, 'iterate');
    }
    try {
      for (;;) {
        let batch: [Uint8Array, Uint8Array][];
        try {
          batch = await it.nextv(256);
        } catch (err) {
          throw this.fail(err, 'iterate');
        }
        if (batch.length === 0) return;
        for (const [k, v] of batch) {
          let key: string;
          try {
            key = decoder.decode(k.subarray(p));
          } catch {
            continue; // not a key this store wrote
          }
          yield [key, plainView(v)];
        }
      }
    } finally {
      await it.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
    if (this.owns) {
      try {
        await this.root.close();
      } catch (err) {
        throw this.fail(err, 'close');
      }
    }
  }
}
