/**
 * A remote that is a CAR bundle file (CARv1, readable by any IPLD tool): the header's roots are
 * the bundle manifest followed by every head commit; the manifest is an ordinary dag-cbor block
 * `{heliosdb: "bundle", version: 1, branches: {name: link}, tags: {name: link}, defaultBranch?}`
 * whose links point at the head commits; every other block is one chunk.
 *
 * Memory stays bounded by the batch being moved, never by the bundle's size:
 * - reading: the file is indexed once by streaming it (`CarIndexer`: CID → offset, no block
 *   bytes kept), then blocks are read by position, a batch at a time, neighbours coalesced into
 *   one read;
 * - `CarBundleWriter` (`bundle create`) streams a new bundle through `CarWriter` straight into
 *   a temporary file, renamed over the target when complete;
 * - pushing into a bundle remote (`CarTransport.putMany`) appends chunks to a spool file next
 *   to the bundle; `close()` writes the header and manifest (`CarWriter`), then copies the old
 *   bundle's sections and the spool byte for byte into a temporary file and renames it.
 * A bundle is never half-written: readers see the old file or the new one.
 */
import { createReadStream, existsSync, renameSync, rmSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import * as dagCbor from '@ipld/dag-cbor';
import { CarIndexer, CarWriter } from '@ipld/car';
import { CID, cidFromBytes, cidKey, cidOf } from '../hash/index.js';
import { ChunkNotFoundError, NonFastForwardError, RemoteError } from '../errors/index.js';
import type { Chunk } from '../store/index.js';
import type { ChunkSink, RefList, RefUpdate, Transport } from './transport.js';

export const BUNDLE_TAG = 'bundle';

interface Manifest {
  heliosdb: string;
  version: number;
  branches: Record<string, CID>;
  tags: Record<string, CID>;
  defaultBranch?: string;
}

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Encode a CARv1 file in memory: header with `roots`, then `blocks` in order (small bundles, tests). */
export function encodeCar(roots: readonly CID[], blocks: Iterable<Chunk>): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const header = dagCbor.encode({ version: 1, roots: [...roots] });
  const h: number[] = [];
  varint(header.length, h);
  parts.push(Uint8Array.from(h), header);
  for (const b of blocks) {
    const v: number[] = [];
    varint(b.cid.bytes.length + b.bytes.length, v);
    parts.push(Uint8Array.from(v), b.cid.bytes, b.bytes);
  }
  return parts;
}

function asCid(v: unknown): CID | undefined {
  const c = CID.asCID(v);
  return c === null ? undefined : cidFromBytes(c.bytes);
}

function manifestOf(refs: RefList): { cid: CID; bytes: Uint8Array; roots: CID[] } {
  const m: Manifest = { heliosdb: BUNDLE_TAG, version: 1, branches: refs.branches, tags: refs.tags };
  if (refs.defaultBranch !== undefined) m.defaultBranch = refs.defaultBranch;
  const bytes = dagCbor.encode(m);
  const cid = cidOf(bytes);
  const heads = new Map<string, CID>();
  for (const c of [...Object.values(refs.branches), ...Object.values(refs.tags)]) heads.set(cidKey(c), c);
  return { cid, bytes, roots: [cid, ...heads.values()] };
}

/** The refs a decoded manifest names (undefined: not a HeliosDB bundle manifest). */
function refsOfManifest(bytes: Uint8Array): RefList | undefined {
  let m: unknown;
  try {
    m = dagCbor.decode(bytes);
  } catch {
    return undefined;
  }
  const o = m as Partial<Manifest> | null;
  if (o === null || typeof o !== 'object' || o.heliosdb !== BUNDLE_TAG) return undefined;
  const refs: RefList = { branches: {}, tags: {} };
  for (const [k, v] of Object.entries(o.branches ?? {})) {
    const c = asCid(v);
    if (c) refs.branches[k] = c;
  }
  for (const [k, v] of Object.entries(o.tags ?? {})) {
    const c = asCid(v);
    if (c) refs.tags[k] = c;
  }
  if (typeof o.defaultBranch === 'string') refs.defaultBranch = o.defaultBranch;
  return refs;
}

const FLUSH_BYTES = 1 << 20;

/**
 * A `CarWriter` (header with `roots`, then the blocks put) whose output goes to a file handle
 * from `start`, buffered into ~1 MiB writes.
 * `put` resolves once the block is handed to the file's buffer (back-pressure: at most one
 * buffer is pending), and reports where the block's section lies.
 */
