/**
 * LIKE and GLOB matching with SQLite's semantics (func.c patternCompare):
 * - LIKE: `%` any sequence, `_` one character, optional ESCAPE character; case-insensitive for
 *   ASCII letters only (unless case-sensitive is asked for).
 * - GLOB: `*`, `?`, `[...]` and `[^...]` sets with ranges; case-sensitive.
 * A NUL character ends the text or pattern, as it does in SQLite's C strings.
 *
 * Patterns are analysed once and cached: the common shapes (no wildcard, `abc%`, `%abc`,
 * `%abc%`) run as direct string checks; everything else runs the ported matcher.
 */

const MATCH = 0;
const NOMATCH = 1;
const NOWILDCARDMATCH = 2;

interface Info {
  matchAll: number;
  matchOne: number;
  matchSet: number;
  noCase: boolean;
}

let nextIdx = 0;

/** Code point at i (0 at the end); sets nextIdx. */
function readCp(s: string, i: number): number {
  if (i >= s.length) {
    nextIdx = i + 1;
    return 0;
  }
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      nextIdx = i + 2;
      return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
    }
  }
  nextIdx = i + 1;
  return c;
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}
function upperAscii(c: number): number {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

function patternCompare(p: string, pi: number, s: string, si: number, info: Info, matchOther: number): number {
  const { matchOne, matchAll, noCase } = info;
  let zEscaped = -1;
  let c: number;
  let c2: number;
  while ((c = readCp(p, pi)) !== 0) {
    pi = nextIdx;
    if (c === matchAll) {
      for (;;) {
        c = readCp(p, pi);
        pi = nextIdx;
        if (c === matchAll) continue;
        if (c === matchOne && matchOne !== 0) {
          const ch = readCp(s, si);
          si = nextIdx;
          if (ch === 0) return NOWILDCARDMATCH;
          continue;
        }
        break;
      }
      if (c === 0) return MATCH;
      if (c === matchOther) {
        if (info.matchSet === 0) {
          c = readCp(p, pi);
          pi = nextIdx;
          if (c === 0) return NOWILDCARDMATCH;
        } else {
          const bracket = pi - 1;
          while (si < s.length && s.charCodeAt(si) !== 0) {
            const b = patternCompare(p, bracket, s, si, info, matchOther);
            if (b !== NOMATCH) return b;
            readCp(s, si);
            si = nextIdx;
          }
          return NOWILDCARDMATCH;
        }
      }
      if (c < 0x80) {
        const c1 = noCase ? upperAscii(c) : c;
        const cb = noCase ? lowerAscii(c) : c;
        for (;;) {
          let k = si;
          const n = s.length;
          while (k < n) {
            const ch = s.charCodeAt(k);
            if (ch === c1 || ch === cb || ch === 0) break;
            k++;
          }
          if (k >= n || s.charCodeAt(k) === 0) break;
          si = k + 1;
          const b = patternCompare(p, pi, s, si, info, matchOther);
          if (b !== NOMATCH) return b;
        }
      } else {
        while ((c2 = readCp(s, si)) !== 0) {
          si = nextIdx;
          if (c2 !== c) continue;
          const b = patternCompare(p, pi, s, si, info, matchOther);
          if (b !== NOMATCH) return b;
        }
      }
      return NOWILDCARDMATCH;
    }
    if (c === matchOther) {
      if (info.matchSet === 0) {
        c = readCp(p, pi);
        pi = nextIdx;
        if (c === 0) return NOMATCH;
        zEscaped = pi;
      } else {
        let priorC = 0;
        let seen = 0;
        let invert = 0;
        c = readCp(s, si);
        si = nextIdx;
        if (c === 0) return NOMATCH;
        c2 = readCp(p, pi);
        pi = nextIdx;
        if (c2 === 0x5e) {
          invert = 1;
          c2 = readCp(p, pi);
          pi = nextIdx;
        }
        if (c2 === 0x5d) {
          if (c === 0x5d) seen = 1;
          c2 = readCp(p, pi);
          pi = nextIdx;
        }
        while (c2 !== 0 && c2 !== 0x5d) {
          const next = pi < p.length ? p.charCodeAt(pi) : 0;
          if (c2 === 0x2d && next !== 0x5d && next !== 0 && priorC > 0) {
            c2 = readCp(p, pi);
            pi = nextIdx;
            if (c >= priorC && c <= c2) seen = 1;
            priorC = 0;
          } else {
            if (c === c2) seen = 1;
            priorC = c2;
          }
          c2 = readCp(p, pi);
          pi = nextIdx;
        }
        if (c2 === 0 || (seen ^ invert) === 0) return NOMATCH;
        continue;
      }
    }
    c2 = readCp(s, si);
    si = nextIdx;
    if (c === c2) continue;
    if (noCase && c < 0x80 && c2 < 0x80 && lowerAscii(c) === lowerAscii(c2)) continue;
    if (c === matchOne && pi !== zEscaped && c2 !== 0) continue;
    return NOMATCH;
  }
  return si >= s.length || s.charCodeAt(si) === 0 ? MATCH : NOMATCH;
}

// ---------------------------------------------------------------------------------------------
// Compiled (cached) patterns

const enum Shape {
  General,
  Exact,
  Prefix,
  Suffix,
  Contains,
}

interface Compiled {
  shape: Shape;
  /** literal part for the fast shapes (lower-cased when case-insensitive) */
  lit: string;
}

const likeCache = new Map<string, Compiled>();
const likeCsCache = new Map<string, Compiled>();
const CACHE_MAX = 512;

function hasNul(s: string): boolean {
  return s.length > 0 && s.indexOf('\0') >= 0;
}

function compileLike(pattern: string, caseSensitive: boolean): Compiled {
  const cache = caseSensitive ? likeCsCache : likeCache;
  let c = cache.get(pattern);
  if (c) return c;
  c = { shape: Shape.General, lit: '' };
  if (!hasNul(pattern)) {
    let start = 0;
    let end = pattern.length;
    const leading = pattern.charCodeAt(0) === 0x25;
    const trailing = end > 0 && pattern.charCodeAt(end - 1) === 0x25;
    if (leading) start = 1;
    if (trailing && end > start) end--;
    const lit = pattern.slice(start, end);
    if (!/[%_]/.test(lit)) {
      const folded = caseSensitive ? lit : foldAscii(lit);
      if (!leading && !trailing) c = { shape: Shape.Exact, lit: folded };
      else if (!leading && trailing) c = { shape: Shape.Prefix, lit: folded };
      else if (leading && !trailing) c = { shape: Shape.Suffix, lit: folded };
      else c = { shape: Shape.Contains, lit: folded };
    }
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(pattern, c);
  return c;
}

/** Does text at `at` equal `lit` (already ASCII-lower-cased) ignoring ASCII case? */
function foldedAt(text: string, at: number, lit: string): boolean {
  for (let k = 0; k < lit.length; k++) {
    let c = text.charCodeAt(at + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lit.charCodeAt(k)) return false;
  }
  return true;
}

/** ASCII-only lower-casing (SQLite's sqlite3Tolower). */
export function foldAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 0x41 && ch <= 0x5a) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}

