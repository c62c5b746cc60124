/**
 * A remote that is a CAR bundle file (CARv1, readable by any IPLD tool): the header's roots are
 * the bundle manifest followed by every head commit; the manifest is an ordinary dag-cbor block
 * `{heliosdb: "bundle", version: 1, branches: {name: link}, tags: {name: link}, defaultBranch?}`
 * whose links point at the head commits; every other block is one chunk.
 *
 * Fetching from a bundle reads the whole file into memory (bundles are for offline transfer
 * of moderate size). Pushing into a bundle collects chunks and ref updates in memory and
 * `close()` writes the file (to a temporary name, then renamed: never half-written).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as dagCbor from '@ipld/dag-cbor';
import { CarReader } from '@ipld/car';
import { CID, cidFromBytes, cidKey, cidOf } from '../hash/index.js';
import { ChunkNotFoundError, NonFastForwardError, RemoteError } from '../errors/index.js';
import type { Chunk } from '../store/index.js';
import type { RefList, RefUpdate, Transport } from './transport.js';

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

/** Encode a CARv1 file: header with `roots`, then `blocks` in order. */
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

export class CarTransport implements Transport {
  private loaded: Promise<void> | undefined;
  private readonly blocks = new Map<string, Chunk>();
  private refs: RefList = { branches: {}, tags: {} };
  private dirty = false;

  constructor(readonly url: string) {}

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!existsSync(this.url)) return;
      let reader: CarReader;
      try {
        reader = await CarReader.fromBytes(readFileSync(this.url));
      } catch (err) {
        throw new RemoteError(this.url, `not a CAR file: ${err instanceof Error ? err.message : String(err)}`);
      }
      for await (const b of reader.blocks()) {
        const cid = cidFromBytes(b.cid.bytes);
        this.blocks.set(cidKey(cid), { cid, bytes: b.bytes });
      }
      for (const r of await reader.getRoots()) {
        const root = this.blocks.get(cidKey(cidFromBytes(r.bytes)));
        if (!root) continue;
        let m: unknown;
        try {
          m = dagCbor.decode(root.bytes);
        } catch {
          continue;
        }
        const o = m as Partial<Manifest> | null;
        if (o === null || typeof o !== 'object' || o.heliosdb !== BUNDLE_TAG) continue;
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
        this.refs = refs;
        this.blocks.delete(cidKey(root.cid));
        break;
      }
    })();
    return this.loaded;
  }

  async listRefs(): Promise<RefList> {
    await this.load();
    return { branches: { ...this.refs.branches }, tags: { ...this.refs.tags }, ...(this.refs.defaultBranch ? { defaultBranch: this.refs.defaultBranch } : {}) };
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    await this.load();
    return cids.map((c) => this.blocks.has(cidKey(c)));
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    await this.load();
    return cids.map((c) => {
      const b = this.blocks.get(cidKey(c));
      if (!b) throw new ChunkNotFoundError(c.toString(), `bundle ${this.url}`);
      return b.bytes;
    });
  }

  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    await this.load();
    for (const c of chunks) {
      const k = cidKey(c.cid);
      if (!this.blocks.has(k)) {
        this.blocks.set(k, { cid: c.cid, bytes: c.bytes });
        this.dirty = true;
      }
    }
  }

  async updateRef(u: RefUpdate): Promise<void> {
    await this.load();
    if (!this.blocks.has(cidKey(u.next))) throw new ChunkNotFoundError(u.next.toString(), `bundle ${this.url}`);
    const map = u.kind === 'branch' ? this.refs.branches : this.refs.tags;
    const cur = map[u.name] ?? null;
    if (!u.force && (cur === null ? u.expected !== null : u.expected === null || !cur.equals(u.expected))) {
      throw new NonFastForwardError(u.name, `the bundle has ${cur === null ? '(none)' : cur.toString()}`);
    }
    map[u.name] = u.next;
    if (u.kind === 'branch' && this.refs.defaultBranch === undefined) this.refs.defaultBranch = u.name;
    this.dirty = true;
  }

  /** Set the default branch recorded in the manifest. */
  setDefaultBranch(name: string): void {
    this.refs.defaultBranch = name;
    this.dirty = true;
  }

  /** Write the bundle when anything changed. */
  async close(): Promise<void> {
    if (!this.dirty) return;
    const manifest: Manifest = { heliosdb: BUNDLE_TAG, version: 1, branches: this.refs.branches, tags: this.refs.tags };
    if (this.refs.defaultBranch !== undefined) manifest.defaultBranch = this.refs.defaultBranch;
    const mbytes = dagCbor.encode(manifest);
    const mcid = cidOf(mbytes);
    const heads = new Map<string, CID>();
    for (const c of [...Object.values(this.refs.branches), ...Object.values(this.refs.tags)]) heads.set(cidKey(c), c);
    const parts = encodeCar([mcid, ...heads.values()], [{ cid: mcid, bytes: mbytes }, ...this.blocks.values()]);
    const tmp = `${this.url}.tmp-${process.pid}`;
    writeFileSync(tmp, Buffer.concat(parts));
    renameSync(tmp, this.url);
    this.dirty = false;
  }
}
