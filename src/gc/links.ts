/**
 * What a chunk links to, for marking and fsck, without knowing which object it holds:
 *
 * - a prolly leaf (`a3 61 6b …`) links to nothing;
 * - a prolly internal node (`a4 61 63 …`) is decoded with the tree's own decoder, and its
 *   level tells whether its children are leaves (which marking need not read);
 * - a commit is recognised by its shape: its root and its parents are reported apart, so that
 *   marking can keep a pruned commit's metadata without its data;
 * - anything else (tables, roots, schemas, tags, foreign objects) is decoded as generic
 *   dag-cbor and every CID link in it is followed.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from '../hash/index.js';
import { decodeNode } from '../objects/index.js';

export type ChunkLinks =
  | { kind: 'leaf' }
  | { kind: 'node'; level: number; children: CID[] }
  | { kind: 'commit'; root: CID; parents: CID[]; timestamp: number }
  | { kind: 'other'; links: CID[] };

const COMMIT_KEYS = ['author', 'generation', 'message', 'parents', 'root', 'scn', 'timestamp', 'transaction'];

function collect(v: unknown, out: CID[], depth: number): void {
  if (depth > 64 || v === null || typeof v !== 'object') return;
  const c = CID.asCID(v);
  if (c !== null) {
    out.push(c);
    return;
  }
  if (v instanceof Uint8Array) return;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
    return;
  }
  for (const x of Object.values(v as Record<string, unknown>)) collect(x, out, depth + 1);
}

/** The links of a chunk (throws `DecodeError`/`Error` when the bytes do not decode). */
export function chunkLinks(cid: CID, bytes: Uint8Array): ChunkLinks {
  if (bytes.length >= 3 && bytes[1] === 0x61) {
    if (bytes[0] === 0xa3 && bytes[2] === 0x6b) {
      // could still be another 3-field map whose first key is "k": make sure it is a leaf
      try {
        if (decodeNode(cid, bytes).level === 0) return { kind: 'leaf' };
      } catch {
        // fall through to the generic decoder
      }
    } else if (bytes[0] === 0xa4 && bytes[2] === 0x63) {
      try {
        const n = decodeNode(cid, bytes);
        return { kind: 'node', level: n.level, children: n.children };
      } catch {
        // fall through
      }
    }
  }
  const v = dagCbor.decode(bytes) as unknown;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === COMMIT_KEYS.length && COMMIT_KEYS.every((k) => k in o)) {
      const root = CID.asCID(o.root);
      const parents = Array.isArray(o.parents) ? o.parents.map((p) => CID.asCID(p)) : [];
      if (root !== null && parents.every((p) => p !== null) && typeof o.timestamp === 'number') {
        return { kind: 'commit', root, parents: parents as CID[], timestamp: o.timestamp };
      }
    }
  }
  const links: CID[] = [];
  collect(v, links, 0);
  return { kind: 'other', links };
}

const CID_HEAD = [0x01, 0x71, 0x12, 0x20];
const CID_TEXT = /b[a-z2-7]{58}/g;

/**
 * Every CID that opaque bytes may hold (merge-in-progress records): binary CIDs (v1, dag-cbor,
 * sha2-256) anywhere in the bytes, and CIDs written as base32 text. Over-reporting only keeps
 * more alive.
 */
export function scanCids(bytes: Uint8Array): CID[] {
  const out = new Map<string, CID>();
  for (let i = 0; i + 36 <= bytes.length; i++) {
    if (bytes[i] === CID_HEAD[0] && bytes[i + 1] === CID_HEAD[1] && bytes[i + 2] === CID_HEAD[2] && bytes[i + 3] === CID_HEAD[3]) {
      try {
        const c = CID.decode(bytes.slice(i, i + 36));
        out.set(c.toString(), c);
      } catch {
        // not a CID
      }
    }
  }
  const text = new TextDecoder('latin1').decode(bytes);
  for (const m of text.matchAll(CID_TEXT)) {
    try {
      const c = CID.parse(m[0]);
      out.set(c.toString(), c);
    } catch {
      // not a CID
    }
  }
  return [...out.values()];
}