class CarFileStream {
  private readonly writer: { put(b: { cid: CID; bytes: Uint8Array }): Promise<void>; close(): Promise<void> };
  private readonly pump: Promise<void>;
  /** Where the next section starts. */
  pos: number;
  /** Bytes written to the file so far (after `close()`: where the CAR data ends). */
  end: number;
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly fh: FileHandle,
    start: number,
    roots: readonly CID[],
  ) {
    const { writer, out } = CarWriter.create([...roots]);
    this.writer = writer;
    const header = dagCbor.encode({ version: 1, roots: [...roots] });
    this.pos = start + varintLength(header.length) + header.length;
    this.end = start;
    let at = start;
    this.pump = (async () => {
      let parts: Uint8Array[] = [];
      let size = 0;
      const flush = async (): Promise<void> => {
        if (size === 0) return;
        const buf = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, size);
        parts = [];
        const n = size;
        size = 0;
        await this.fh.write(buf, 0, n, at);
        at += n;
        this.end = at;
      };
      for await (const part of out) {
        parts.push(part);
        size += part.length;
        if (size >= FLUSH_BYTES) await flush();
      }
      await flush();
    })();
    // Surfaced by close(); keep an unhandled rejection from escaping meanwhile.
    this.pump.catch(() => undefined);
  }

  /** Queue one block; returns its section (`offset`, `length`) and its bytes' offset. */
  put(cid: CID, bytes: Uint8Array): { offset: number; length: number; blockOffset: number } {
    const body = cid.bytes.length + bytes.length;
    const length = varintLength(body) + body;
    const loc = { offset: this.pos, length, blockOffset: this.pos + length - bytes.length };
    this.pos += length;
    const p = this.writer.put({ cid, bytes });
    p.catch(() => undefined); // surfaced by drain() / close()
    this.last = p;
    return loc;
  }

  /** Wait until every queued block reached the file buffer. */
  drain(): Promise<void> {
    return this.last;
  }

  /** Write everything out; the handle stays open. */
  async close(): Promise<void> {
    await this.last;
    await this.writer.close();
    await this.pump;
  }
}

/**
 * The chunks pushed into a bundle remote before `close()`: CAR sections (no header) appended
 * to a file next to the bundle, buffered into ~1 MiB writes.
 */
class Spool {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** Bytes handed to the file so far. */
  private written = 0;

  constructor(
    readonly fh: FileHandle,
    readonly path: string,
  ) {}

  /** Append one section; returns where it lies. */
  put(cid: CID, bytes: Uint8Array): Omit<Loc, 'spool'> {
    const v: number[] = [];
    varint(cid.bytes.length + bytes.length, v);
    const offset = this.written + this.size;
    const length = v.length + cid.bytes.length + bytes.length;
    this.parts.push(Uint8Array.from(v), cid.bytes, bytes);
    this.size += length;
    return { offset, length, blockOffset: offset + length - bytes.length, blockLength: bytes.length };
  }

  get buffered(): number {
    return this.size;
  }

  /** Write the buffered sections out. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const buf = Buffer.concat(this.parts, this.size);
    const at = this.written;
    this.written += this.size;
    this.parts = [];
    this.size = 0;
    await this.fh.write(buf, 0, buf.length, at);
  }
}

/** Where one block lies: in the bundle read (`spool` false) or in the spool of new chunks. */
interface Loc {
  spool: boolean;
  /** The section (varint, CID, bytes). */
  offset: number;
  length: number;
  /** The block bytes. */
  blockOffset: number;
  blockLength: number;
}

/** Largest gap between two blocks read with one request. */
const COALESCE_GAP = 16 << 10;
/** Largest single read. */
const MAX_READ = 512 << 10;

/** Read the blocks at `locs` from `fh`, sorted and coalesced into few large reads. */
async function readBlocks(fh: FileHandle, locs: readonly { i: number; loc: Loc }[], out: Uint8Array[]): Promise<void> {
  const sorted = [...locs].sort((a, b) => a.loc.blockOffset - b.loc.blockOffset);
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as { i: number; loc: Loc };
    const start = first.loc.blockOffset;
    let end = start + first.loc.blockLength;
    let j = i + 1;
    while (j < sorted.length) {
      const l = (sorted[j] as { loc: Loc }).loc;
      if (l.blockOffset - end > COALESCE_GAP || l.blockOffset + l.blockLength - start > MAX_READ) break;
      end = Math.max(end, l.blockOffset + l.blockLength);
      j++;
    }
    const buf = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    if (bytesRead !== end - start) throw new Error(`short read (${bytesRead} of ${end - start} bytes at ${start})`);
    for (let k = i; k < j; k++) {
      const { i: idx, loc } = sorted[k] as { i: number; loc: Loc };
      const at = loc.blockOffset - start;
      // A copy: a chunk kept pending must not pin the whole read buffer.
      out[idx] = j - i === 1 ? new Uint8Array(buf.buffer, buf.byteOffset, buf.length) : Uint8Array.prototype.slice.call(buf, at, at + loc.blockLength);
    }
    i = j;
  }
}

