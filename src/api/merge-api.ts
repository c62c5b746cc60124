/**
 * The merge half of the public API, behind `Connection`/`Database`: `merge`, `mergeContinue`,
 * `mergeAbort`, `conflicts`, `constraintViolations`, `resolveConflicts`, `revert`. A connection merges
 * into its own branch unless `into` names another; the merge in progress it lists and resolves
 * is its branch's. Values come back as plain objects (rows as column → value).
 */
import type { SqlValue } from '../objects/index.js';
import type { MergeOutcome as MergeResult, SchemaConflictRecord as SchemaConflictInfo, SessionVersion } from '../sql/index.js';
import { toResultValue } from './values.js';
import type { Row } from './statement.js';

/** What a merge did: its status, the new head and the conflict counts (`MergeManager`'s outcome). */
export type { MergeStatus, MergeOutcome as MergeResult } from '../sql/index.js';

export interface MergeOptions {
  /** Destination branch (default: this connection's branch). */
  into?: string;
  /** Always record a merge commit, even when a fast-forward is possible. */
  noFf?: boolean;
  /** One commit with a single parent (the destination's head) holding the merged state. */
  squash?: boolean;
  message?: string;
  author?: string;
  /** Resolve every data conflict to that side automatically. */
  strategy?: 'ours' | 'theirs';
  /** Complete the merge even when the merged rows break constraints. */
  force?: boolean;
  /** Report what the merge would do; change nothing. */
  dryRun?: boolean;
}

export interface ConflictSummary {
  table: string;
  dataConflicts: number;
  schemaConflicts: number;
}

export interface RowConflictInfo {
  /** Primary-key columns of the row (keyless tables: every column of whichever side has the row). */
  key: Row;
  base: Row | null;
  ours: Row | null;
  theirs: Row | null;
  ourDiffType: 'added' | 'removed' | 'modified';
  theirDiffType: 'added' | 'removed' | 'modified';
  /** `cells`, `delete-update`, `insert-insert` or `count` (keyless tables). */
  reason: string;
  /** Columns whose cells collided (`cells` conflicts). */
  columns: string[];
}

/** One schema conflict of the merge in progress (table, kind, the three definitions, message). */
export type { SchemaConflictRecord as SchemaConflictInfo } from '../sql/index.js';

export interface ConstraintViolationInfo {
  table: string;
  kind: 'unique' | 'foreign_key' | 'not_null' | 'check';
  key: string;
  columns: string;
  constraint: string;
  message: string;
}

export interface ResolveOptions {
  table?: string;
  /** SQL condition on the row (ours' version; theirs' when ours deleted it). */
  where?: string;
  using: 'ours' | 'theirs';
}

/** What the merge API needs from a connection. */
export interface MergeApiHost {
  readonly branch: string;
  readonly version: SessionVersion;
  readonly inTransaction: boolean;
  checkOpen(): void;
  gate(): Promise<void> | undefined;
}

function noTxn(h: MergeApiHost, what: string): void {
  if (h.inTransaction) throw new TypeError(`cannot ${what} within a transaction; commit or roll back first`);
}

async function enter(h: MergeApiHost): Promise<void> {
  h.checkOpen();
  const g = h.gate();
  if (g) await g;
}

function writable(h: MergeApiHost): string {
  h.version.checkWritable();
  return h.branch;
}

function rowOf(names: readonly string[], values: readonly SqlValue[]): Row {
  const o: Row = {};
  for (let i = 0; i < names.length; i++) o[names[i]!] = toResultValue(values[i] ?? null, false);
  return o;
}

export async function merge(h: MergeApiHost, source: string, o: MergeOptions = {}): Promise<MergeResult> {
  if (typeof source !== 'string') throw new TypeError('Expected the ref to merge as a string');
  if (o.strategy !== undefined && o.strategy !== 'ours' && o.strategy !== 'theirs') throw new TypeError(`strategy must be 'ours' or 'theirs'`);
  await enter(h);
  noTxn(h, 'merge');
  const into = o.into ?? (h.version.pinned ? writable(h) : h.branch);
  const author = o.author ?? h.version.author;
  return h.version.vc.merges.merge({
    source,
    into,
    ...(o.noFf ? { noFf: true } : {}),
    ...(o.squash ? { squash: true } : {}),
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
    ...(o.force ? { force: true } : {}),
    ...(o.dryRun ? { dryRun: true } : {}),
  });
}

