/**
 * The wire format of the sync HTTP protocol, shared by client and server.
 *
 *   GET  /refs  → JSON {branches: {name: cid}, tags: {name: cid}, defaultBranch?}
 *   POST /has   body: CID list          → one byte per CID, 1 = present
 *   POST /get   body: CID list          → blob list, in request order (404 if one is missing)
 *   POST /put   body: chunk list        → 204; every chunk re-hashed first, one atomic batch
 *   POST /ref   body: JSON RefUpdate    → 204, or a JSON error {code, message}
 *   POST /walk  body: JSON {heads, stop, limit} (CID texts) → chunk list: the heads and their
 *               ancestor commits breadth-first, at most `limit` (≤ 4096), not past `stop`
 *   POST /done  (no body)               → 204; ends the push session named by the header
 *
 * A pushing client sends `x-heliosdb-session: <random id>` on `/has`, `/put` and `/ref`; the
 * server holds garbage collection off while the session is open (see push-sessions.ts).
 *
 * CID list = (u8 length, CID bytes)*; blob list = (u32 BE length, bytes)*; chunk list =
 * (u8 CID length, CID bytes, u32 BE length, bytes)*. Writes (`/put`, `/ref`) need
 * `Authorization: Bearer <token>` when the server has a token.
 */
import { cidFromBytes, parseCid, type CID } from '../hash/index.js';
import type { Chunk } from '../store/index.js';
import type { RefList, RefUpdate } from './transport.js';

export const PROTOCOL_VERSION = 1;

export function encodeCidList(cids: readonly CID[]): Uint8Array {
  let n = 0;
  for (const c of cids) n += 1 + c.bytes.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (const c of cids) {
    out[p++] = c.bytes.length;
    out.set(c.bytes, p);
    p += c.bytes.length;
  }
  return out;
}

export function decodeCidList(b: Uint8Array): CID[] {
  const out: CID[] = [];
  let p = 0;
  while (p < b.length) {
    const len = b[p++] as number;
    if (p + len > b.length) throw new RangeError('truncated CID list');
    out.push(cidFromBytes(b.subarray(p, p + len)));
    p += len;
  }
  return out;
}

export function encodeBlobs(blobs: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const b of blobs) n += 4 + b.length;
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const b of blobs) {
    dv.setUint32(p, b.length);
    out.set(b, p + 4);
    p += 4 + b.length;
  }
  return out;
}

export function decodeBlobs(b: Uint8Array, expected: number): Uint8Array[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < b.length) {
    if (p + 4 > b.length) throw new RangeError('truncated blob list');
    const len = dv.getUint32(p);
    if (p + 4 + len > b.length) throw new RangeError('truncated blob');
    out.push(b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  if (out.length !== expected) throw new RangeError(`expected ${expected} blobs, got ${out.length}`);
  return out;
}

export function encodeChunks(chunks: Iterable<Chunk>): Uint8Array {
  const list = [...chunks];
  let n = 0;
  for (const c of list) n += 5 + c.cid.bytes.length + c.bytes.length;
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const c of list) {
    out[p++] = c.cid.bytes.length;
    out.set(c.cid.bytes, p);
    p += c.cid.bytes.length;
    dv.setUint32(p, c.bytes.length);
    out.set(c.bytes, p + 4);
    p += 4 + c.bytes.length;
  }
  return out;
}

export function decodeChunks(b: Uint8Array): Chunk[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Chunk[] = [];
  let p = 0;
  while (p < b.length) {
    const cl = b[p++] as number;
    if (p + cl + 4 > b.length) throw new RangeError('truncated chunk list');
    const cid = cidFromBytes(b.subarray(p, p + cl));
    p += cl;
    const len = dv.getUint32(p);
    p += 4;
    if (p + len > b.length) throw new RangeError('truncated chunk');
    out.push({ cid, bytes: b.subarray(p, p + len) });
    p += len;
  }
  return out;
}

export interface RefListJson {
  branches: Record<string, string>;
  tags: Record<string, string>;
  defaultBranch?: string;
  protocol: number;
}

function mapCids(r: Record<string, CID>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) out[k] = v.toString();
  return out;
}

function parseCids(r: unknown): Record<string, CID> {
  const out: Record<string, CID> = {};
  if (r === null || typeof r !== 'object') return out;
  for (const [k, v] of Object.entries(r as Record<string, unknown>)) if (typeof v === 'string') out[k] = parseCid(v);
  return out;
}

export function refListToJson(r: RefList): RefListJson {
  const o: RefListJson = { branches: mapCids(r.branches), tags: mapCids(r.tags), protocol: PROTOCOL_VERSION };
  if (r.defaultBranch !== undefined) o.defaultBranch = r.defaultBranch;
  return o;
}

export function refListFromJson(j: unknown): RefList {
  const o = (j ?? {}) as Record<string, unknown>;
  const r: RefList = { branches: parseCids(o.branches), tags: parseCids(o.tags) };
  if (typeof o.defaultBranch === 'string') r.defaultBranch = o.defaultBranch;
  return r;
}

export interface RefUpdateJson {
  kind: 'branch' | 'tag';
  name: string;
  expected: string | null;
  next: string;
  force: boolean;
  commits: string[];
}

export function refUpdateToJson(u: RefUpdate): RefUpdateJson {
  return {
    kind: u.kind,
    name: u.name,
    expected: u.expected === null ? null : u.expected.toString(),
    next: u.next.toString(),
    force: u.force === true,
    commits: (u.commits ?? []).map((c) => c.toString()),
  };
}

export function refUpdateFromJson(j: unknown): RefUpdate {
  const o = (j ?? {}) as Record<string, unknown>;
  if (o.kind !== 'branch' && o.kind !== 'tag') throw new TypeError('kind must be "branch" or "tag"');
  if (typeof o.name !== 'string' || typeof o.next !== 'string') throw new TypeError('name and next are required');
  const u: RefUpdate = {
    kind: o.kind,
    name: o.name,
    expected: typeof o.expected === 'string' ? parseCid(o.expected) : null,
    next: parseCid(o.next),
    force: o.force === true,
  };
  if (Array.isArray(o.commits)) u.commits = o.commits.filter((c): c is string => typeof c === 'string').map(parseCid);
  return u;
}

/** The `/walk` request body. */
export function walkRequestToJson(heads: readonly CID[], stop: readonly CID[], limit: number): string {
  return JSON.stringify({ heads: heads.map(String), stop: stop.map(String), limit });
}

export function walkRequestFromJson(text: string): { heads: CID[]; stop: CID[]; limit: number } {
  let j: { heads?: unknown; stop?: unknown; limit?: unknown };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    throw new RangeError('/walk: the body is not JSON');
  }
  const list = (v: unknown): CID[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new RangeError('/walk: heads and stop must be arrays of CID strings');
    return v.map((x: string) => parseCid(x));
  };
  if (typeof j.limit !== 'number' || !Number.isSafeInteger(j.limit) || j.limit < 1) throw new RangeError('/walk: limit must be a positive integer');
  return { heads: list(j.heads), stop: list(j.stop ?? []), limit: j.limit };
}