const LIKE_INFO: Info = { matchAll: 0x25, matchOne: 0x5f, matchSet: 0, noCase: true };
const LIKE_CS_INFO: Info = { matchAll: 0x25, matchOne: 0x5f, matchSet: 0, noCase: false };
const GLOB_INFO: Info = { matchAll: 0x2a, matchOne: 0x3f, matchSet: 0x5b, noCase: false };

/**
 * SQLite LIKE: `text LIKE pattern [ESCAPE escape]`. `escape` must be one character (the
 * caller validates). Case-insensitive for ASCII letters unless `caseSensitive`.
 */
export function likeMatch(pattern: string, text: string, escape?: string, caseSensitive = false): boolean {
  if (escape === undefined) {
    const c = compileLike(pattern, caseSensitive);
    if (c.shape !== Shape.General && !hasNul(text)) {
      const lit = c.lit;
      if (caseSensitive) {
        switch (c.shape) {
          case Shape.Exact:
            return text === lit;
          case Shape.Prefix:
            return text.startsWith(lit);
          case Shape.Suffix:
            return text.endsWith(lit);
          default:
            return text.includes(lit);
        }
      }
      switch (c.shape) {
        case Shape.Exact:
          return text.length === lit.length && foldedAt(text, 0, lit);
        case Shape.Prefix:
          return text.length >= lit.length && foldedAt(text, 0, lit);
        case Shape.Suffix:
          return text.length >= lit.length && foldedAt(text, text.length - lit.length, lit);
        default:
          for (let i = 0; i + lit.length <= text.length; i++) if (foldedAt(text, i, lit)) return true;
          return false;
      }
    }
    return patternCompare(pattern, 0, text, 0, caseSensitive ? LIKE_CS_INFO : LIKE_INFO, 0) === MATCH;
  }
  const esc = escape.codePointAt(0) ?? 0;
  let info = caseSensitive ? LIKE_CS_INFO : LIKE_INFO;
  if (esc === info.matchAll || esc === info.matchOne) {
    info = { ...info };
    if (esc === info.matchAll) info.matchAll = 0;
    if (esc === info.matchOne) info.matchOne = 0;
  }
  return patternCompare(pattern, 0, text, 0, info, esc) === MATCH;
}

/** SQLite GLOB: `text GLOB pattern` (`*`, `?`, `[...]`, `[^...]`; case-sensitive). */
export function globMatch(pattern: string, text: string): boolean {
  return patternCompare(pattern, 0, text, 0, GLOB_INFO, 0x5b) === MATCH;
}
