/**
 * Text forms of result values and rows for the CLI: aligned tables, CSV (RFC 4180), and JSON
 * that keeps 64-bit integers exact (bigint printed as digits) and shows bytes as hex.
 */

/** Column names, in order. */
export type Columns = readonly string[];

/** A value as a table cell. */
/** A byte count for people: B, KB, MB or GB (binary units, as `du -h`). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(cellText).join(', ');
  return String(v);
}

/** Display width of a string (counts code points; wide CJK counted as 2). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) || (c >= 0x1f300 && c <= 0x1faff)) ? 2 : 1;
  }
  return w;
}

function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

/** An aligned table with a header rule; numbers right-aligned. Ends with a newline. */
export function formatTable(rows: readonly Record<string, unknown>[], columns: Columns, style: { header?: (s: string) => string } = {}): string {
  if (columns.length === 0) return '';
  const cells = rows.map((r) => columns.map((c) => cellText(r[c]).replace(/\r?\n/g, '↵')));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number' || typeof r[c] === 'bigint'));
  const widths = columns.map((c, i) => Math.max(width(c), ...cells.map((row) => width(row[i]!))));
  const head = style.header ?? ((s: string) => s);
  const lines: string[] = [];
  lines.push(head(columns.map((c, i) => pad(c, widths[i]!, false)).join(' | ').trimEnd()));
  lines.push(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const row of cells) lines.push(row.map((s, i) => pad(s, widths[i]!, numeric[i]!)).join(' | ').trimEnd());
  return `${lines.join('\n')}\n`;
}

/** A CSV field (quoted when needed; NULL as an empty field). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Uint8Array ? Buffer.from(v).toString('hex') : cellText(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV with a header line. */
export function formatCsv(rows: readonly Record<string, unknown>[], columns: Columns): string {
  let out = `${columns.map(csvField).join(',')}\n`;
  for (const r of rows) out += `${columns.map((c) => csvField(r[c])).join(',')}\n`;
  return out;
}

/** JSON text of a value: bigint as exact digits, bytes as hex, Dates as ISO text. */
export function toJsonText(value: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      const raw = (this as Record<string, unknown>)[key];
      if (typeof raw === 'bigint') {
        marks.push(raw.toString());
        return `\u0000big${marks.length - 1}\u0000`;
      }
      if (raw instanceof Uint8Array) return Buffer.from(raw).toString('hex');
      return v;
    },
    indent,
  );
  if (marks.length === 0) return text ?? 'null';
  return (text ?? 'null').replace(/"\\u0000big(\d+)\\u0000"/g, (_, i: string) => marks[Number(i)]!);
}

/**
 * Split a SQL script into statements at top-level `;` (outside quotes, comments, and the
 * BEGIN … END body of CREATE TRIGGER). Returns the statement texts (trimmed, without the `;`)
 * with their 1-based start line, and whether the text ends inside an unfinished statement.
 */
export function splitSql(text: string): { statements: { sql: string; line: number }[]; rest: string } {
  const out: { sql: string; line: number }[] = [];
  let start = 0;
  let i = 0;
  let depth = 0;
  let line = 1;
  let startLine = 1;
  const n = text.length;
  const wordAt = (p: number): string => {
    let e = p;
    while (e < n && /[A-Za-z0-9_]/.test(text[e]!)) e++;
    return text.slice(p, e).toUpperCase();
  };
  const isTrigger = (): boolean => /^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(text.slice(start, i + 1).replace(/--[^\n]*\n|\/\*[\s\S]*?\*\//g, ' '));
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch;
      i++;
      while (i < n) {
        if (text[i] === '\n') line++;
        if (text[i] === close) {
          if (close !== ']' && text[i + 1] === close) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (ch === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') line++;
        i++;
      }
      i += 2;
      continue;
    }
    if (/[A-Za-z_]/.test(ch) && (i === 0 || !/[A-Za-z0-9_$]/.test(text[i - 1]!))) {
      const w = wordAt(i);
      if ((w === 'BEGIN' || w === 'CASE') && isTrigger()) depth++;
      else if (w === 'END' && depth > 0) depth--;
      i += w.length;
      continue;
    }
    if (ch === ';' && depth === 0) {
      const sql = text.slice(start, i);
      if (sql.trim() !== '' && !onlyComments(sql)) out.push({ sql: sql.trim(), line: startLine + leadingLines(sql) });
      start = i + 1;
      startLine = line;
      i++;
      continue;
    }
    i++;
  }
  return { statements: out, rest: text.slice(start) };
}

function leadingLines(sql: string): number {
  const m = /^\s*/.exec(sql)![0];
  return m.split('\n').length - 1;
}

/** True when a text holds only whitespace and comments. */
export function onlyComments(sql: string): boolean {
  return sql.replace(/--[^\n]*(\n|$)/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}
