/**
 * The merge-in-progress record of one branch (what `MERGE BRANCH` leaves behind when it stops
 * on conflicts or constraint violations): the three commits, the merged working root so far,
 * the commit message and options, and what is left to resolve — data conflicts (with the base,
 * ours and theirs rows), schema conflicts and constraint violations. Stored as dag-cbor bytes
 * in the RefStore's per-branch merge-state slot (opaque to the refs layer).
 */
import * as dagCbor from '@ipld/dag-cbor';
import { DecodeError } from '../../../errors/index.js';
import type { ChangeKind, ConflictReason, RowConflict, SchemaConflict } from '../../../merge/index.js';

/** One data conflict, on one row of one table (the row merge's conflict, minus JSON key paths). */
export interface DataConflict extends Omit<RowConflict, 'jsonPaths'> {
  /** Lower-cased table key. */
  table: string;
}

/** One schema conflict (incompatible concurrent changes of one table's definition): the schema merge's record. */
export type SchemaConflictRecord = SchemaConflict;

export type ViolationKind = 'unique' | 'foreign_key' | 'not_null' | 'check';

/** One constraint the merged result breaks. */
export interface ConstraintViolation {
  table: string;
  kind: ViolationKind;
  /** The row's key as text (`(1)`, `(1, 'a')`). */
  key: string;
  /** Columns involved, comma-separated. */
  columns: string;
  /** Constraint name or description. */
  constraint: string;
  message: string;
}

export interface MergeState {
  /** Ref text the merge took theirs from. */
  source: string;
  ours: string;
  theirs: string;
  base: string | null;
  /** Root CID (text) of the merged working state so far. */
  working: string;
  message: string;
  author: string | null;
  squash: boolean;
  force: boolean;
  conflicts: DataConflict[];
  schemaConflicts: SchemaConflictRecord[];
  violations: ConstraintViolation[];
}

const VERSION = 1;

export function encodeMergeState(s: MergeState): Uint8Array {
  return dagCbor.encode({
    v: VERSION,
    source: s.source,
    ours: s.ours,
    theirs: s.theirs,
    base: s.base,
    working: s.working,
    message: s.message,
    author: s.author,
    squash: s.squash,
    force: s.force,
    conflicts: s.conflicts.map((c) => [c.table, c.key, c.base, c.ours, c.theirs, c.oursChange, c.theirsChange, c.reason, c.tags]),
    schemaConflicts: s.schemaConflicts.map((c) => strip({ ...c })),
    violations: s.violations.map((v) => ({ ...v })),
  });
}

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function fail(detail: string): never {
  throw new DecodeError('merge state', detail);
}

export function decodeMergeState(bytes: Uint8Array): MergeState {
  let o: Record<string, unknown>;
  try {
    o = dagCbor.decode(bytes) as Record<string, unknown>;
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (typeof o !== 'object' || o === null || o.v !== VERSION) fail('unknown version');
  const conflicts = (o.conflicts as unknown[][]).map((a): DataConflict => ({
    table: a[0] as string,
    key: a[1] as Uint8Array,
    base: (a[2] ?? null) as Uint8Array | null,
    ours: (a[3] ?? null) as Uint8Array | null,
    theirs: (a[4] ?? null) as Uint8Array | null,
    oursChange: a[5] as ChangeKind,
    theirsChange: a[6] as ChangeKind,
    reason: a[7] as ConflictReason,
    tags: a[8] as number[],
  }));
  return {
    source: o.source as string,
    ours: o.ours as string,
    theirs: o.theirs as string,
    base: (o.base ?? null) as string | null,
    working: o.working as string,
    message: o.message as string,
    author: (o.author ?? null) as string | null,
    squash: o.squash === true,
    force: o.force === true,
    conflicts,
    schemaConflicts: o.schemaConflicts as SchemaConflictRecord[],
    violations: o.violations as ConstraintViolation[],
  };
}
