/**
 * Helpers shared by the `MetaStore` implementations (argument checks, byte equality, the write
 * queue). Internal to src/store: not exported from its index.
 */
import type { MetaOp } from './meta-store.js';

/** Throw a `TypeError` unless `ops` is a well-formed batch. */
export function checkMetaOps(ops: readonly MetaOp[]): void {
  if (!Array.isArray(ops)) throw new TypeError('batch expects an array of operations');
  for (const op of ops) {
    if (op === null || typeof op !== 'object') throw new TypeError('A batch operation must be an object');
    if (typeof op.key !== 'string') throw new TypeError('A batch operation needs a string key');
    if (op.type === 'put') {
      if (!(op.value instanceof Uint8Array)) throw new TypeError(`The value for ${JSON.stringify(op.key)} must be a Uint8Array`);
    } else if (op.type !== 'del') {
      throw new TypeError(`Unknown batch operation type ${JSON.stringify((op as { type: unknown }).type)}`);
    }
  }
}

/** Throw a `TypeError` unless `v` is `undefined` or bytes. */
export function checkOptionalBytes(v: unknown, what: string): void {
  if (v !== undefined && !(v instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array or undefined`);
}

/** True when both are absent, or both hold the same bytes. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs async tasks one at a time in call order: the writes of a meta store, so that a
 * compare-and-swap's read and write are not interleaved with another write.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const p = this.tail.then(task);
    this.tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Resolves when every task queued so far has settled. */
  drain(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

/** Compare strings by code point, which is the order of their UTF-8 bytes. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: they sort after 0xE000–0xFFFF.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
