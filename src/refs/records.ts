/**
 * The values stored under the refs keys (see meta.ts): branch, tag and remote-tracking records,
 * ref-log entries and the counters, as dag-cbor maps with CID links. Decoders validate and throw
 * `DecodeError`.
 */
import * as dagCbor from '@ipld/dag-cbor';
import * as cborg from 'cborg';
import { CID } from '../hash/index.js';
import { DecodeError } from '../errors/index.js';
import { encodeCanonical } from '../objects/index.js';

/** dag-cbor bytes of a record: the fast canonical encoder, else the generic one (same bytes). */
function encodeDag(v: Record<string, unknown>): Uint8Array {
  return encodeCanonical(v) ?? dagCbor.encode(v);
}

export interface Counters {
  /** Highest SCN allocated. */
  scn: number;
  /** Highest transaction id allocated. */
  txn: number;
  /** Highest branch id given out. */
  branchId: number;
}

export interface BranchRecord {
  /** Stable id (names the branch's ref-log keys; survives renames). */
  id: number;
  head: CID;
  /** The ref text the branch was created from, and the commit it resolved to. */
  createdFrom: { ref: string; commit: CID };
  /** ms since the epoch. */
  createdAt: number;
  readOnly: boolean;
  description: string;
  /** SCN and time of the latest ref-log entry. */
  scn: number;
  updatedAt: number;
}

export interface TagRecord {
  commit: CID;
  message: string;
  author: string;
  createdAt: number;
  scn: number;
}

export interface RemoteRecord {
  head: CID;
  updatedAt: number;
  scn: number;
}

/**
 * A ref-log value; its SCN (and time) are in the key. Stored as plain CBOR with the CIDs as
 * bytes rather than dag-cbor links: decoding is on the AS OF path and this is about 3× faster.
 */
export interface ReflogValue {
  time: number;
  oldHead: CID | null;
  newHead: CID;
  txn: number;
  message: string;
}

function decodeMap(what: string, bytes: Uint8Array): Record<string, unknown> {
  let v: unknown;
  try {
    v = dagCbor.decode(bytes);
  } catch (err) {
    throw new DecodeError(what, err instanceof Error ? err.message : String(err));
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(what, 'not a map');
  return v as Record<string, unknown>;
}

function num(what: string, o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new DecodeError(what, `bad field "${k}"`);
  return v;
}

function str(what: string, o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new DecodeError(what, `bad field "${k}"`);
  return v;
}

function cid(what: string, o: Record<string, unknown>, k: string): CID {
  const v = CID.asCID(o[k]);
  if (v === null) throw new DecodeError(what, `bad field "${k}"`);
  return v;
}

function bool(what: string, o: Record<string, unknown>, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new DecodeError(what, `bad field "${k}"`);
  return v;
}

export function encodeCounters(c: Counters): Uint8Array {
  return encodeDag({ scn: c.scn, txn: c.txn, branchId: c.branchId });
}

export function decodeCounters(bytes: Uint8Array): Counters {
  const w = 'ref counters';
  const o = decodeMap(w, bytes);
  return { scn: num(w, o, 'scn'), txn: num(w, o, 'txn'), branchId: num(w, o, 'branchId') };
}

export function encodeBranch(r: BranchRecord): Uint8Array {
  return encodeDag({
    id: r.id,
    head: r.head,
    createdFrom: { ref: r.createdFrom.ref, commit: r.createdFrom.commit },
    createdAt: r.createdAt,
    readOnly: r.readOnly,
    description: r.description,
    scn: r.scn,
    updatedAt: r.updatedAt,
  });
}

export function decodeBranch(bytes: Uint8Array): BranchRecord {
  const w = 'branch record';
  const o = decodeMap(w, bytes);
  const from = o.createdFrom;
  if (from === null || typeof from !== 'object') throw new DecodeError(w, 'bad field "createdFrom"');
  const f = from as Record<string, unknown>;
  return {
    id: num(w, o, 'id'),
    head: cid(w, o, 'head'),
    createdFrom: { ref: str(w, f, 'ref'), commit: cid(w, f, 'commit') },
    createdAt: num(w, o, 'createdAt'),
    readOnly: bool(w, o, 'readOnly'),
    description: str(w, o, 'description'),
    scn: num(w, o, 'scn'),
    updatedAt: num(w, o, 'updatedAt'),
  };
}

export function encodeTag(r: TagRecord): Uint8Array {
  return encodeDag({ commit: r.commit, message: r.message, author: r.author, createdAt: r.createdAt, scn: r.scn });
}

export function decodeTag(bytes: Uint8Array): TagRecord {
  const w = 'tag record';
  const o = decodeMap(w, bytes);
  return {
    commit: cid(w, o, 'commit'),
    message: str(w, o, 'message'),
    author: str(w, o, 'author'),
    createdAt: num(w, o, 'createdAt'),
    scn: num(w, o, 'scn'),
  };
}

export function encodeRemote(r: RemoteRecord): Uint8Array {
  return encodeDag({ head: r.head, updatedAt: r.updatedAt, scn: r.scn });
}

export function decodeRemote(bytes: Uint8Array): RemoteRecord {
  const w = 'remote-tracking ref record';
  const o = decodeMap(w, bytes);
  return { head: cid(w, o, 'head'), updatedAt: num(w, o, 'updatedAt'), scn: num(w, o, 'scn') };
}

export function encodeReflog(v: ReflogValue): Uint8Array {
  const o = { time: v.time, old: v.oldHead === null ? null : v.oldHead.bytes, new: v.newHead.bytes, txn: v.txn, message: v.message };
  return encodeCanonical(o) ?? cborg.encode(o);
}

function cidBytes(what: string, o: Record<string, unknown>, k: string): CID {
  const v = o[k];
  if (!(v instanceof Uint8Array)) throw new DecodeError(what, `bad field "${k}"`);
  try {
    return CID.decode(v);
  } catch (err) {
    throw new DecodeError(what, `bad CID in "${k}": ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function decodeReflog(bytes: Uint8Array): ReflogValue {
  const w = 'ref-log entry';
  let v: unknown;
  try {
    v = cborg.decode(bytes);
  } catch (err) {
    throw new DecodeError(w, err instanceof Error ? err.message : String(err));
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(w, 'not a map');
  const o = v as Record<string, unknown>;
  return {
    time: num(w, o, 'time'),
    oldHead: o.old === null ? null : cidBytes(w, o, 'old'),
    newHead: cidBytes(w, o, 'new'),
    txn: num(w, o, 'txn'),
    message: str(w, o, 'message'),
  };
}
