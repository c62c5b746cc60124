/**
 * Editing one key of a TOML file in place (`config set`): the value of the key's line is
 * replaced, or a `key = value` line is inserted into the right `[section]` (after the section's
 * last key, or after a commented-out example of the key such as `# max_snapshots = 10000`), or
 * the section is appended. Every other byte — comments, blank lines, spacing, key order, line
 * endings — stays as it was. Returns undefined when the file's shape is beyond this line
 * editor (the key inside an inline table); the caller then rewrites the file.
 */
import { stringify as stringifyToml } from 'smol-toml';

/** One physical line: its text without the line ending, and the ending. */
interface Line {
  text: string;
  eol: string;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\n/g;
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ text: text.slice(at, m.index), eol: m[0] });
    at = m.index + m[0].length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), eol: '' });
  return out;
}

/** A key path of bare or quoted keys (`a.b`, `"a b".c`) as its parts; undefined when malformed. */
function parseKeyPath(s: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const n = s.length;
  for (;;) {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= n) return undefined;
    const c = s[i];
    if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) return undefined;
      const raw = s.slice(i + 1, end);
      parts.push(c === '"' ? raw.replace(/\\(["\\])/g, '$1') : raw);
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (m === null) return undefined;
      parts.push(m[0]);
      i += m[0].length;
    }
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= n) return parts;
    if (s[i] !== '.') return undefined;
    i++;
  }
}

/**
 * Where a value that starts at `line`/`col` ends: the line index and column just after it.
 * Follows strings (basic, literal, multi-line), arrays and inline tables across lines.
 */
function valueEnd(lines: readonly Line[], line: number, col: number): { line: number; col: number } {
  let depth = 0;
  let l = line;
  let i = col;
  let text = (lines[l] as Line).text;
  const next = (): boolean => {
    if (l + 1 >= lines.length) return false;
    l++;
    i = 0;
    text = (lines[l] as Line).text;
    return true;
  };
  for (;;) {
    if (i >= text.length) {
      if (depth === 0 || !next()) return { line: l, col: i };
      continue;
    }
    const c = text[i] as string;
    if (c === '#') {
      if (depth === 0) return { line: l, col: i };
      i = text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      i += q.length;
      for (;;) {
        if (i >= text.length) {
          if (!triple || !next()) return { line: l, col: text.length };
          continue;
        }
        if (c === '"' && text[i] === '\\') {
          i += 2;
          continue;
        }
        if (text.startsWith(q, i)) {
          i += q.length;
          // A multi-line string may end with up to two more quotes.
          while (triple && text[i] === c) i++;
          break;
        }
        i++;
      }
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (depth === 0 && (c === ' ' || c === '\t')) {
      // A bare value (number, boolean, date) ends at whitespace, unless a date-time continues.
      const rest = text.slice(i).replace(/^[ \t]+/, '');
      if (rest === '' || rest.startsWith('#')) return { line: l, col: i };
    }
    i++;
    if (depth === 0 && (c === ']' || c === '}')) {
      const rest = text.slice(i).replace(/^[ \t]+/, '');
      if (rest === '' || rest.startsWith('#')) return { line: l, col: i };
    }
  }
}

/** One key part: bare when it can be, else quoted. */
function keyPart(p: string): string {
  return /^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p);
}

/** The TOML text of one value (`"text"`, `42`, `true`), as smol-toml writes it. */
function tomlValue(value: string | number | boolean): string {
  const line = stringifyToml({ v: value }).trim();
  return line.slice(line.indexOf('=') + 1).trim();
}

interface KeyLine {
  /** The full dotted key path (section + key). */
  path: string[];
  line: number;
  /** Column where the value starts. */
  valueCol: number;
  /** The line index where the value ends (multi-line values). */
  lastLine: number;
}

/**
 * Set `key` (a dotted path such as `snapshot.max_snapshots`) to `value` in `text`, keeping
 * every other byte. Undefined when the key cannot be edited line-wise.
 */
