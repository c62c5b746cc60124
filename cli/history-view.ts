/**
 * Views of history shared by `log`, `show`, `diff` and the demo: short ids, dates, the
 * `log --graph` lane drawing, and git-style row diffs between two versions.
 */
import type { CommitInfo, Database } from '../src/index.js';
import type { CliContext } from './context.js';
import { cellText } from './format.js';
import { lit } from './sql-runner.js';

/** A commit id shortened for display: the constant `bafyrei` prefix plus 9 characters (a unique prefix in practice; `resolve` accepts it). */
export function shortId(id: string): string {
  return id.slice(0, 16);
}

export function dateText(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 72 ? `${l.slice(0, 69)}...` : l;
}

/** Decorations: branch, remote-tracking branch and tag names pointing at each commit. */
export function decorations(db: Database): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const add = (id: string, name: string) => m.set(id, [...(m.get(id) ?? []), name]);
  for (const b of db.branches.list()) add(b.head, b.name === db.branch ? `HEAD -> ${b.name}` : b.name);
  for (const r of db.branches.remote()) add(r.head, r.name);
  for (const t of db.tags.list()) add(t.commit, `tag: ${t.name}`);
  return m;
}

/** Lines of `log` (one commit per line with --oneline, else git-like blocks), with an optional graph. */
export function renderLog(ctx: CliContext, commits: readonly CommitInfo[], deco: Map<string, string[]>, o: { oneline: boolean; graph: boolean }): string[] {
  const out: string[] = [];
  const lanes: string[] = [];
  const ids = new Set(commits.map((c) => c.id));
  for (const c of commits) {
    let idx = lanes.indexOf(c.id);
    if (idx < 0) {
      lanes.push(c.id);
      idx = lanes.length - 1;
    }
    const here = o.graph ? `${lanes.map((_, i) => (i === idx ? ctx.paint('bold', '*') : ctx.paint('red', '|'))).join(' ')} ` : '';
    const pad = o.graph ? `${lanes.map(() => ctx.paint('red', '|')).join(' ')} ` : '';
    const names = deco.get(c.id);
    const d = names ? ` ${ctx.paint('yellow', '(')}${names.map((n) => (n.startsWith('tag:') ? ctx.paint('yellow', n) : n.startsWith('HEAD') ? ctx.paint('cyan', n) : ctx.paint('green', n))).join(ctx.paint('yellow', ', '))}${ctx.paint('yellow', ')')}` : '';
    const pruned = c.pruned ? ` ${ctx.paint('dim', '[pruned]')}` : '';
    if (o.oneline) out.push(`${here}${ctx.paint('yellow', shortId(c.id))}${d}${pruned} ${firstLine(c.message)}`);
    else {
      out.push(`${here}${ctx.paint('yellow', `commit ${c.id}`)}${d}${pruned}`);
      if (c.pruned) out.push(`${pad}${ctx.paint('dim', 'Pruned: its data was removed by gc (retention policy); AS OF this version fails')}`);
      if (c.parents.length > 1) out.push(`${pad}Merge: ${c.parents.map(shortId).join(' ')}`);
      out.push(`${pad}Author: ${c.author}`);
      out.push(`${pad}Date:   ${dateText(c.timestamp)} UTC  (transaction ${c.transaction}, scn ${c.scn})`);
      out.push(pad);
      for (const l of c.message.split('\n')) out.push(`${pad}    ${l}`);
      out.push(pad);
    }
    if (!o.graph) continue;
    const parents = c.parents.filter((p) => ids.has(p));
    if (parents.length === 0) {
      lanes.splice(idx, 1);
      // Lanes to the right move one column left.
      if (idx < lanes.length) out.push(ctx.paint('red', `${'| '.repeat(idx)}${' /'.repeat(lanes.length - idx)}`.replace(/^ /, '')));
      continue;
    }
    lanes[idx] = parents[0]!;
    for (const p of parents.slice(1)) {
      if (lanes.includes(p)) continue;
      lanes.splice(idx + 1, 0, p);
      out.push(ctx.paint('red', `${'| '.repeat(idx)}|\\${' |'.repeat(Math.max(0, lanes.length - idx - 2))}`));
    }
    // Lanes that now wait for the same commit join.
    for (let j = lanes.length - 1; j > 0; j--) {
      const k = lanes.indexOf(lanes[j]!);
      if (k < j) {
        lanes.splice(j, 1);
        out.push(ctx.paint('red', `${'| '.repeat(j - 1)}|/${' |'.repeat(Math.max(0, lanes.length - j))}`));
      }
    }
  }
  return out;
}

