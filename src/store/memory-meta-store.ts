/**
 * `MemoryMetaStore`: the in-memory `MetaStore` (for `open()` without a directory and tests).
 * Values are copied in and out, so callers can never alias the stored bytes.
 */
import { StoreClosedError } from '../errors/index.js';
import type { MetaOp, MetaStore, MetaWriteOptions } from './meta-store.js';
import { SerialQueue, checkMetaOps, checkOptionalBytes, compareCodePoints, sameBytes } from './meta-util.js';

export class MemoryMetaStore implements MetaStore {
  readonly name = 'memory';
  private readonly map = new Map<string, Uint8Array>();
  private readonly queue = new SerialQueue();
  private closed = false;

  private check(): void {
    if (this.closed) throw new StoreClosedError('memory meta store');
  }

  getSync(key: string): Uint8Array | undefined {
    this.check();
    if (typeof key !== 'string') throw new TypeError('A meta key must be a string');
    return this.map.get(key)?.slice();
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.getSync(key);
  }

  private apply(ops: readonly MetaOp[]): void {
    for (const op of ops) {
      if (op.type === 'put') this.map.set(op.key, op.value.slice());
      else this.map.delete(op.key);
    }
  }

  async batch(ops: readonly MetaOp[], _options?: MetaWriteOptions): Promise<void> {
    this.check();
    checkMetaOps(ops);
    const copy = ops.slice();
    return this.queue.run(() => {
      this.apply(copy);
    });
  }

  async compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    _options?: MetaWriteOptions,
  ): Promise<boolean> {
    this.check();
    if (typeof key !== 'string') throw new TypeError('A meta key must be a string');
    checkOptionalBytes(expected, 'expected');
    checkOptionalBytes(next, 'next');
    const exp = expected?.slice();
    const nxt = next?.slice();
    return this.queue.run(() => {
      if (!sameBytes(this.map.get(key), exp)) return false;
      if (nxt === undefined) this.map.delete(key);
      else this.map.set(key, nxt);
      return true;
    });
  }

  async *entries(prefix = ''): AsyncIterable<[string, Uint8Array]> {
    this.check();
    if (typeof prefix !== 'string') throw new TypeError('A key prefix must be a string');
    const snapshot: [string, Uint8Array][] = [];
    for (const [k, v] of this.map) if (k.startsWith(prefix)) snapshot.push([k, v]);
    snapshot.sort((a, b) => compareCodePoints(a[0], b[0]));
    for (const [k, v] of snapshot) yield [k, v.slice()];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
  }
}