export function editTomlKey(text: string, key: string, value: string | number | boolean): string | undefined {
  const want = key.split('.');
  const lines = splitLines(text);
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
  const keys: KeyLine[] = [];
  /** Header line of each `[section]` by its dotted name ('' = top level before any header). */
  const headers = new Map<string, number>();
  /** Lines of each section: [first line after the header, line of the next header). */
  const spans = new Map<string, { from: number; to: number }>();
  let section: string[] | undefined = [];
  let sectionName = '';
  spans.set('', { from: 0, to: lines.length });
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as Line).text;
    const trimmed = t.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      (spans.get(sectionName) as { to: number }).to = i;
      if (trimmed.startsWith('[[')) {
        section = undefined; // an array of tables: its keys are not ours to edit
        sectionName = `[[${i}]]`;
      } else {
        const close = trimmed.indexOf(']');
        const path = close > 0 ? parseKeyPath(trimmed.slice(1, close)) : undefined;
        section = path;
        sectionName = path === undefined ? `[?${i}]` : path.join('.');
        if (path !== undefined && !headers.has(sectionName)) headers.set(sectionName, i);
      }
      spans.set(sectionName, { from: i + 1, to: lines.length });
      continue;
    }
    const eq = t.indexOf('=');
    const path = eq > 0 ? parseKeyPath(t.slice(0, eq)) : undefined;
    if (path === undefined) continue;
    let col = eq + 1;
    while (col < t.length && (t[col] === ' ' || t[col] === '\t')) col++;
    const end = valueEnd(lines, i, col);
    if (section !== undefined) keys.push({ path: [...section, ...path], line: i, valueCol: col, lastLine: end.line });
    i = end.line;
  }
  const same = (p: string[]): boolean => p.length === want.length && p.every((x, j) => x === want[j]);
  const v = tomlValue(value);

  const hit = keys.find((k) => same(k.path));
  if (hit !== undefined) {
    const end = valueEnd(lines, hit.line, hit.valueCol);
    const first = lines[hit.line] as Line;
    const last = lines[end.line] as Line;
    const replaced: Line = { text: first.text.slice(0, hit.valueCol) + v + last.text.slice(end.col), eol: last.eol };
    lines.splice(hit.line, end.line - hit.line + 1, replaced);
    return join(lines);
  }
  // The key inside an inline table or a dotted key of a parent (`snapshot = {…}`): not line-editable.
  if (keys.some((k) => k.path.length < want.length && k.path.every((x, j) => x === want[j]))) return undefined;

  // Insert into the deepest existing section that is a prefix of the key; a key of a missing
  // section gets the section appended.
  for (let n = want.length - 1; n >= 0; n--) {
    const name = want.slice(0, n).join('.');
    if (n > 0 && !headers.has(name)) continue;
    if (n === 0 && want.length > 1) return appendTomlSection(text, want.slice(0, -1), want[want.length - 1] as string, value);
    const span = spans.get(name) as { from: number; to: number };
    const rest = want.slice(n);
    const keyText = rest.map(keyPart).join('.');
    const leaf = want[want.length - 1] as string;
    // After a commented-out example of the key, else after the section's last key, else after its header.
    let at = -1;
    for (let i = span.from; i < span.to; i++) {
      const m = /^\s*#\s*([A-Za-z0-9_.-]+)\s*=/.exec((lines[i] as Line).text);
      if (m !== null && (m[1] === keyText || m[1] === leaf)) at = i + 1;
    }
    if (at < 0) {
      const inSection = keys.filter((k) => k.line >= span.from && k.line < span.to);
      const lastKey = inSection[inSection.length - 1];
      if (lastKey !== undefined) at = lastKey.lastLine + 1;
      else if (n > 0) at = span.from;
      else {
        // Top level with no key yet: before the first section (and the comments right above it).
        at = span.to;
        while (at > 0 && at < lines.length && (lines[at - 1] as Line).text.trim().startsWith('#')) at--;
      }
    }
    insertLine(lines, at, `${keyText} = ${v}`, eol);
    return join(lines);
  }
  return undefined;
}

/** Insert a line before index `at` (at the end: after the last line, adding its ending first). */
function insertLine(lines: Line[], at: number, text: string, eol: string): void {
  if (at >= lines.length) {
    const last = lines[lines.length - 1] as Line;
    if (last.text === '' && last.eol === '' && lines.length > 1) {
      lines.splice(lines.length - 1, 0, { text, eol });
      return;
    }
    if (last.eol === '' && last.text !== '') last.eol = eol;
    if (last.text === '' && last.eol === '' && lines.length === 1) {
      lines[0] = { text, eol };
      return;
    }
    lines.push({ text, eol });
    return;
  }
  lines.splice(at, 0, { text, eol });
}

function join(lines: readonly Line[]): string {
  let s = '';
  for (const l of lines) s += l.text + l.eol;
  return s;
}

/** Append `[section]` with `key = value` at the end of `text`. */
function appendTomlSection(text: string, section: string[], key: string, value: string | number | boolean): string {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const name = section.map(keyPart).join('.');
  const body = `[${name}]${eol}${keyPart(key)} = ${tomlValue(value)}${eol}`;
  if (text === '') return body;
  const sep = text.endsWith(eol + eol) || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? eol : eol + eol;
  return text + sep + body;
}
