/** Shared fixtures of the refs tests: in-memory stores, a settable clock, a recording meta store. */
import { cidOf, type CID } from '../../src/hash/index.js';
import {
  MemoryChunkStore,
  MemoryMetaStore,
  type MetaOp,
  type MetaStore,
  type MetaWriteOptions,
} from '../../src/store/index.js';
import { RefStore, type RefStoreOptions } from '../../src/refs/index.js';

/** A MetaStore wrapper that records every batch and can be told to fail the next ones. */
export class RecordingMeta implements MetaStore {
  readonly name = 'recording';
  batches: { ops: MetaOp[]; sync: boolean }[] = [];
  failNext = 0;
  constructor(readonly inner: MetaStore) {}
  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  getSync(key: string): Uint8Array | undefined {
    return this.inner.getSync?.(key);
  }
  async batch(ops: readonly MetaOp[], options?: MetaWriteOptions): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('injected write failure');
    }
    this.batches.push({ ops: [...ops], sync: options?.sync === true });
    return this.inner.batch(ops, options);
  }
  compareAndSwap(key: string, e: Uint8Array | undefined, n: Uint8Array | undefined, o?: MetaWriteOptions): Promise<boolean> {
    return this.inner.compareAndSwap(key, e, n, o);
  }
  entries(prefix?: string): AsyncIterable<[string, Uint8Array]> {
    return this.inner.entries(prefix);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export class Clock {
  constructor(public t = 1_000_000) {}
  readonly now = (): number => this.t;
}

export interface Fixture {
  refs: RefStore;
  meta: RecordingMeta;
  chunks: MemoryChunkStore;
  clock: Clock;
  /** A root commit stored in the chunk store (not on any branch). */
  root: CID;
  reopen(options?: RefStoreOptions): Promise<RefStore>;
}

/** A database root CID for tests (refs never read roots). */
export function fakeRoot(n: number): CID {
  return cidOf(new TextEncoder().encode(`root ${n}`));
}

export async function fixture(options: RefStoreOptions = {}): Promise<Fixture> {
  const chunks = new MemoryChunkStore();
  const meta = new RecordingMeta(new MemoryMetaStore());
  const clock = new Clock();
  const refs = await RefStore.open(meta, chunks, { now: clock.now, ...options });
  const first = await refs.writeCommit({
    root: fakeRoot(0),
    parents: [],
    author: 'test',
    message: 'initial',
    timestamp: clock.t,
    transaction: 0,
    scn: 0,
  });
  return {
    refs,
    meta,
    chunks,
    clock,
    root: first.cid,
    reopen: (o = {}) => RefStore.open(meta, chunks, { now: clock.now, ...o }),
  };
}
