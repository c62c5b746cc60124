/**
 * `RedoLog`: the fast path of unsynced commit batches (`synchronous: 'normal'`) on a LevelDB
 * database directory.
 *
 * classic-level has no synchronous write: every LevelDB batch is a round trip through libuv's
 * thread pool, which costs more than the rest of a one-row commit when the machine is busy.
 * So an unsynced commit batch is instead appended to a small log file next to LevelDB's own
 * files with ONE synchronous `write(2)` (the bytes are in the OS page cache when the call
 * returns: a crash of the process loses nothing, as with LevelDB's own unsynced writes), and
 * applied to LevelDB in the background, several batches per LevelDB write when commits come
 * faster than LevelDB takes them.
 *
 * Rules that keep it equal to writing LevelDB directly:
 * - Reads: synchronous reads (`getSync`) look in `overlay` first (what is logged but not yet
 *   applied); every other read and iteration waits for `drain()` (everything logged so far is
 *   in LevelDB).
 * - Writes: every write that does not go through the log waits for `quiesce()` — the log is
 *   applied AND emptied — before it starts, so writes reach LevelDB in the order they were
 *   made, and a later replay can never write an old value over a newer direct write.
 * - Opening replays the log's complete records (a torn tail record, from a crash in the middle
 *   of a `write`, is dropped: its commit never returned) into LevelDB with one synced batch,
 *   then empties it. Records are `[u32 length][u32 crc32][payload]`; payload = `[u32 n]` then
 *   per op `[u8 type (1 put, 2 del)][u32 key length][key][u32 value length][value]`.
 * - A failed background write fails every later call with a `StorageError`; the log keeps the
 *   records, and the next open applies them.
 *
 * Synced writes (`synchronous: 'full'`) do not use the log: they are LevelDB batches with
 * `sync: true` as before.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StorageError } from '../errors/index.js';
import { VIEW, translateLevelError, type LevelRoot, type RawOp } from './level-db.js';

/** The log's file name inside the database directory. */
export const REDO_FILE = 'heliosdb-redo.log';
/** Empty the log once it is this large and fully applied. */
const TRUNCATE_BYTES = 1024 * 1024;

interface Pending {
  seq: number;
  value: Uint8Array | null;
}

function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/** One log record holding `ops` (exported for tests). */
export function encodeRedo(ops: readonly RawOp[]): Buffer {
  let size = 4;
  for (const op of ops) size += 1 + 4 + op.key.length + 4 + (op.type === 'put' ? op.value!.length : 0);
  const buf = Buffer.allocUnsafe(8 + size);
  let p = 8;
  buf.writeUInt32LE(ops.length, p);
  p += 4;
  for (const op of ops) {
    buf[p++] = op.type === 'put' ? 1 : 2;
    buf.writeUInt32LE(op.key.length, p);
    p += 4;
    buf.set(op.key, p);
    p += op.key.length;
    const v = op.type === 'put' ? op.value! : undefined;
    buf.writeUInt32LE(v === undefined ? 0 : v.length, p);
    p += 4;
    if (v !== undefined) {
      buf.set(v, p);
      p += v.length;
    }
  }
  buf.writeUInt32LE(size, 0);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  return buf;
}

/** The ops of every complete, intact record of `data`, in order (stops at the first bad one). */
export function decodeRedo(data: Uint8Array): RawOp[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: RawOp[] = [];
  let p = 0;
  while (p + 8 <= buf.length) {
    const size = buf.readUInt32LE(p);
    const sum = buf.readUInt32LE(p + 4);
    if (size < 4 || p + 8 + size > buf.length) break;
    const body = buf.subarray(p + 8, p + 8 + size);
    if (crc32(body) !== sum) break;
    const ops: RawOp[] = [];
    let q = 4;
    const n = body.readUInt32LE(0);
    let ok = true;
    for (let i = 0; i < n; i++) {
      if (q + 5 > body.length) {
        ok = false;
        break;
      }
      const type = body[q++];
      const kl = body.readUInt32LE(q);
      q += 4;
      if (q + kl + 4 > body.length) {
        ok = false;
        break;
      }
      const key = new Uint8Array(body.subarray(q, q + kl));
      q += kl;
      const vl = body.readUInt32LE(q);
      q += 4;
      if (q + vl > body.length) {
        ok = false;
        break;
      }
      if (type === 1) ops.push({ type: 'put', key, value: new Uint8Array(body.subarray(q, q + vl)) });
      else if (type === 2) ops.push({ type: 'del', key });
      else {
        ok = false;
        break;
      }
      q += vl;
    }
    if (!ok) break;
    out.push(...ops);
    p += 8 + size;
  }
  return out;
}

