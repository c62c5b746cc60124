/**
 * Runs one conflict-matrix case through the public API (an in-memory database, SQL branch and
 * merge statements) in one direction, and judges the outcome against the case's expectation.
 * Shared by the matrix test and scripts/merge-matrix.ts.
 *
 * A case: the setup runs on main; branches `l` (ours) and `r` (theirs) are created from it and
 * take the two sides' SQL; `l0` keeps a copy of `l`. Direction `→ours` merges r into l;
 * `→theirs` merges l0 into r. Probes then run on the destination branch.
 */
import { open } from '../../../src/index.js';
import type { Expectation, MergeCase, Probe } from './cases.js';

export type Direction = 'theirs→ours' | 'ours→theirs';

export interface Outcome {
  /** MERGE BRANCH status, or `error`. */
  status: string;
  dataConflicts: number;
  schemaConflicts: number;
  violations: number;
  /** Violation kinds listed by heliosdb_constraint_violations (undefined: not available). */
  violationKinds?: string[];
  /** Tables listed by heliosdb_conflicts (undefined: not available). */
  conflictTables?: string[];
  /** Probe results, in order (rows or an error message). */
  probes: { rows?: Record<string, unknown>[]; error?: string }[];
  /** Rows of heliosdb_conflicts('t') (fields the expectation names, mirrored to theirs→ours). */
  conflictRows?: Record<string, unknown>[];
  /** Schema conflicts listed by the API (`schemaConflicts()`), on conflicts. */
  schemaConflictList?: { kind: string; ours?: string; theirs?: string }[];
  /** Whether the destination branch's head stayed where it was (checked on conflicts). */
  dstUnchanged?: boolean;
  error?: string;
}

function norm(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

type Conn = { query(sql: string): Promise<Record<string, unknown>[]>; exec(sql: string): Promise<unknown> };

async function runProbe(s: Conn, p: Probe): Promise<{ rows?: Record<string, unknown>[]; error?: string }> {
  try {
    if (p.kind === 'columnType') {
      const info = (await s.query('PRAGMA table_info(t)')) as { name: string; type: string }[];
      const names = p.column.split('|');
      return { rows: info.filter((c) => names.includes(c.name)).map((c) => ({ type: c.type })) };
    }
    if (p.kind === 'primaryKey') {
      const info = (await s.query('PRAGMA table_info(t)')) as { name: string; pk: number | bigint }[];
      return { rows: info.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => ({ name: c.name })) };
    }
    return { rows: norm(await s.query(p.sql)) as Record<string, unknown>[] };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The field of the other direction: ours_x ↔ theirs_x, our_diff_type ↔ their_diff_type. */
function mirrorField(f: string): string {
  if (f.startsWith('ours_')) return `theirs_${f.slice(5)}`;
  if (f.startsWith('theirs_')) return `ours_${f.slice(7)}`;
  if (f.startsWith('our_')) return `their_${f.slice(4)}`;
  if (f.startsWith('their_')) return `our_${f.slice(6)}`;
  return f;
}

export async function runCase(c: MergeCase, dir: Direction): Promise<Outcome> {
  const db = await open();
  try {
    await db.exec(c.setup);
    await db.exec('CREATE BRANCH l');
    await db.exec('CREATE BRANCH r');
    const l = await db.session({ branch: 'l' });
    const r = await db.session({ branch: 'r' });
    if (c.ours) await l.exec(c.ours);
    if (c.theirs) await r.exec(c.theirs);
    await db.exec('CREATE BRANCH l0 FROM l');
    const [dst, src] = dir === 'theirs→ours' ? [l, 'r'] : [r, 'l0'];
    const dstName = dir === 'theirs→ours' ? 'l' : 'r';
    const headOf = (): string | undefined => db.branches.list().find((b) => b.name === dstName)?.head;
    const before = headOf();
    const out: Outcome = { status: 'error', dataConflicts: 0, schemaConflicts: 0, violations: 0, probes: [] };
    try {
      const row = (await dst.query(`MERGE BRANCH ${src}`))[0] as Record<string, unknown>;
      out.status = String(row.status);
      out.dataConflicts = Number(row.data_conflicts);
      out.schemaConflicts = Number(row.schema_conflicts);
      out.violations = Number(row.constraint_violations);
    } catch (e) {
      out.error = e instanceof Error ? e.message : String(e);
      return out;
    }
    if (out.status === 'conflicts') {
      try {
        out.conflictTables = ((await dst.query('SELECT * FROM heliosdb_conflicts')) as { table: string }[]).map((x) => String(x.table));
      } catch {
        /* not available */
      }
      try {
        out.violationKinds = ((await dst.query('SELECT * FROM heliosdb_constraint_violations')) as { kind: string }[]).map((x) => String(x.kind));
      } catch {
        /* not available */
      }
      out.dstUnchanged = headOf() === before;
      const want = c.expect.conflictRows ?? c.expect.or?.conflictRows;
      if (want?.length) {
        const fields = Object.keys(want[0]!);
        try {
          const rows = norm(await dst.query(`SELECT * FROM heliosdb_conflicts('t')`)) as Record<string, unknown>[];
          out.conflictRows = rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[dir === 'theirs→ours' ? f : mirrorField(f)] ?? null])));
        } catch (e) {
          out.conflictRows = [{ error: e instanceof Error ? e.message : String(e) }];
        }
      }
      try {
        out.schemaConflictList = dst.schemaConflicts().map((x) => ({ kind: x.kind, ...(x.ours !== undefined ? { ours: x.ours } : {}), ...(x.theirs !== undefined ? { theirs: x.theirs } : {}) }));
      } catch {
        /* not available */
      }
    } else {
      for (const p of c.expect.probes ?? []) out.probes.push(await runProbe(dst, p));
    }
    return out;
  } catch (e) {
    return { status: 'error', dataConflicts: 0, schemaConflicts: 0, violations: 0, probes: [], error: e instanceof Error ? e.message : String(e) };
  } finally {
    await db.close();
  }
}

