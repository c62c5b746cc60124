/**
 * The commit object: one immutable node of the version DAG.
 *
 * A commit is a dag-cbor map with exactly these keys (dag-cbor sorts them canonically, so the
 * same fields always give the same bytes and the same CID):
 *
 *   root        CID link  the database root (table map) this commit records
 *   parents     [CID]     first parent = the branch's previous head; a merge has two (or more)
 *   author      string
 *   message     string
 *   timestamp   int       ms since the Unix epoch, UTC
 *   transaction int       id of the transaction that produced it, 0 for none
 *   scn         int       the database-wide system change number of the commit
 *   generation  int       1 for a root commit, else 1 + the highest parent generation
 *
 * The generation number lets graph walks (log order, ancestry, merge base) stop early.
 * `decodeCommit` validates the shape and throws `DecodeError` on bad bytes.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { CID, cidOf } from '../hash/index.js';
import { DecodeError } from '../errors/index.js';
import { encodeCanonical } from './cbor-writer.js';

export interface Commit {
  root: CID;
  parents: CID[];
  author: string;
  message: string;
  timestamp: number;
  transaction: number;
  scn: number;
  generation: number;
}

/** A commit, its canonical bytes and its CID. */
export interface EncodedCommit {
  cid: CID;
  bytes: Uint8Array;
  commit: Commit;
}

const KEYS = ['author', 'generation', 'message', 'parents', 'root', 'scn', 'timestamp', 'transaction'] as const;

function isUint(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Why `value` is not a valid commit, or `undefined` when it is one. */
function commitProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a map';
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== KEYS.length) return `expected ${KEYS.length} fields, found ${keys.length}`;
  for (const k of KEYS) if (!(k in o)) return `missing field "${k}"`;
  if (CID.asCID(o.root) === null) return 'root is not a CID';
  if (!Array.isArray(o.parents)) return 'parents is not a list';
  const seen = new Set<string>();
  for (const p of o.parents) {
    const cid = CID.asCID(p);
    if (cid === null) return 'a parent is not a CID';
    const s = String.fromCharCode.apply(null, cid.bytes as unknown as number[]);
    if (seen.has(s)) return `duplicate parent ${cid.toString()}`;
    seen.add(s);
  }
  if (typeof o.author !== 'string') return 'author is not a string';
  if (typeof o.message !== 'string') return 'message is not a string';
  if (!isUint(o.timestamp)) return 'timestamp is not a non-negative integer';
  if (!isUint(o.transaction)) return 'transaction is not a non-negative integer';
  if (!isUint(o.scn)) return 'scn is not a non-negative integer';
  if (!isUint(o.generation) || o.generation < 1) return 'generation is not a positive integer';
  if (o.parents.length === 0 && o.generation !== 1) return 'a root commit must have generation 1';
  if (o.parents.length > 0 && o.generation < 2) return 'a commit with parents must have generation >= 2';
  return undefined;
}

/** Throws `TypeError` unless `commit` is a well-formed commit. */
export function validateCommit(commit: Commit): void {
  const problem = commitProblem(commit);
  if (problem !== undefined) throw new TypeError(`Invalid commit: ${problem}`);
}

/** The generation of a commit whose parents have these generations. */
export function nextGeneration(parentGenerations: readonly number[]): number {
  let max = 0;
  for (const g of parentGenerations) if (g > max) max = g;
  return max + 1;
}

/** Canonical dag-cbor bytes of a commit (validated first; `TypeError` if malformed). */
export function encodeCommit(commit: Commit): Uint8Array {
  validateCommit(commit);
  const fields = {
    root: commit.root,
    parents: commit.parents,
    author: commit.author,
    message: commit.message,
    timestamp: commit.timestamp,
    transaction: commit.transaction,
    scn: commit.scn,
    generation: commit.generation,
  };
  return encodeCanonical(fields) ?? dagCbor.encode(fields);
}

/** Decode and validate commit bytes; `DecodeError` when they do not hold a commit. */
export function decodeCommit(bytes: Uint8Array): Commit {
  let value: unknown;
  try {
    value = dagCbor.decode(bytes);
  } catch (err) {
    throw new DecodeError('commit', err instanceof Error ? err.message : String(err));
  }
  const problem = commitProblem(value);
  if (problem !== undefined) throw new DecodeError('commit', problem);
  const o = value as Commit;
  return {
    root: CID.asCID(o.root) as CID,
    parents: o.parents.map((p) => CID.asCID(p) as CID),
    author: o.author,
    message: o.message,
    timestamp: o.timestamp,
    transaction: o.transaction,
    scn: o.scn,
    generation: o.generation,
  };
}

/** Encode a commit and compute its CID. */
export function makeCommit(commit: Commit): EncodedCommit {
  const bytes = encodeCommit(commit);
  return { cid: cidOf(bytes), bytes, commit };
}
