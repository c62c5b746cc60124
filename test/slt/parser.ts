/**
 * sqllogictest file parser: turns the text of a .test file into records, following
 * /work/shared/sqllogictest/FORMAT.md (the reference runner's reading of the format).
 *
 * - Lines starting with `#` are dropped first; they never end a record. A trailing `\r` is ignored.
 * - Records are runs of non-blank lines (blank = whitespace only), separated by blank lines.
 * - `skipif X` / `onlyif X` lines precede a record's first line; text after X is a comment.
 * - A record's `line` is the 1-based line number of its first non-condition line.
 */

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

export interface Condition {
  kind: 'skipif' | 'onlyif';
  /** Engine name, lower-cased (names compare case-insensitively). */
  engine: string;
}

interface RecordBase {
  /** 1-based line of the record's first (non-condition) line. */
  line: number;
  conditions: Condition[];
}

export interface StatementRecord extends RecordBase {
  kind: 'statement';
  expectError: boolean;
  /** Body lines joined with `\n`. */
  sql: string;
}

export interface QueryRecord extends RecordBase {
  kind: 'query';
  /** One letter per result column (`I`, `R`, `T`), as written. */
  types: string;
  sort: SortMode;
  label?: string;
  sql: string;
  /** Lines after `----` (empty when there is no `----` or nothing after it). */
  expected: string[];
  /** Set when `expected` is exactly one `<N> values hashing to <md5>` line. */
  expectedHash?: { count: number; md5: string };
}

export interface HashThresholdRecord extends RecordBase {
  kind: 'hash-threshold';
  threshold: number;
}

export interface HaltRecord extends RecordBase {
  kind: 'halt';
}

/** A record the parser could not understand; the runner reports it as a failure. */
export interface InvalidRecord extends RecordBase {
  kind: 'invalid';
  reason: string;
  text: string;
}

export type SltRecord = StatementRecord | QueryRecord | HashThresholdRecord | HaltRecord | InvalidRecord;

const HASH_LINE = /^(\d+) values hashing to ([0-9a-f]{32})$/;
const SORT_MODES: ReadonlySet<string> = new Set(['nosort', 'rowsort', 'valuesort']);

/** Whitespace tokens of a header line, up to (not including) a token starting with `#`. */
function tokens(line: string): string[] {
  const out: string[] = [];
  for (const t of line.trim().split(/\s+/)) {
    if (t === '') continue;
    if (t.startsWith('#')) break;
    out.push(t);
  }
  return out;
}

/** Parse a whole file. Never throws: malformed records become `invalid` records. */
export function parseSlt(text: string): SltRecord[] {
  const raw = text.split('\n');
  // Comments are dropped before anything else; keep each remaining line's number.
  const lines: string[] = [];
  const lineNos: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    let l = raw[i]!;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    if (l.startsWith('#')) continue;
    lines.push(l);
    lineNos.push(i + 1);
  }
  const isBlank = (l: string): boolean => l.trim() === '';

  const records: SltRecord[] = [];
  let i = 0;
  const n = lines.length;
  while (i < n) {
    if (isBlank(lines[i]!)) {
      i++;
      continue;
    }
    // Gather the record's lines.
    const start = i;
    while (i < n && !isBlank(lines[i]!)) i++;
    const group = lines.slice(start, i);
    const groupNos = lineNos.slice(start, i);
    records.push(parseRecord(group, groupNos));
  }
  return records;
}

function parseRecord(group: string[], nos: number[]): SltRecord {
  const conditions: Condition[] = [];
  let k = 0;
  for (; k < group.length; k++) {
    const t = tokens(group[k]!);
    if (t[0] !== 'skipif' && t[0] !== 'onlyif') break;
    if (t[1] === undefined) {
      return invalid(nos[k]!, conditions, `${t[0]} without an engine name`, group);
    }
    conditions.push({ kind: t[0], engine: t[1].toLowerCase() });
  }
  if (k >= group.length) {
    return invalid(nos[group.length - 1]!, conditions, 'conditions without a record', group);
  }
  const line = nos[k]!;
  const head = tokens(group[k]!);
  const body = group.slice(k + 1);
  switch (head[0]) {
    case 'statement': {
      if (head[1] !== 'ok' && head[1] !== 'error') {
        return invalid(line, conditions, `unknown statement mode '${head[1] ?? ''}'`, group);
      }
      return { kind: 'statement', line, conditions, expectError: head[1] === 'error', sql: body.join('\n') };
    }
    case 'query': {
      const types = head[1];
      if (types === undefined) return invalid(line, conditions, 'query without a type string', group);
      const sortTok = head[2] ?? 'nosort';
      if (!SORT_MODES.has(sortTok)) return invalid(line, conditions, `unknown sort method '${sortTok}'`, group);
      const sep = body.indexOf('----');
      const sqlLines = sep < 0 ? body : body.slice(0, sep);
      const expected = sep < 0 ? [] : body.slice(sep + 1);
      const rec: QueryRecord = {
        kind: 'query',
        line,
        conditions,
        types,
        sort: sortTok as SortMode,
        sql: sqlLines.join('\n'),
        expected,
      };
      if (head[3] !== undefined) rec.label = head[3];
      const m = expected.length === 1 ? HASH_LINE.exec(expected[0]!) : null;
      if (m) rec.expectedHash = { count: Number(m[1]), md5: m[2]! };
      return rec;
    }
    case 'hash-threshold': {
      const v = head[1];
      if (v === undefined || !/^\d+$/.test(v)) return invalid(line, conditions, `bad hash-threshold '${v ?? ''}'`, group);
      return { kind: 'hash-threshold', line, conditions, threshold: Number(v) };
    }
    case 'halt':
      return { kind: 'halt', line, conditions };
    default:
      return invalid(line, conditions, `unknown record type '${head[0] ?? ''}'`, group);
  }
}

function invalid(line: number, conditions: Condition[], reason: string, group: string[]): InvalidRecord {
  return { kind: 'invalid', line, conditions, reason, text: group.join('\n') };
}

/** Whether a record applies to the engine named `engine` (skipif / onlyif). */
export function appliesTo(rec: SltRecord, engine: string): boolean {
  const name = engine.toLowerCase();
  for (const c of rec.conditions) {
    if (c.kind === 'skipif' && c.engine === name) return false;
    if (c.kind === 'onlyif' && c.engine !== name) return false;
  }
  return true;
}
