/**
 * The links of a chunk: the CIDs it points at, so a transfer can walk the DAG without knowing
 * every object type. Prolly leaves (`a3 61 6b …`) have none and are recognised without decoding;
 * internal prolly nodes (`a4 61 63 …`) keep their links at fixed 41-byte strides and are read
 * in place; every other chunk (commit, root, table, schema …) is decoded with dag-cbor and
 * searched for CID values.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { CID, cidFromBytes } from '../hash/index.js';
import { decodeCommit, type Commit } from '../objects/index.js';

/** CBOR `tag(42) bytes(37) 0x00` in front of every 36-byte CID link of an internal node. */
const LINK_HEAD = [0xd8, 0x2a, 0x58, 0x25, 0x00];

/** Read a CBOR array head at `pos` (major type 4): [count, next position], or undefined. */
function arrayHead(b: Uint8Array, pos: number): [number, number] | undefined {
  const first = b[pos];
  if (first === undefined || first >> 5 !== 4) return undefined;
  const info = first & 0x1f;
  if (info < 24) return [info, pos + 1];
  if (info === 24) return [b[pos + 1] ?? 0, pos + 2];
  if (info === 25) return [((b[pos + 1] ?? 0) << 8) | (b[pos + 2] ?? 0), pos + 3];
  if (info === 26) return [(((b[pos + 1] ?? 0) << 24) >>> 0) + ((b[pos + 2] ?? 0) << 16) + ((b[pos + 3] ?? 0) << 8) + (b[pos + 4] ?? 0), pos + 5];
  return undefined;
}

function internalLinks(bytes: Uint8Array): CID[] | undefined {
  const h = arrayHead(bytes, 3);
  if (h === undefined) return undefined;
  const [n, start] = h;
  const out: CID[] = new Array<CID>(n);
  let p = start;
  for (let i = 0; i < n; i++) {
    if (p + 41 > bytes.length) return undefined;
    for (let j = 0; j < 5; j++) if (bytes[p + j] !== LINK_HEAD[j]) return undefined;
    out[i] = cidFromBytes(bytes.subarray(p + 5, p + 41));
    p += 41;
  }
  return out;
}

function collect(v: unknown, out: CID[]): void {
  if (v === null || typeof v !== 'object') return;
  const cid = CID.asCID(v);
  if (cid !== null) {
    out.push(cid);
    return;
  }
  if (v instanceof Uint8Array) return;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out);
    return;
  }
  for (const x of Object.values(v as Record<string, unknown>)) collect(x, out);
}

/** The CIDs `bytes` (one dag-cbor chunk) links to, in encoding order. */
export function chunkLinks(bytes: Uint8Array): CID[] {
  if (bytes[0] === 0xa3 && bytes[1] === 0x61 && bytes[2] === 0x6b) return [];
  if (bytes[0] === 0xa4 && bytes[1] === 0x61 && bytes[2] === 0x63) {
    const links = internalLinks(bytes);
    if (links !== undefined) return links;
  }
  const out: CID[] = [];
  collect(dagCbor.decode(bytes), out);
  return out;
}

/** The commit in `bytes`, or undefined when the chunk is not a commit. */
export function tryDecodeCommit(bytes: Uint8Array): Commit | undefined {
  if (bytes[0] !== 0xa8) return undefined;
  try {
    return decodeCommit(bytes);
  } catch {
    return undefined;
  }
}