/** Copy `length` bytes at `from` in `src` to `at` in `dst`, 1 MiB at a time. */
async function copyRange(src: FileHandle, from: number, length: number, dst: FileHandle, at: number, buf: Buffer): Promise<void> {
  while (length > 0) {
    const n = Math.min(length, buf.length);
    const { bytesRead } = await src.read(buf, 0, n, from);
    if (bytesRead !== n) throw new Error(`short read (${bytesRead} of ${n} bytes at ${from})`);
    await dst.write(buf, 0, n, at);
    from += n;
    at += n;
    length -= n;
  }
}

interface Loaded {
  index: Map<string, Loc>;
  refs: RefList;
  /** The bundle file, open for reads (undefined: there was none). */
  file: FileHandle | undefined;
  spool: Spool | undefined;
}

export class CarTransport implements Transport {
  private loaded: Promise<Loaded> | undefined;
  private dirty = false;

  constructor(readonly url: string) {}

  private load(): Promise<Loaded> {
    this.loaded ??= (async (): Promise<Loaded> => {
      const index = new Map<string, Loc>();
      const st: Loaded = { index, refs: { branches: {}, tags: {} }, file: undefined, spool: undefined };
      if (!existsSync(this.url)) return st;
      let roots: { bytes: Uint8Array }[];
      try {
        const indexer = await CarIndexer.fromIterable(createReadStream(this.url));
        for await (const b of indexer) {
          index.set(cidKey(cidFromBytes(b.cid.bytes)), { spool: false, offset: b.offset, length: b.length, blockOffset: b.blockOffset, blockLength: b.blockLength });
        }
        roots = await indexer.getRoots();
      } catch (err) {
        throw new RemoteError(this.url, `not a CAR file: ${err instanceof Error ? err.message : String(err)}`);
      }
      st.file = await openFile(this.url, 'r');
      for (const r of roots) {
        const key = cidKey(cidFromBytes(r.bytes));
        const loc = index.get(key);
        if (loc === undefined) continue;
        const out: Uint8Array[] = [];
        await readBlocks(st.file, [{ i: 0, loc }], out);
        const refs = refsOfManifest(out[0] as Uint8Array);
        if (refs === undefined) continue;
        st.refs = refs;
        index.delete(key);
        break;
      }
      return st;
    })();
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  async listRefs(): Promise<RefList> {
    const { refs } = await this.load();
    return { branches: { ...refs.branches }, tags: { ...refs.tags }, ...(refs.defaultBranch ? { defaultBranch: refs.defaultBranch } : {}) };
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    const { index } = await this.load();
    return cids.map((c) => index.has(cidKey(c)));
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    const st = await this.load();
    const inFile: { i: number; loc: Loc }[] = [];
    const inSpool: { i: number; loc: Loc }[] = [];
    cids.forEach((c, i) => {
      const loc = st.index.get(cidKey(c));
      if (loc === undefined) throw new ChunkNotFoundError(c.toString(), `bundle ${this.url}`);
      (loc.spool ? inSpool : inFile).push({ i, loc });
    });
    const out = new Array<Uint8Array>(cids.length);
    if (inFile.length > 0) await readBlocks(st.file as FileHandle, inFile, out);
    if (inSpool.length > 0) {
      const sp = st.spool as Spool;
      await sp.flush();
      await readBlocks(sp.fh, inSpool, out);
    }
    return out;
  }

  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    const st = await this.load();
    for (const c of chunks) {
      const k = cidKey(c.cid);
      if (st.index.has(k)) continue;
      if (st.spool === undefined) {
        const path = `${this.url}.spool-${process.pid}-${Math.random().toString(36).slice(2)}`;
        st.spool = new Spool(await openFile(path, 'w+'), path);
      }
      st.index.set(k, { spool: true, ...st.spool.put(c.cid, c.bytes) });
      this.dirty = true;
    }
    if (st.spool && st.spool.buffered >= FLUSH_BYTES) await st.spool.flush();
  }