export class RedoLog {
  private fd: number;
  private bytes = 0;
  private readonly overlay = new Map<string, Pending>();
  private queued: RawOp[] = [];
  private seq = 0;
  private applied = 0;
  private applying: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly root: LevelRoot,
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Open the log of the database directory `dir` (whose LevelDB is `root`), replaying it first. */
  static async open(root: LevelRoot, dir: string): Promise<RedoLog> {
    const path = join(dir, REDO_FILE);
    let data: Uint8Array | undefined;
    try {
      data = readFileSync(path);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw new StorageError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    const fd = openSync(path, 'a');
    if (data !== undefined && data.length > 0) {
      const ops = decodeRedo(data);
      if (ops.length > 0) {
        try {
          await root.batch(ops as { type: 'put'; key: Uint8Array; value: Uint8Array }[], { ...VIEW, sync: true });
        } catch (err) {
          closeSync(fd);
          throw translateLevelError(err, root, `redo log ${path}`, 'replay');
        }
      }
      ftruncateSync(fd, 0);
      fsyncSync(fd);
    }
    return new RedoLog(root, path, fd);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new StorageError(`The redo log ${this.path} is closed`);
  }

  /**
   * True when the file has grown past its bound: the writer then calls `quiesce()` (apply and
   * empty it) before the next append — one wait per ~1 MiB of commits keeps the file small even
   * under a steady stream of commits.
   */
  get full(): boolean {
    return this.bytes >= TRUNCATE_BYTES;
  }

  /** True when nothing is logged but unapplied (reads need not look in the overlay). */
  get idle(): boolean {
    return this.overlay.size === 0;
  }

  /**
   * What the log holds for `key` and LevelDB may not have yet: the value, `null` when deleted,
   * `undefined` when the log has nothing newer than LevelDB.
   */
  lookup(key: Uint8Array): Uint8Array | null | undefined {
    if (this.overlay.size === 0) return undefined;
    return this.overlay.get(keyString(key))?.value;
  }

  /**
   * Append `ops` as one record (one synchronous write: atomic after a crash of the process) and
   * schedule them for LevelDB. When this returns, reads see them.
   */
  append(ops: readonly RawOp[]): void {
    this.check();
    if (ops.length === 0) return;
    const rec = encodeRedo(ops);
    let off = 0;
    try {
      while (off < rec.length) off += writeSync(this.fd, rec, off, rec.length - off);
    } catch (err) {
      // A partial record is dropped by the replay (bad length or checksum); fail from now on,
      // as the tail of the file is unusable for appends.
      this.failure = new StorageError(`Cannot write the redo log ${this.path}: ${(err as Error).message}`, { cause: err });
      throw this.failure;
    }
    this.bytes += rec.length;
    const seq = ++this.seq;
    for (const op of ops) {
      this.overlay.set(keyString(op.key), { seq, value: op.type === 'put' ? op.value! : null });
      this.queued.push(op);
    }
    this.kick();
  }

  private kick(): void {
    if (this.applying !== undefined || this.queued.length === 0) return;
    const ops = this.queued;
    const upTo = this.seq;
    this.queued = [];
    this.applying = this.apply(ops, upTo);
  }

  private async apply(ops: RawOp[], upTo: number): Promise<void> {
    try {
      await this.root.batch(ops as { type: 'put'; key: Uint8Array; value: Uint8Array }[], { ...VIEW, sync: false });
    } catch (err) {
      this.failure ??= translateLevelError(err, this.root, `redo log ${this.path}`, 'apply');
      this.applying = undefined;
      return;
    }
    this.applied = upTo;
    for (const [k, e] of this.overlay) if (e.seq <= upTo) this.overlay.delete(k);
    this.applying = undefined;
    if (this.queued.length > 0) this.kick();
    else if (this.bytes >= TRUNCATE_BYTES) this.truncate();
  }

  /** Empty the file (everything in it is applied). */
  private truncate(): void {
    if (this.bytes === 0) return;
    try {
      ftruncateSync(this.fd, 0);
    } catch (err) {
      this.failure ??= new StorageError(`Cannot empty the redo log ${this.path}: ${(err as Error).message}`, { cause: err });
      return;
    }
    this.bytes = 0;
  }

  /** Resolves when everything logged before the call is in LevelDB. */
  async drain(): Promise<void> {
    const target = this.seq;
    while (this.applied < target && this.applying !== undefined) await this.applying;
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Resolves when the log is fully applied and empty: call before a write that bypasses the
   * log (so the order of writes holds, and a replay never rolls back a later direct write).
   */
  async quiesce(): Promise<void> {
    for (;;) {
      await this.drain();
      if (this.applied === this.seq && this.applying === undefined) break;
    }
    this.truncate();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Apply and empty the log, and close its file. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.failure === undefined) await this.quiesce();
    } finally {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}