export async function mergeContinue(h: MergeApiHost, o: { message?: string; author?: string } = {}): Promise<MergeResult> {
  await enter(h);
  noTxn(h, 'continue a merge');
  const author = o.author ?? h.version.author;
  return h.version.vc.merges.continue(writable(h), { ...(o.message !== undefined ? { message: o.message } : {}), ...(author !== undefined ? { author } : {}) });
}

/** A new commit on this connection's branch undoing one commit (see `MergeManager.revert`). */
export async function revert(h: MergeApiHost, ref: string, o: { message?: string; author?: string } = {}): Promise<MergeResult> {
  if (typeof ref !== 'string') throw new TypeError('Expected the commit to revert as a string');
  await enter(h);
  noTxn(h, 'revert a commit');
  const author = o.author ?? h.version.author;
  return h.version.vc.merges.revert(writable(h), ref, { ...(o.message !== undefined ? { message: o.message } : {}), ...(author !== undefined ? { author } : {}) });
}

export async function mergeAbort(h: MergeApiHost): Promise<void> {
  await enter(h);
  noTxn(h, 'abort a merge');
  await h.version.vc.merges.abort(writable(h));
}

export async function resolveConflicts(h: MergeApiHost, o: ResolveOptions): Promise<number> {
  if (o === null || typeof o !== 'object' || (o.using !== 'ours' && o.using !== 'theirs')) throw new TypeError(`resolveConflicts needs { using: 'ours' | 'theirs' }`);
  await enter(h);
  noTxn(h, 'resolve conflicts');
  return h.version.vc.merges.resolve(writable(h), {
    ...(o.table !== undefined ? { table: o.table } : {}),
    ...(o.where !== undefined ? { where: o.where } : {}),
    using: o.using,
  });
}

function stateOf(h: MergeApiHost): ReturnType<SessionVersion['vc']['merges']['stateSync']> {
  h.checkOpen();
  return h.version.pinned ? undefined : h.version.vc.merges.stateSync(h.branch);
}

/** Per table: how many data and schema conflicts are left. */
export function conflictSummary(h: MergeApiHost): ConflictSummary[] {
  const s = stateOf(h);
  if (!s) return [];
  const m = new Map<string, ConflictSummary>();
  const get = (t: string): ConflictSummary => {
    let e = m.get(t);
    if (!e) m.set(t, (e = { table: h.version.engine.committed.tables.get(t)?.info.name ?? t, dataConflicts: 0, schemaConflicts: 0 }));
    return e;
  };
  for (const c of s.conflicts) get(c.table).dataConflicts++;
  for (const c of s.schemaConflicts) get(c.table).schemaConflicts++;
  return [...m.values()].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

/** The data conflicts left on one table. */
export function tableConflicts(h: MergeApiHost, table: string): RowConflictInfo[] {
  if (typeof table !== 'string') throw new TypeError('Expected the table name as a string');
  const s = stateOf(h);
  if (!s) return [];
  const key = table.toLowerCase();
  const info = h.version.engine.committed.tables.get(key)?.info;
  if (!info) return [];
  const names = info.columns.map((c) => c.name);
  const decode = (k: Uint8Array, v: Uint8Array | null): Row | null => {
    if (v === null) return null;
    const r: SqlValue[] = new Array<SqlValue>(info.width).fill(null);
    info.decodeInto(k, v, r, 0, info.slotOfTag);
    return rowOf(names, r);
  };
  const out: RowConflictInfo[] = [];
  for (const c of s.conflicts) {
    if (c.table !== key) continue;
    const base = decode(c.key, c.base);
    const ours = decode(c.key, c.ours);
    const theirs = decode(c.key, c.theirs);
    const any = (ours ?? theirs ?? base)!;
    const k: Row = {};
    const keyCols = info.keyless ? names : info.pkSlots.map((sl) => names[sl]!);
    for (const n of keyCols) k[n] = any[n] ?? null;
    out.push({
      key: k,
      base,
      ours,
      theirs,
      ourDiffType: c.oursChange,
      theirDiffType: c.theirsChange,
      reason: c.reason,
      columns: c.tags.map((t) => info.columns[info.slotOfTag[t] ?? -1]?.name ?? `#${t}`),
    });
  }
  return out;
}

export function schemaConflicts(h: MergeApiHost): SchemaConflictInfo[] {
  return (stateOf(h)?.schemaConflicts ?? []).map((c) => ({ ...c }));
}

export function constraintViolations(h: MergeApiHost): ConstraintViolationInfo[] {
  return (stateOf(h)?.violations ?? []).map((v) => ({ ...v }));
}