/** One row of a diff between two versions of a table. */
export interface TableChange {
  table: string;
  type: 'added' | 'removed' | 'modified';
  from: Record<string, unknown> | null;
  to: Record<string, unknown> | null;
}

/** Names of the tables in a version (undefined: the current state). */
export async function tablesAt(db: Database, ref: string | undefined): Promise<string[]> {
  const rows = await db.query<{ name: string }>(ref === undefined ? 'SHOW TABLES' : `SHOW TABLES AS OF ${lit(ref)}`);
  return rows.map((r) => r.name).filter((n) => !n.startsWith('heliosdb_'));
}

/** Row changes of every (or one) table from `from` to `to` (undefined: the current state). */
export async function changesBetween(db: Database, from: string, to: string | undefined, table?: string): Promise<{ tables: string[]; changes: TableChange[] }> {
  let tables: string[];
  if (table !== undefined) tables = [table];
  else {
    const a = await tablesAt(db, from);
    const b = await tablesAt(db, to);
    tables = [...new Set([...a, ...b])].sort();
  }
  const changes: TableChange[] = [];
  for (const t of tables) {
    for (const r of await db.diff(t, from, to)) changes.push({ table: t, type: r.type, from: r.from, to: r.to });
  }
  return { tables, changes };
}

function rowText(r: Record<string, unknown> | null, other?: Record<string, unknown> | null, mark?: (s: string) => string): string {
  if (!r) return '';
  return `(${Object.entries(r)
    .map(([k, v]) => {
      const t = `${k}=${v === null ? 'NULL' : typeof v === 'string' ? lit(v) : cellText(v)}`;
      return mark && other && other[k] !== undefined && String(other[k]) !== String(v) ? mark(t) : t;
    })
    .join(', ')})`;
}

/** Print changes the way `git diff` does: a header per table, `-` old rows red, `+` new rows green. */
export function printChanges(ctx: CliContext, changes: readonly TableChange[], fromLabel: string, toLabel: string): void {
  let current = '';
  for (const c of changes) {
    if (c.table !== current) {
      current = c.table;
      ctx.print(ctx.paint('bold', `diff --heliosdb a/${c.table} b/${c.table}`));
      ctx.print(ctx.paint('bold', `--- a/${c.table}\t(${fromLabel})`));
      ctx.print(ctx.paint('bold', `+++ b/${c.table}\t(${toLabel})`));
    }
    if (c.type === 'modified') {
      ctx.print(ctx.paint('cyan', '@@ modified @@'));
      ctx.print(ctx.paint('red', `- ${rowText(c.from, c.to, (s) => ctx.paint('bold', s))}`));
      ctx.print(ctx.paint('green', `+ ${rowText(c.to, c.from, (s) => ctx.paint('bold', s))}`));
    } else if (c.type === 'added') ctx.print(ctx.paint('green', `+ ${rowText(c.to)}`));
    else ctx.print(ctx.paint('red', `- ${rowText(c.from)}`));
  }
}

/** `--stat`: per table, rows added/modified/removed. */
export function statOf(changes: readonly TableChange[]): { table: string; added: number; modified: number; removed: number }[] {
  const m = new Map<string, { table: string; added: number; modified: number; removed: number }>();
  for (const c of changes) {
    const s = m.get(c.table) ?? { table: c.table, added: 0, modified: 0, removed: 0 };
    s[c.type]++;
    m.set(c.table, s);
  }
  return [...m.values()];
}

export function printStat(ctx: CliContext, stats: ReturnType<typeof statOf>): void {
  const w = Math.max(0, ...stats.map((s) => s.table.length));
  let a = 0;
  let mo = 0;
  let r = 0;
  for (const s of stats) {
    a += s.added;
    mo += s.modified;
    r += s.removed;
    const n = s.added + s.modified + s.removed;
    ctx.print(` ${s.table.padEnd(w)} | ${String(n).padStart(4)} ${ctx.paint('green', '+'.repeat(Math.min(s.added, 20)))}${ctx.paint('yellow', '~'.repeat(Math.min(s.modified, 20)))}${ctx.paint('red', '-'.repeat(Math.min(s.removed, 20)))}`);
  }
  ctx.print(` ${stats.length} table${stats.length === 1 ? '' : 's'} changed, ${a} row${a === 1 ? '' : 's'} added, ${mo} modified, ${r} removed`);
}