const CLEAN = new Set(['merged', 'fast-forward', 'up-to-date']);

function eq(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Why an outcome does not meet one expectation ('' when it does). */
function judgeOne(e: Expectation, o: Outcome, c: MergeCase): string {
  if (o.status === 'error') return `error: ${o.error ?? '?'}`;
  if (e.status === 'clean') {
    if (!CLEAN.has(o.status)) return `expected a clean merge, got ${o.status} (data ${o.dataConflicts}, schema ${o.schemaConflicts}, violations ${o.violations})`;
    const probes = e.probes ?? [];
    for (let i = 0; i < probes.length; i++) {
      const p = probes[i]!;
      const got = o.probes[i];
      const label = p.kind === 'sql' ? p.sql : `${p.kind}${p.kind === 'columnType' ? ` ${p.column}` : ''}`;
      if (!got) return `probe ${label} not run`;
      if (p.kind === 'sql' && p.error) {
        if (got.error === undefined) return `probe ${label}: expected an error, got ${JSON.stringify(got.rows)}`;
        continue;
      }
      if (got.error !== undefined) return `probe ${label}: ${got.error}`;
      if (!eq(got.rows, p.rows)) return `probe ${label}: expected ${JSON.stringify(p.rows)}, got ${JSON.stringify(got.rows)}`;
    }
    return '';
  }
  if (o.status !== 'conflicts') return `expected conflicts, got ${o.status}`;
  if (e.dataConflicts !== undefined && o.dataConflicts !== e.dataConflicts) return `expected ${e.dataConflicts} data conflict(s), got ${o.dataConflicts}`;
  if (e.schemaConflictsAtLeast !== undefined) {
    if (o.schemaConflicts < e.schemaConflictsAtLeast) return `expected a schema conflict, got ${o.schemaConflicts} (data ${o.dataConflicts}, violations ${o.violations})`;
    // A schema conflict shows both definitions (only one when the other side dropped the object).
    if (o.schemaConflictList && !o.schemaConflictList.some((x) => (x.ours && x.theirs) || ((x.ours || x.theirs) && /drop/i.test(x.kind)))) return `schema conflict listed without both definitions: ${JSON.stringify(o.schemaConflictList)}`;
  }
  if (e.violations) {
    if (o.violations < 1) return `expected violations ${e.violations.join(', ')}, got none (data ${o.dataConflicts}, schema ${o.schemaConflicts})`;
    if (o.violationKinds) for (const k of e.violations) if (!o.violationKinds.includes(k)) return `expected a ${k} violation, listed: ${o.violationKinds.join(', ')}`;
  }
  if (e.conflictRows && o.conflictRows && !eq(o.conflictRows, e.conflictRows)) return `heliosdb_conflicts('t'): expected ${JSON.stringify(e.conflictRows)}, got ${JSON.stringify(o.conflictRows)}`;
  if (e.conflictRows && !o.conflictRows) return "heliosdb_conflicts('t') not read";
  if (o.dstUnchanged === false) return 'the destination branch changed although the merge stopped on conflicts';
  void c;
  return '';
}

export function judge(c: MergeCase, o: Outcome): string {
  const first = judgeOne(c.expect, o, c);
  if (!first || !c.expect.or) return first;
  const second = judgeOne(c.expect.or, o, c);
  return second ? `${first}; or: ${second}` : '';
}

/** Whether two directions' outcomes mirror (same kind of result, same counts, same probes). */
export function mirrors(a: Outcome, b: Outcome): string {
  const kind = (o: Outcome): string => (CLEAN.has(o.status) ? 'clean' : o.status);
  if (kind(a) !== kind(b)) return `directions differ: ${a.status} vs ${b.status}`;
  if (a.dataConflicts !== b.dataConflicts || a.schemaConflicts !== b.schemaConflicts || a.violations !== b.violations) return `counts differ: ${a.dataConflicts}/${a.schemaConflicts}/${a.violations} vs ${b.dataConflicts}/${b.schemaConflicts}/${b.violations}`;
  if (!eq(a.probes, b.probes)) return 'merged contents differ between directions';
  return '';
}

/** A short outcome text for the printed matrix. */
export function outcomeText(o: Outcome): string {
  if (o.status === 'error') return `ERROR ${o.error?.slice(0, 60) ?? ''}`;
  if (o.status === 'conflicts') return `conflicts d${o.dataConflicts}/s${o.schemaConflicts}/v${o.violations}`;
  return o.status;
}