  async updateRef(u: RefUpdate): Promise<void> {
    const st = await this.load();
    if (!st.index.has(cidKey(u.next))) throw new ChunkNotFoundError(u.next.toString(), `bundle ${this.url}`);
    const map = u.kind === 'branch' ? st.refs.branches : st.refs.tags;
    const cur = map[u.name] ?? null;
    if (!u.force && (cur === null ? u.expected !== null : u.expected === null || !cur.equals(u.expected))) {
      throw new NonFastForwardError(u.name, `the bundle has ${cur === null ? '(none)' : cur.toString()}`);
    }
    map[u.name] = u.next;
    if (u.kind === 'branch' && st.refs.defaultBranch === undefined) st.refs.defaultBranch = u.name;
    this.dirty = true;
  }

  /** Set the default branch recorded in the manifest. */
  async setDefaultBranch(name: string): Promise<void> {
    (await this.load()).refs.defaultBranch = name;
    this.dirty = true;
  }

  /** Write the bundle when anything changed, and release the files. */
  async close(): Promise<void> {
    const p = this.loaded;
    this.loaded = undefined;
    if (p === undefined) return;
    let st: Loaded;
    try {
      st = await p;
    } catch {
      return;
    }
    const tmp = `${this.url}.tmp-${process.pid}`;
    try {
      if (st.spool) await st.spool.flush();
      if (this.dirty) {
        const m = manifestOf(st.refs);
        const out = await openFile(tmp, 'w');
        try {
          const head = new CarFileStream(out, 0, m.roots);
          head.put(m.cid, m.bytes);
          await head.close();
          if (head.end !== head.pos) throw new Error(`bundle header written as ${head.end} bytes, expected ${head.pos}`);
          // The old bundle's sections, then the spool's: CAR sections already, copied as they are.
          let at = head.pos;
          const buf = Buffer.allocUnsafe(FLUSH_BYTES);
          for (const spool of [false, true]) {
            const src = spool ? st.spool?.fh : st.file;
            if (src === undefined) continue;
            let runStart = -1;
            let runEnd = -1;
            for (const loc of st.index.values()) {
              if (loc.spool !== spool) continue;
              if (loc.offset === runEnd) {
                runEnd += loc.length;
                continue;
              }
              if (runStart >= 0) {
                await copyRange(src, runStart, runEnd - runStart, out, at, buf);
                at += runEnd - runStart;
              }
              runStart = loc.offset;
              runEnd = loc.offset + loc.length;
            }
            if (runStart >= 0) {
              await copyRange(src, runStart, runEnd - runStart, out, at, buf);
              at += runEnd - runStart;
            }
          }
          await out.sync();
        } finally {
          await out.close();
        }
        renameSync(tmp, this.url);
        this.dirty = false;
      }
    } finally {
      rmSync(tmp, { force: true });
      await st.file?.close();
      if (st.spool) {
        await st.spool.fh.close();
        rmSync(st.spool.path, { force: true });
      }
    }
  }
}

/**
 * A new bundle streamed to disk (`bundle create`): the refs are known up front, so the header
 * and manifest go first and every chunk is written once, in the order it is put (a transfer
 * puts children before parents). A sink for `transfer`; `close()` completes the file (written
 * to a temporary name, then renamed over `path`), `abort()` drops it.
 */
export class CarBundleWriter implements ChunkSink {
  private readonly written = new Set<string>();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly fh: FileHandle,
    private readonly stream: CarFileStream,
  ) {}

  static async create(path: string, refs: RefList): Promise<CarBundleWriter> {
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const fh = await openFile(tmp, 'w');
    const m = manifestOf(refs);
    const w = new CarBundleWriter(path, tmp, fh, new CarFileStream(fh, 0, m.roots));
    w.stream.put(m.cid, m.bytes);
    return w;
  }

  /** Chunks written so far. */
  get chunks(): number {
    return this.written.size;
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    return cids.map((c) => this.written.has(cidKey(c)));
  }

  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    for (const c of chunks) {
      const k = cidKey(c.cid);
      if (this.written.has(k)) continue;
      this.written.add(k);
      this.stream.put(c.cid, c.bytes);
    }
    await this.stream.drain();
  }

  /** Finish the file and move it into place. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.stream.close();
      await this.fh.sync();
      await this.fh.close();
      renameSync(this.tmp, this.path);
    } catch (err) {
      await this.fh.close().catch(() => undefined);
      rmSync(this.tmp, { force: true });
      throw err;
    }
  }

  /** Drop the unfinished file. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stream.close().catch(() => undefined);
    await this.fh.close().catch(() => undefined);
    rmSync(this.tmp, { force: true });
  }
}
