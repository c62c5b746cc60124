/**
 * Shared plumbing of the LevelDB-backed stores (chunks, metadata): opening a database
 * directory, resolving a database-or-sublevel into (root database, key prefix), and turning
 * classic-level's errors into HeliosDB's typed errors.
 *
 * One LevelDB directory holds every store of a database, each under its own sublevel prefix
 * (`!c!` chunks, `!m!` metadata; see `open-storage.ts`). The stores talk to the root database
 * directly with the prefix prepended by hand: this skips abstract-level's sublevel layers,
 * which halves the cost of the synchronous read path.
 */
import { ClassicLevel } from 'classic-level';
import { HeliosError, StorageError, StoreClosedError } from '../errors/index.js';

/** The root database type every LevelDB store works on (keys and values are byte views). */
export type LevelRoot = ClassicLevel<Uint8Array, Uint8Array>;

/**
 * Where a LevelDB store keeps its keys: a `ClassicLevel` database (keys unprefixed), or a
 * sublevel of one (`db.sublevel('chunks')`, any encodings; only its prefix is used).
 */
export type LevelTarget = LevelRoot | ClassicLevel | { readonly db: object; readonly prefix: string };

/** Options of a LevelDB directory (passed to LevelDB's open). */
export interface LevelOpenOptions {
  /** Create the directory when it is missing (default true). */
  createIfMissing?: boolean;
  /** LevelDB block cache in bytes (LevelDB default: 8 MiB). */
  cacheSize?: number;
  /** Memtable size in bytes before it is flushed to a table file (default 4 MiB). */
  writeBufferSize?: number;
  /** Snappy-compress table blocks (default true). */
  compression?: boolean;
}

/** A raw LevelDB batch op (the key with its store prefix already in it). */
export interface RawOp {
  type: 'put' | 'del';
  key: Uint8Array;
  value?: Uint8Array;
}

/** Per-call options that make every operation read and write raw byte views. */
export const VIEW = { keyEncoding: 'view', valueEncoding: 'view' } as const;

const encoder = new TextEncoder();

/** The root database and the byte prefix of `target`. */
export function resolveTarget(target: LevelTarget): { root: LevelRoot; prefix: Uint8Array } {
  if (target instanceof ClassicLevel) return { root: target as unknown as LevelRoot, prefix: new Uint8Array(0) };
  const t = target as { db?: unknown; prefix?: unknown };
  if (t && t.db instanceof ClassicLevel && typeof t.prefix === 'string') {
    return { root: t.db as unknown as LevelRoot, prefix: encoder.encode(t.prefix) };
  }
  throw new TypeError('Expected a ClassicLevel database or a sublevel of one');
}

/** `prefix ++ key` in a new array. */
export function concatBytes(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or
 * `undefined` when there is none (empty prefix, or all bytes 0xff).
 */
export function upperBoundOf(prefix: Uint8Array): Uint8Array | undefined {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return undefined;
  const out = prefix.slice(0, n);
  out[n - 1]!++;
  return out;
}

/** A plain `Uint8Array` over the same memory (classic-level returns Node `Buffer`s). */
export function plainView(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function levelCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function causeChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e !== undefined && e !== null; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/**
 * Translate an error thrown by classic-level into a typed error: a closed database becomes
 * `StoreClosedError`, a lock held elsewhere and every I/O or corruption failure become
 * `StorageError` with a message that says what to do. Typed errors pass through.
 */
export function translateLevelError(err: unknown, root: LevelRoot, what: string, op: string): Error {
  if (err instanceof HeliosError || err instanceof TypeError) return err;
  const chain = causeChain(err);
  const codes = chain.map(levelCode);
  const location = root.location;
  if (codes.includes('LEVEL_LOCKED')) {
    return new StorageError(
      `The database folder ${location} is in use by another process (or by another open handle in this process); close it there first`,
      { cause: err },
    );
  }
  if (codes.includes('LEVEL_INVALID_KEY') || codes.includes('LEVEL_INVALID_VALUE')) {
    return new TypeError(`Invalid key or value for ${what} ${op}: ${(err as Error).message}`);
  }
  if (op === 'open') {
    const last = chain[chain.length - 1] as Error | undefined;
    return new StorageError(`Cannot open the database folder ${location}: ${last?.message ?? String(err)}`, {
      cause: err,
    });
  }
  if (codes[0] === 'LEVEL_DATABASE_NOT_OPEN') {
    if (root.status === 'closed' || root.status === 'closing') return new StoreClosedError(what);
    const last = chain[chain.length - 1] as Error | undefined;
    const detail = last && last !== err ? `: ${last.message}` : '';
    return new StorageError(`Cannot ${op} ${what}: the LevelDB database at ${location} is not open${detail} (await its open() first)`, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  const kind = codes.includes('LEVEL_CORRUPTION') ? 'is corrupt' : 'failed';
  return new StorageError(`LevelDB ${op} on ${location} ${kind}: ${message}`, { cause: err });
}

/** Open (creating if needed) the LevelDB directory at `path` with byte-view encodings. */
export async function openLevelRoot(path: string, options: LevelOpenOptions = {}): Promise<LevelRoot> {
  if (typeof path !== 'string' || path === '') throw new TypeError('A database path must be a non-empty string');
  const root = new ClassicLevel<Uint8Array, Uint8Array>(path, VIEW);
  const open: Record<string, unknown> = { createIfMissing: options.createIfMissing ?? true };
  if (options.cacheSize !== undefined) open.cacheSize = options.cacheSize;
  if (options.writeBufferSize !== undefined) open.writeBufferSize = options.writeBufferSize;
  if (options.compression !== undefined) open.compression = options.compression;
  try {
    await root.open(open);
  } catch (err) {
    throw translateLevelError(err, root, `database ${path}`, 'open');
  }
  return root;
}

/** True when `root`'s default encodings are byte views, so `getSync(key)` takes the fast path. */
export function hasViewDefaults(root: LevelRoot): boolean {
  return root.keyEncoding().name === 'view' && root.valueEncoding().name === 'view';
}
