/**
 * The JSON engine shared by JSON columns (validation) and the JSON functions: a parser that
 * accepts what SQLite accepts (RFC 8259 plus the JSON5 extensions), a node tree that keeps
 * literals as written (SQLite's JSONB element kinds), canonical rendering, path lookup and
 * editing (`$.a.b`, `$[2]`, `$[#-1]`, `$."x.y"`), and the SQL value of a node — all ported
 * from SQLite's json.c so results match it text for text.
 */
import type { SqlValue } from '../../objects/index.js';
import { atof, decOrHexToI64, hexValue, isXDigitCode, numResult } from './numeric-text.js';

/** Node kinds (SQLite JSONB element types). */
export const J = {
  NULL: 0,
  TRUE: 1,
  FALSE: 2,
  INT: 3,
  INT5: 4,
  FLOAT: 5,
  FLOAT5: 6,
  TEXT: 7,
  TEXTJ: 8,
  TEXT5: 9,
  TEXTRAW: 10,
  ARRAY: 11,
  OBJECT: 12,
} as const;

/**
 * A JSON element. Scalars keep their literal text in `s` (numbers as written, strings as the
 * raw text between the quotes, or — for TEXTRAW — unescaped SQL text). Arrays hold their
 * elements in `a`; objects hold alternating label, value nodes in `a`.
 */
export interface JNode {
  t: number;
  s: string;
  a: JNode[] | null;
}

export function jnode(t: number, s = '', a: JNode[] | null = null): JNode {
  return { t, s, a };
}

export const JSON_MAX_DEPTH = 1000;

/** Type names as json_type() reports them, by node kind. */
export const JSON_TYPE_NAMES = ['null', 'true', 'false', 'integer', 'integer', 'real', 'real', 'text', 'text', 'text', 'text', 'array', 'object'];

// ---------------------------------------------------------------------------------------------
// Character classes

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** sqlite3JsonId1: letters, `$`, `_` and any non-ASCII character. */
function isJsonId1(c: number): boolean {
  return isAlpha(c) || c === 0x24 || c === 0x5f || c >= 0x80;
}

/** sqlite3JsonId2: JsonId1 plus digits. */
function isJsonId2(c: number): boolean {
  return isJsonId1(c) || isDigit(c);
}

function is2Hex(z: string, i: number): boolean {
  return isXDigitCode(z.charCodeAt(i)) && isXDigitCode(z.charCodeAt(i + 1));
}

function is4Hex(z: string, i: number): boolean {
  return is2Hex(z, i) && is2Hex(z, i + 2);
}

/** JSON5 whitespace and comments at z[i]: number of UTF-16 units. */
export function json5Whitespace(z: string, i: number): number {
  let n = i;
  const len = z.length;
  for (;;) {
    const c = n < len ? z.charCodeAt(n) : 0;
    switch (c) {
      case 0x09:
      case 0x0a:
      case 0x0b:
      case 0x0c:
      case 0x0d:
      case 0x20:
        n++;
        continue;
      case 0x2f: {
        const c1 = n + 1 < len ? z.charCodeAt(n + 1) : 0;
        if (c1 === 0x2a && n + 2 < len && z.charCodeAt(n + 2) !== 0) {
          let j = n + 3;
          for (;;) {
            if (j >= len || z.charCodeAt(j) === 0) return n - i;
            if (z.charCodeAt(j) === 0x2f && z.charCodeAt(j - 1) === 0x2a) break;
            j++;
          }
          n = j + 1;
          continue;
        } else if (c1 === 0x2f) {
          let j = n + 2;
          for (; j < len; j++) {
            const d = z.charCodeAt(j);
            if (d === 0) break;
            if (d === 0x0a || d === 0x0d) break;
            if (d === 0x2028 || d === 0x2029) break;
          }
          n = j;
          if (n < len && z.charCodeAt(n) !== 0) n++;
          continue;
        }
        return n - i;
      }
      case 0xa0:
      case 0x1680:
      case 0x2028:
      case 0x2029:
      case 0x202f:
      case 0x205f:
      case 0x3000:
      case 0xfeff:
        n++;
        continue;
      default:
        if (c >= 0x2000 && c <= 0x200a) {
          n++;
          continue;
        }
        return n - i;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (jsonTranslateTextToBlob)

const NAN_INF: { c1: number; c2: number; match: string; isFloat: boolean }[] = [
  { c1: 0x69, c2: 0x49, match: 'inf', isFloat: true },
  { c1: 0x69, c2: 0x49, match: 'infinity', isFloat: true },
  { c1: 0x6e, c2: 0x4e, match: 'nan', isFloat: false },
  { c1: 0x71, c2: 0x51, match: 'qnan', isFloat: false },
  { c1: 0x73, c2: 0x53, match: 'snan', isFloat: false },
];

function startsWithNoCase(z: string, i: number, word: string): boolean {
  if (i + word.length > z.length) return false;
  for (let k = 0; k < word.length; k++) {
    let c = z.charCodeAt(i + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

class Parser {
  iErr = 0;
  hasNonstd = false;
  depth = 0;
  readonly z: string;
  readonly len: number;

  constructor(z: string) {
    this.z = z;
    this.len = z.length;
  }

  at(i: number): number {
    return i < this.len ? this.z.charCodeAt(i) : 0;
  }

  /** Parse one element at i into `out`. Returns the index after it, or ≤ 0 (see SQLite). */
  parse(i: number, out: JNode[]): number {
    const z = this.z;
    for (;;) {
      const c = this.at(i);
      switch (c) {
        case 0x7b: {
          // '{'
          const node = jnode(J.OBJECT, '', []);
          out.push(node);
          const kids = node.a!;
          if (++this.depth > JSON_MAX_DEPTH) {
            this.iErr = i;
            return -1;
          }
          let j: number;
          for (j = i + 1; ; j++) {
            const before = kids.length;
            let x = this.parse(j, kids);
            if (x <= 0) {
              if (x === -2) {
                j = this.iErr;
                if (kids.length !== 0) this.hasNonstd = true;
                break;
              }
              j += json5Whitespace(z, j);
              let op: number = J.TEXT;
              const cj = this.at(j);
              if (isJsonId1(cj) || (cj === 0x5c && this.at(j + 1) === 0x75 && is4Hex(z, j + 2) && ((op = J.TEXTJ), true))) {
                let k = j + 1;
                for (;;) {
                  const ck = this.at(k);
                  if (isJsonId2(ck) && json5Whitespace(z, k) === 0) {
                    k++;
                  } else if (ck === 0x5c && this.at(k + 1) === 0x75 && is4Hex(z, k + 2)) {
                    op = J.TEXTJ;
                    k++;
                  } else {
                    break;
                  }
                }
                kids.length = before;
                kids.push(jnode(op, z.slice(j, k)));
                this.hasNonstd = true;
                x = k;
              } else {
                if (x !== -1) this.iErr = j;
                return -1;
              }
            }
            const t = kids[before]!.t;
            if (t < J.TEXT || t > J.TEXTRAW) {
              this.iErr = j;
              return -1;
            }
            j = x;
            let haveColon = false;
            if (this.at(j) === 0x3a) {
              j++;
              haveColon = true;
            } else {
              if (isJsonSpace(this.at(j))) {
                do j++;
                while (isJsonSpace(this.at(j)));
                if (this.at(j) === 0x3a) {
                  j++;
                  haveColon = true;
                }
              }
              if (!haveColon) {
                x = this.parse(j, []);
                if (x !== -5) {
                  if (x !== -1) this.iErr = j;
                  return -1;
                }
                j = this.iErr + 1;
              }
            }
            x = this.parse(j, kids);
            if (x <= 0) {
              if (x !== -1) this.iErr = j;
              return -1;
            }
            j = x;
            const cj = this.at(j);
            if (cj === 0x2c) continue;
            if (cj === 0x7d) break;
            if (isJsonSpace(cj)) {
              j++;
              while (isJsonSpace(this.at(j))) j++;
              const ck = this.at(j);
              if (ck === 0x2c) continue;
              if (ck === 0x7d) break;
            }
            x = this.parse(j, []);
            if (x === -4) {
              j = this.iErr;
              continue;
            }
            if (x === -2) {
              j = this.iErr;
              break;
            }
            this.iErr = j;
            return -1;
          }
          this.depth--;
          return j + 1;
        }
        case 0x5b: {
          // '['
          const node = jnode(J.ARRAY, '', []);
          out.push(node);
          const kids = node.a!;
          if (++this.depth > JSON_MAX_DEPTH) {
            this.iErr = i;
            return -1;
          }
          let j: number;
          for (j = i + 1; ; j++) {
            let x = this.parse(j, kids);
            if (x <= 0) {
              if (x === -3) {
                j = this.iErr;
                if (kids.length !== 0) this.hasNonstd = true;
                break;
              }
              if (x !== -1) this.iErr = j;
              return -1;
            }
            j = x;
            const cj = this.at(j);
            if (cj === 0x2c) continue;
            if (cj === 0x5d) break;
            if (isJsonSpace(cj)) {
              j++;
              while (isJsonSpace(this.at(j))) j++;
              const ck = this.at(j);
              if (ck === 0x2c) continue;
              if (ck === 0x5d) break;
            }
            x = this.parse(j, []);
            if (x === -4) {
              j = this.iErr;
              continue;
            }
            if (x === -3) {
              j = this.iErr;
              break;
            }
            this.iErr = j;
            return -1;
          }
          this.depth--;
          return j + 1;
        }
        case 0x27: // '\''
        case 0x22: {
          // '"'
          let opcode: number = J.TEXT;
          if (c === 0x27) this.hasNonstd = true;
          const cDelim = c;
          let j = i + 1;
          for (;;) {
            const ch = this.at(j);
            if (j >= this.len) {
              this.iErr = j;
              return -1;
            }
            if (ch >= 0x20 && ch !== 0x22 && ch !== 0x27 && ch !== 0x5c) {
              j++;
              continue;
            }
            if (ch === cDelim) break;
            if (ch === 0x5c) {
              const e = this.at(++j);
              if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74 || (e === 0x75 && is4Hex(z, j + 1))) {
                if (opcode === J.TEXT) opcode = J.TEXTJ;
              } else if (
                e === 0x27 ||
                e === 0x76 ||
                e === 0x0a ||
                (e === 0x30 && !isDigit(this.at(j + 1))) ||
                e === 0x2028 ||
                e === 0x2029 ||
                (e === 0x78 && is2Hex(z, j + 1))
              ) {
                opcode = J.TEXT5;
                this.hasNonstd = true;
              } else if (e === 0x0d) {
                if (this.at(j + 1) === 0x0a) j++;
                opcode = J.TEXT5;
                this.hasNonstd = true;
              } else {
                this.iErr = j;
                return -1;
              }
            } else if (ch <= 0x1f) {
              if (ch === 0) {
                this.iErr = j;
                return -1;
              }
              opcode = J.TEXT5;
              this.hasNonstd = true;
            } else if (ch === 0x22) {
              opcode = J.TEXT5;
            }
            j++;
          }
          out.push(jnode(opcode, z.slice(i + 1, j)));
          return j + 1;
        }
        case 0x74: // 't'
          if (z.startsWith('true', i) && !isAlnum(this.at(i + 4))) {
            out.push(jnode(J.TRUE));
            return i + 4;
          }
          this.iErr = i;
          return -1;
        case 0x66: // 'f'
          if (z.startsWith('false', i) && !isAlnum(this.at(i + 5))) {
            out.push(jnode(J.FALSE));
            return i + 5;
          }
          this.iErr = i;
          return -1;
        case 0x2b: // '+'
        case 0x2e: // '.'
        case 0x2d: // '-'
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35:
        case 0x36:
        case 0x37:
        case 0x38:
        case 0x39:
          return this.parseNumber(i, c, out);
        case 0x7d:
          this.iErr = i;
          return -2;
        case 0x5d:
          this.iErr = i;
          return -3;
        case 0x2c:
          this.iErr = i;
          return -4;
        case 0x3a:
          this.iErr = i;
          return -5;
        case 0x00:
          if (i >= this.len || c === 0) return 0;
          break;
        case 0x09:
        case 0x0a:
        case 0x0d:
        case 0x20:
          i++;
          while (isJsonSpace(this.at(i))) i++;
          continue;
        case 0x0b:
        case 0x0c:
        case 0x2f:
        case 0xa0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202f:
        case 0x205f:
        case 0x3000:
        case 0xfeff: {
          const w = json5Whitespace(z, i);
          if (w > 0) {
            i += w;
            this.hasNonstd = true;
            continue;
          }
          this.iErr = i;
          return -1;
        }
        default:
          if (c >= 0x2000 && c <= 0x200a) {
            const w = json5Whitespace(z, i);
            if (w > 0) {
              i += w;
              this.hasNonstd = true;
              continue;
            }
            this.iErr = i;
            return -1;
          }
          break;
      }
      // 'n' (null) and the NaN / Infinity names
      if (c === 0x6e && z.startsWith('null', i) && !isAlnum(this.at(i + 4))) {
        out.push(jnode(J.NULL));
        return i + 4;
      }
      for (const e of NAN_INF) {
        if (c !== e.c1 && c !== e.c2) continue;
        if (!startsWithNoCase(z, i, e.match)) continue;
        if (isAlnum(this.at(i + e.match.length))) continue;
        out.push(e.isFloat ? jnode(J.FLOAT, '9e999') : jnode(J.NULL));
        this.hasNonstd = true;
        return i + e.match.length;
      }
      this.iErr = i;
      return -1;
    }
  }

  private parseNumber(i: number, c: number, out: JNode[]): number {
    const z = this.z;
    let t = 0; // bit 0: JSON5, bit 1: float
    let seenE = false;
    let j: number;
    let finishDirect = false;
    if (c === 0x2b) this.hasNonstd = true;
    if (c === 0x2e) {
      if (!isDigit(this.at(i + 1))) {
        this.iErr = i;
        return -1;
      }
      this.hasNonstd = true;
      t = 0x03;
    } else if (c <= 0x30) {
      if (c === 0x30) {
        const c1 = this.at(i + 1);
        if ((c1 === 0x78 || c1 === 0x58) && isXDigitCode(this.at(i + 2))) {
          this.hasNonstd = true;
          t = 0x01;
          for (j = i + 3; isXDigitCode(this.at(j)); j++);
          finishDirect = true;
        } else if (isDigit(c1)) {
          this.iErr = i + 1;
          return -1;
        }
      } else {
        const c1 = this.at(i + 1);
        if (!isDigit(c1)) {
          if ((c1 === 0x49 || c1 === 0x69) && startsWithNoCase(z, i + 1, 'inf')) {
            this.hasNonstd = true;
            out.push(jnode(J.FLOAT, c === 0x2d ? '-9e999' : '9e999'));
            return i + (startsWithNoCase(z, i + 4, 'inity') ? 9 : 4);
          }
          if (c1 === 0x2e) {
            this.hasNonstd = true;
            t |= 0x01;
          } else {
            this.iErr = i;
            return -1;
          }
        } else if (c1 === 0x30) {
          const c2 = this.at(i + 2);
          if (isDigit(c2)) {
            this.iErr = i + 1;
            return -1;
          } else if ((c2 === 0x78 || c2 === 0x58) && isXDigitCode(this.at(i + 3))) {
            this.hasNonstd = true;
            t |= 0x01;
            for (j = i + 4; isXDigitCode(this.at(j)); j++);
            finishDirect = true;
          }
        }
      }
    }
    if (!finishDirect) {
      for (j = i + 1; ; j++) {
        const ch = this.at(j);
        if (isDigit(ch)) continue;
        if (ch === 0x2e) {
          if ((t & 0x02) !== 0) {
            this.iErr = j;
            return -1;
          }
          t |= 0x02;
          continue;
        }
        if (ch === 0x65 || ch === 0x45) {
          if (this.at(j - 1) < 0x30) {
            if (this.at(j - 1) === 0x2e && j - 2 >= i && isDigit(this.at(j - 2))) {
              this.hasNonstd = true;
              t |= 0x01;
            } else {
              this.iErr = j;
              return -1;
            }
          }
          if (seenE) {
            this.iErr = j;
            return -1;
          }
          t |= 0x02;
          seenE = true;
          let e = this.at(j + 1);
          if (e === 0x2b || e === 0x2d) {
            j++;
            e = this.at(j + 1);
          }
          if (e < 0x30 || e > 0x39) {
            this.iErr = j;
            return -1;
          }
          continue;
        }
        break;
      }
      if (this.at(j - 1) < 0x30) {
        if (this.at(j - 1) === 0x2e && j - 2 >= i && isDigit(this.at(j - 2))) {
          this.hasNonstd = true;
          t |= 0x01;
        } else {
          this.iErr = j;
          return -1;
        }
      }
    }
    const start = c === 0x2b ? i + 1 : i;
    out.push(jnode(J.INT + t, z.slice(start, j!)));
    return j!;
  }
}

/** Result of parsing JSON text. */
export interface JsonParseResult {
  /** The root element, or undefined when the text is not well-formed. */
  root: JNode | undefined;
  /** True when the text uses JSON5 extensions (not strict RFC 8259). */
  hasNonstd: boolean;
  /** UTF-16 index of the first error, when `root` is undefined. */
  errorAt: number;
}

/** Parse JSON text (JSON5 accepted) as SQLite does (jsonConvertTextToBlob). */
export function parseJson(z: string): JsonParseResult {
  const p = new Parser(z);
  const out: JNode[] = [];
  let i = p.parse(0, out);
  if (i > 0) {
    while (isJsonSpace(p.at(i))) i++;
    if (i < z.length && z.charCodeAt(i) !== 0) {
      i += json5Whitespace(z, i);
      if (i < z.length && z.charCodeAt(i) !== 0) {
        // SQLite reports whatever error position the parser last recorded
        return { root: undefined, hasNonstd: p.hasNonstd, errorAt: p.iErr };
      }
      p.hasNonstd = true;
    }
  }
  if (i <= 0) return { root: undefined, hasNonstd: p.hasNonstd, errorAt: p.iErr };
  return { root: out[0], hasNonstd: p.hasNonstd, errorAt: 0 };
}

/** True when the text is strict RFC 8259 JSON (what JSON columns accept). */
export function isStrictJson(text: string): boolean {
  if (text.length === 0) return false;
  const r = parseJson(text);
  return r.root !== undefined && !r.hasNonstd;
}

// ---------------------------------------------------------------------------------------------
// Rendering (jsonTranslateBlobToText)

const HEX = '0123456789abcdef';

function controlEscape(c: number): string {
  switch (c) {
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      return '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
  }
}

/** SQL text as a JSON string literal (jsonAppendString). */
export function quoteJsonString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    if (i > from) out += s.slice(from, i);
    out += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : controlEscape(c);
    from = i + 1;
  }
  if (from === 0) return '"' + s + '"';
  return out + s.slice(from) + '"';
}

function renderText5(s: string): string {
  let out = '"';
  let i = 0;
  const n = s.length;
  while (i < n) {
    let k = i;
    while (k < n) {
      const c = s.charCodeAt(k);
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) k++;
      else break;
    }
    if (k > i) {
      out += s.slice(i, k);
      i = k;
      if (i >= n) break;
    }
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      out += '\\"';
      i++;
      continue;
    }
    if (c <= 0x1f) {
      out += controlEscape(c);
      i++;
      continue;
    }
    // backslash
    if (i + 1 >= n) throw new MalformedJson();
    const e = s.charCodeAt(i + 1);
    switch (e) {
      case 0x27:
        out += "'";
        break;
      case 0x76:
        out += '\\u000b';
        break;
      case 0x78:
        if (i + 3 >= n) throw new MalformedJson();
        out += '\\u00' + s.slice(i + 2, i + 4);
        i += 2;
        break;
      case 0x30:
        out += '\\u0000';
        break;
      case 0x0d:
        if (i + 2 < n && s.charCodeAt(i + 2) === 0x0a) i++;
        break;
      case 0x0a:
      case 0x2028:
      case 0x2029:
        break;
      default:
        out += s.slice(i, i + 2);
        break;
    }
    i += 2;
  }
  return out + '"';
}

/** Thrown internally when stored JSON turns out to be malformed. */
export class MalformedJson extends Error {
  constructor() {
    super('malformed JSON');
  }
}

function renderInt5(s: string): string {
  let k = 2;
  let out = '';
  if (s.charCodeAt(0) === 0x2d) {
    out = '-';
    k++;
  } else if (s.charCodeAt(0) === 0x2b) {
    k++;
  }
  let u = 0n;
  let overflow = false;
  for (; k < s.length; k++) {
    if (u >> 60n !== 0n) overflow = true;
    else u = u * 16n + BigInt(hexValue(s.charCodeAt(k)));
  }
  return out + (overflow ? '9.0e999' : u.toString());
}

function renderFloat5(s: string): string {
  let out = '';
  let k = 0;
  if (s.charCodeAt(0) === 0x2d) {
    out = '-';
    k++;
  }
  if (s.charCodeAt(k) === 0x2e) out += '0';
  for (; k < s.length; k++) {
    out += s[k];
    if (s.charCodeAt(k) === 0x2e && (k + 1 === s.length || !isDigit(s.charCodeAt(k + 1)))) out += '0';
  }
  return out;
}

/** Canonical (minified RFC 8259) text of a node. */
export function renderJson(node: JNode): string {
  switch (node.t) {
    case J.NULL:
      return 'null';
    case J.TRUE:
      return 'true';
    case J.FALSE:
      return 'false';
    case J.INT:
    case J.FLOAT:
      return node.s;
    case J.INT5:
      return renderInt5(node.s);
    case J.FLOAT5:
      return renderFloat5(node.s);
    case J.TEXT:
    case J.TEXTJ:
      return '"' + node.s + '"';
    case J.TEXT5:
      return renderText5(node.s);
    case J.TEXTRAW:
      return quoteJsonString(node.s);
    case J.ARRAY: {
      const a = node.a!;
      if (a.length === 0) return '[]';
      let out = '[';
      for (let i = 0; i < a.length; i++) out += (i ? ',' : '') + renderJson(a[i]!);
      return out + ']';
    }
    default: {
      const a = node.a!;
      if (a.length === 0) return '{}';
      let out = '{';
      for (let i = 0; i + 1 < a.length; i += 2) out += (i ? ',' : '') + renderJson(a[i]!) + ':' + renderJson(a[i + 1]!);
      return out + '}';
    }
  }
}

/** json_pretty() rendering with the given indent text. */
export function renderJsonPretty(node: JNode, indent: string, level = 0): string {
  if (node.t === J.ARRAY || node.t === J.OBJECT) {
    const a = node.a!;
    const open = node.t === J.ARRAY ? '[' : '{';
    const close = node.t === J.ARRAY ? ']' : '}';
    if (a.length === 0) return open + close;
    const pad = indent.repeat(level + 1);
    const parts: string[] = [];
    if (node.t === J.ARRAY) {
      for (const k of a) parts.push(pad + renderJsonPretty(k, indent, level + 1));
    } else {
      for (let i = 0; i + 1 < a.length; i += 2) parts.push(pad + renderJson(a[i]!) + ': ' + renderJsonPretty(a[i + 1]!, indent, level + 1));
    }
    return open + '\n' + parts.join(',\n') + '\n' + indent.repeat(level) + close;
  }
  return renderJson(node);
}

// ---------------------------------------------------------------------------------------------
// Node → SQL value (jsonReturnFromBlob)

const JSON_INVALID_CHAR = 0x99999;

let unescapeLen = 0;

/** Decode one escape sequence at s[i] (a backslash); sets unescapeLen; returns the code point. */
function unescapeOne(s: string, i: number): number {
  const n = s.length - i;
  if (n < 2) {
    unescapeLen = n;
    return JSON_INVALID_CHAR;
  }
  const e = s.charCodeAt(i + 1);
  switch (e) {
    case 0x75: {
      if (n < 6) {
        unescapeLen = n;
        return JSON_INVALID_CHAR;
      }
      const v = hex4(s, i + 2);
      if ((v & 0xfc00) === 0xd800 && n >= 12 && s.charCodeAt(i + 6) === 0x5c && s.charCodeAt(i + 7) === 0x75) {
        const lo = hex4(s, i + 8);
        if ((lo & 0xfc00) === 0xdc00) {
          unescapeLen = 12;
          return ((v & 0x3ff) << 10) + (lo & 0x3ff) + 0x10000;
        }
      }
      unescapeLen = 6;
      return v;
    }
    case 0x62:
      unescapeLen = 2;
      return 0x08;
    case 0x66:
      unescapeLen = 2;
      return 0x0c;
    case 0x6e:
      unescapeLen = 2;
      return 0x0a;
    case 0x72:
      unescapeLen = 2;
      return 0x0d;
    case 0x74:
      unescapeLen = 2;
      return 0x09;
    case 0x76:
      unescapeLen = 2;
      return 0x0b;
    case 0x30:
      unescapeLen = 2;
      return n > 2 && isDigit(s.charCodeAt(i + 2)) ? JSON_INVALID_CHAR : 0;
    case 0x27:
    case 0x22:
    case 0x2f:
    case 0x5c:
      unescapeLen = 2;
      return e;
    case 0x78:
      if (n < 4) {
        unescapeLen = n;
        return JSON_INVALID_CHAR;
      }
      unescapeLen = 4;
      return (hexValue(s.charCodeAt(i + 2)) << 4) | hexValue(s.charCodeAt(i + 3));
    case 0x2028:
    case 0x2029:
    case 0x0d:
    case 0x0a: {
      const skip = bytesToBypass(s, i);
      if (skip === 0) {
        unescapeLen = n;
        return JSON_INVALID_CHAR;
      }
      if (skip === n) {
        unescapeLen = n;
        return 0;
      }
      if (s.charCodeAt(i + skip) === 0x5c) {
        const v = unescapeOne(s, i + skip);
        unescapeLen += skip;
        return v;
      }
      const cp = s.codePointAt(i + skip)!;
      unescapeLen = skip + (cp > 0xffff ? 2 : 1);
      return cp;
    }
    default:
      unescapeLen = 2;
      return JSON_INVALID_CHAR;
  }
}

function bytesToBypass(s: string, from: number): number {
  let i = 0;
  const n = s.length - from;
  while (i + 1 < n) {
    if (s.charCodeAt(from + i) !== 0x5c) return i;
    const c = s.charCodeAt(from + i + 1);
    if (c === 0x0a) {
      i += 2;
      continue;
    }
    if (c === 0x0d) {
      i += i + 2 < n && s.charCodeAt(from + i + 2) === 0x0a ? 3 : 2;
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      i += 2;
      continue;
    }
    break;
  }
  return i;
}

function hex4(s: string, i: number): number {
  return (hexValue(s.charCodeAt(i)) << 12) | (hexValue(s.charCodeAt(i + 1)) << 8) | (hexValue(s.charCodeAt(i + 2)) << 4) | hexValue(s.charCodeAt(i + 3));
}

/** The text of a JSON string with its escapes decoded. */
export function unescapeJson(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== 0x5c) continue;
    out += s.slice(from, i);
    const v = unescapeOne(s, i);
    if (v === JSON_INVALID_CHAR) {
      // silently dropped
    } else if (v >= 0xd800 && v <= 0xdfff) {
      out += '\ufffd\ufffd\ufffd'; // SQLite emits an invalid 3-byte sequence
    } else {
      out += String.fromCodePoint(v);
    }
    i += unescapeLen - 1;
    from = i + 1;
  }
  return out + s.slice(from);
}

/** The decoded text of a label or string node. */
export function nodeText(node: JNode): string {
  return node.t === J.TEXTJ || node.t === J.TEXT5 ? unescapeJson(node.s) : node.s;
}

/**
 * The SQL value of a node: null/true/false → NULL/1/0, numbers → INTEGER or REAL, strings →
 * TEXT, arrays and objects → their JSON text. Throws MalformedJson for unreadable numbers.
 */
export function nodeValue(node: JNode): SqlValue {
  switch (node.t) {
    case J.NULL:
      return null;
    case J.TRUE:
      return 1n;
    case J.FALSE:
      return 0n;
    case J.INT:
    case J.INT5: {
      const s = node.s;
      let neg = false;
      let body = s;
      if (s.charCodeAt(0) === 0x2d) {
        if (s.length < 2) throw new MalformedJson();
        neg = true;
        body = s.slice(1);
      }
      const rc = decOrHexToI64(body);
      const iRes = numResult.int;
      if (rc === 0) {
        if (iRes < 0n) {
          const r = Number(BigInt.asUintN(64, iRes));
          return neg ? -r : r;
        }
        return neg ? -iRes : iRes;
      }
      if (rc === 3 && neg) return -(1n << 63n);
      if (rc === 1) throw new MalformedJson();
      return toDoubleOrThrow(s);
    }
    case J.FLOAT:
    case J.FLOAT5:
      return toDoubleOrThrow(node.s);
    case J.TEXT:
    case J.TEXTRAW:
      return node.s;
    case J.TEXTJ:
    case J.TEXT5:
      return unescapeJson(node.s);
    default:
      return renderJson(node);
  }
}

function toDoubleOrThrow(s: string): number {
  if (atof(s) <= 0) throw new MalformedJson();
  return numResult.real;
}

// ---------------------------------------------------------------------------------------------
// Path lookup and editing (jsonLookupStep)

export const LOOKUP_ERROR = -1;
export const LOOKUP_NOTFOUND = -2;
export const LOOKUP_NOTARRAY = -3;
export const LOOKUP_TOODEEP = -4;
export const LOOKUP_PATHERROR = -5;

export const EDIT_NONE = 0;
export const EDIT_DEL = 1;
export const EDIT_REPL = 2;
export const EDIT_INS = 3;
export const EDIT_SET = 4;

/** Where the last successful lookup ended. */
export const lookupResult: { node: JNode | null; parent: JNode | null; index: number; label: JNode | null } = {
  node: null,
  parent: null,
  index: -1,
  label: null,
};

function labelEquals(key: string, rawKey: boolean, label: JNode): boolean {
  const rawLabel = label.t === J.TEXT || label.t === J.TEXTRAW;
  if (rawKey && rawLabel) return key === label.s;
  return (rawKey ? key : unescapeJson(key)) === (rawLabel ? label.s : unescapeJson(label.s));
}

/**
 * Follow `path` (the text after `$`) from `root`. Returns 0 on success (details in
 * `lookupResult`) or a negative LOOKUP_* code. With an edit mode, the tree is changed in
 * place: DEL removes, REPL/SET replace, INS/SET create missing members (with `ins` as value).
 */
export function lookupPath(
  root: JNode,
  path: string,
  edit: number = EDIT_NONE,
  ins: JNode | null = null,
): number {
  return step(root, null, -1, null, path, 0, edit, ins, 0);
}

function step(
  node: JNode,
  parent: JNode | null,
  index: number,
  label: JNode | null,
  path: string,
  p: number,
  edit: number,
  ins: JNode | null,
  depth: number,
): number {
  if (p >= path.length) {
    if (edit !== EDIT_NONE && parent !== null) {
      if (edit === EDIT_DEL) {
        if (parent.t === J.OBJECT) parent.a!.splice(index - 1, 2);
        else parent.a!.splice(index, 1);
      } else if (edit === EDIT_REPL || edit === EDIT_SET) {
        parent.a![index] = cloneNode(ins!);
      }
    }
    lookupResult.node = node;
    lookupResult.parent = parent;
    lookupResult.index = index;
    lookupResult.label = label;
    return 0;
  }
  const c = path.charCodeAt(p);
  if (c === 0x2e) {
    p++;
    let key: string;
    let rawKey = true;
    let i: number;
    if (path.charCodeAt(p) === 0x22) {
      for (i = p + 1; i < path.length && path.charCodeAt(i) !== 0x22; i++) {
        if (path.charCodeAt(i) === 0x5c && i + 1 < path.length) i++;
      }
      key = path.slice(p + 1, i);
      if (i < path.length) i++;
      else return LOOKUP_PATHERROR;
      rawKey = key.indexOf('\\') < 0;
    } else {
      for (i = p; i < path.length; i++) {
        const ch = path.charCodeAt(i);
        if (ch === 0x2e || ch === 0x5b) break;
      }
      key = path.slice(p, i);
      if (key.length === 0) return LOOKUP_PATHERROR;
    }
    if (node.t !== J.OBJECT) return LOOKUP_NOTFOUND;
    const a = node.a!;
    for (let j = 0; j + 1 < a.length; j += 2) {
      const lab = a[j]!;
      if (lab.t < J.TEXT || lab.t > J.TEXTRAW) return LOOKUP_ERROR;
      if (labelEquals(key, rawKey, lab)) {
        if (depth + 1 >= JSON_MAX_DEPTH) return LOOKUP_TOODEEP;
        return step(a[j + 1]!, node, j + 1, lab, path, i, edit, ins, depth + 1);
      }
    }
    if (edit >= EDIT_INS) {
      const sub = editSubstructure(path, i, edit, ins!, depth);
      if (typeof sub === 'number') return sub;
      a.push(jnode(rawKey ? J.TEXTRAW : J.TEXT5, key), sub);
      lookupResult.node = sub;
      return 0;
    }
    return LOOKUP_NOTFOUND;
  }
  if (c === 0x5b) {
    if (node.t !== J.ARRAY) return LOOKUP_NOTFOUND;
    const a = node.a!;
    let kk = 0;
    let i = p + 1;
    while (i < path.length && isDigit(path.charCodeAt(i))) {
      if (kk < 0xffffffff) kk = kk * 10 + (path.charCodeAt(i) - 0x30);
      i++;
    }
    if (i < p + 2 || path.charCodeAt(i) !== 0x5d) {
      if (path.charCodeAt(p + 1) === 0x23) {
        kk = a.length;
        i = p + 2;
        if (path.charCodeAt(p + 2) === 0x2d && isDigit(path.charCodeAt(p + 3))) {
          let nn = 0;
          i = p + 3;
          do {
            if (nn < 0xffffffff) nn = nn * 10 + (path.charCodeAt(i) - 0x30);
            i++;
          } while (i < path.length && isDigit(path.charCodeAt(i)));
          if (nn > kk) return LOOKUP_NOTFOUND;
          kk -= nn;
        }
        if (path.charCodeAt(i) !== 0x5d) return LOOKUP_PATHERROR;
      } else {
        return LOOKUP_PATHERROR;
      }
    }
    if (kk < a.length) {
      if (depth + 1 >= JSON_MAX_DEPTH) return LOOKUP_TOODEEP;
      return step(a[kk]!, node, kk, null, path, i + 1, edit, ins, depth + 1);
    }
    if (kk > a.length) return LOOKUP_NOTFOUND;
    if (edit >= EDIT_INS) {
      const sub = editSubstructure(path, i + 1, edit, ins!, depth);
      if (typeof sub === 'number') return sub;
      a.push(sub);
      lookupResult.node = sub;
      return 0;
    }
    return LOOKUP_NOTFOUND;
  }
  return LOOKUP_PATHERROR;
}

/** The value to insert for a missing member: `ins`, or new containers for a deeper path. */
function editSubstructure(path: string, p: number, edit: number, ins: JNode, depth: number): JNode | number {
  if (p >= path.length) return cloneNode(ins);
  const holder = path.charCodeAt(p) === 0x2e ? jnode(J.OBJECT, '', []) : jnode(J.ARRAY, '', []);
  if (depth + 1 >= JSON_MAX_DEPTH) return LOOKUP_TOODEEP;
  const rc = step(holder, null, -1, null, path, p, edit, ins, depth + 1);
  return rc < 0 ? rc : holder;
}

export function cloneNode(n: JNode): JNode {
  return n.a === null ? { t: n.t, s: n.s, a: null } : { t: n.t, s: n.s, a: n.a.map(cloneNode) };
}

// ---------------------------------------------------------------------------------------------
// JSONB layout (for json_each ids)

function headerSize(sz: number): number {
  return sz <= 11 ? 1 : sz <= 0xff ? 2 : sz <= 0xffff ? 3 : 5;
}

function utf8Len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Byte offset, header size and payload size of every node in SQLite's JSONB encoding. */
export interface NodeLayout {
  off: number;
  hdr: number;
  sz: number;
}

/** Lay out the tree as SQLite's JSONB blob (minimal headers, as after parsing text). */
export function layoutJson(root: JNode): Map<JNode, NodeLayout> {
  const map = new Map<JNode, NodeLayout>();
  const size = (n: JNode): number => {
    let sz: number;
    if (n.a !== null) {
      sz = 0;
      for (const k of n.a) sz += size(k);
    } else if (n.t <= J.FALSE) {
      sz = 0;
    } else {
      sz = utf8Len(n.s);
    }
    const hdr = headerSize(sz);
    map.set(n, { off: 0, hdr, sz });
    return hdr + sz;
  };
  size(root);
  const place = (n: JNode, off: number): void => {
    const l = map.get(n)!;
    l.off = off;
    if (n.a !== null) {
      let o = off + l.hdr;
      for (const k of n.a) {
        place(k, o);
        const kl = map.get(k)!;
        o += kl.hdr + kl.sz;
      }
    }
  };
  place(root, 0);
  return map;
}

// ---------------------------------------------------------------------------------------------
// JSONB (SQLite's binary JSON) input

/** jsonbPayloadSize: header size (0 when malformed) and payload size of the element at i. */
function jsonbHeader(b: Uint8Array, i: number): [number, number] {
  const nBlob = b.length;
  if (i >= nBlob) return [0, 0];
  const x = b[i]! >> 4;
  let sz: number;
  let n: number;
  if (x <= 11) {
    sz = x;
    n = 1;
  } else if (x === 12) {
    if (i + 1 >= nBlob) return [0, 0];
    sz = b[i + 1]!;
    n = 2;
  } else if (x === 13) {
    if (i + 2 >= nBlob) return [0, 0];
    sz = (b[i + 1]! << 8) + b[i + 2]!;
    n = 3;
  } else if (x === 14) {
    if (i + 4 >= nBlob) return [0, 0];
    sz = b[i + 1]! * 0x1000000 + (b[i + 2]! << 16) + (b[i + 3]! << 8) + b[i + 4]!;
    n = 5;
  } else {
    if (i + 8 >= nBlob || b[i + 1] !== 0 || b[i + 2] !== 0 || b[i + 3] !== 0 || b[i + 4] !== 0) return [0, 0];
    sz = b[i + 5]! * 0x1000000 + (b[i + 6]! << 16) + (b[i + 7]! << 8) + b[i + 8]!;
    n = 9;
  }
  if (i + sz + n > nBlob) return [0, 0];
  return [n, sz];
}

function isDigitB(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** jsonbValidityCheck: 0 when the element at i (ending at iEnd) is valid, else 1-based error offset. */
export function jsonbValidity(b: Uint8Array, i: number, iEnd: number, depth: number): number {
  if (depth > JSON_MAX_DEPTH) return i + 1;
  const [n, sz0] = jsonbHeader(b, i);
  if (n === 0 || i + n + sz0 !== iEnd) return i + 1;
  const sz = sz0;
  const x = b[i]! & 0x0f;
  let j: number;
  let k: number;
  switch (x) {
    case J.NULL:
    case J.TRUE:
    case J.FALSE:
      return n + sz === 1 ? 0 : i + 1;
    case J.INT:
      if (sz < 1) return i + 1;
      j = i + n;
      if (b[j] === 0x2d) {
        j++;
        if (sz < 2) return i + 1;
      }
      k = i + n + sz;
      for (; j < k; j++) if (!isDigitB(b[j]!)) return j + 1;
      return 0;
    case J.INT5:
      if (sz < 3) return i + 1;
      j = i + n;
      if (b[j] === 0x2d) {
        if (sz < 4) return i + 1;
        j++;
      }
      if (b[j] !== 0x30) return i + 1;
      if (b[j + 1] !== 0x78 && b[j + 1] !== 0x58) return j + 2;
      j += 2;
      k = i + n + sz;
      for (; j < k; j++) if (!isXDigitCode(b[j]!)) return j + 1;
      return 0;
    case J.FLOAT:
    case J.FLOAT5: {
      let seen = 0;
      if (sz < 2) return i + 1;
      j = i + n;
      k = j + sz;
      if (b[j] === 0x2d) {
        j++;
        if (sz < 3) return i + 1;
      }
      if (b[j] === 0x2e) {
        if (x === J.FLOAT) return j + 1;
        if (!isDigitB(b[j + 1] ?? 0)) return j + 1;
        j += 2;
        seen = 1;
      } else if (b[j] === 0x30 && x === J.FLOAT) {
        if (j + 3 > k) return j + 1;
        if (b[j + 1] !== 0x2e && b[j + 1] !== 0x65 && b[j + 1] !== 0x45) return j + 1;
        j++;
      }
      for (; j < k; j++) {
        const c = b[j]!;
        if (isDigitB(c)) continue;
        if (c === 0x2e) {
          if (seen > 0) return j + 1;
          if (x === J.FLOAT && (j === k - 1 || !isDigitB(b[j + 1]!))) return j + 1;
          seen = 1;
          continue;
        }
        if (c === 0x65 || c === 0x45) {
          if (seen === 2) return j + 1;
          if (j === k - 1) return j + 1;
          if (b[j + 1] === 0x2b || b[j + 1] === 0x2d) {
            j++;
            if (j === k - 1) return j + 1;
          }
          seen = 2;
          continue;
        }
        return j + 1;
      }
      return seen === 0 ? i + 1 : 0;
    }
    case J.TEXT:
      j = i + n;
      k = j + sz;
      for (; j < k; j++) {
        const c = b[j]!;
        if ((c < 0x20 || c === 0x22 || c === 0x5c) && c !== 0x27) return j + 1;
      }
      return 0;
    case J.TEXTJ:
    case J.TEXT5: {
      j = i + n;
      k = j + sz;
      while (j < k) {
        const c = b[j]!;
        if (c < 0x20 || c === 0x22 || c === 0x5c) {
          if (c === 0x22) {
            if (x === J.TEXTJ) return j + 1;
          } else if (c <= 0x1f) {
            if (x === J.TEXTJ) return j + 1;
          } else if (j + 1 >= k) {
            return j + 1;
          } else if ('"\\/bfnrt'.includes(String.fromCharCode(b[j + 1]!))) {
            j++;
          } else if (b[j + 1] === 0x75) {
            if (j + 5 >= k) return j + 1;
            for (let h = 2; h < 6; h++) if (!isXDigitCode(b[j + h]!)) return j + 1;
            j++;
          } else if (x !== J.TEXT5) {
            return j + 1;
          } else {
            const tail = utf8DecodeBytes(b.subarray(j, k));
            const c2 = unescapeOne(tail, 0);
            if (c2 === JSON_INVALID_CHAR) return j + 1;
            j += utf8ByteLength(tail.slice(0, unescapeLen)) - 1;
          }
        }
        j++;
      }
      return 0;
    }
    case J.TEXTRAW:
      return 0;
    case J.ARRAY:
    case J.OBJECT: {
      let cnt = 0;
      j = i + n;
      k = j + sz;
      while (j < k) {
        const [n2, sz2] = jsonbHeader(b, j);
        if (n2 === 0) return j + 1;
        if (j + n2 + sz2 > k) return j + 1;
        if (x === J.OBJECT && (cnt & 1) === 0) {
          const t = b[j]! & 0x0f;
          if (t < J.TEXT || t > J.TEXTRAW) return j + 1;
        }
        const sub = jsonbValidity(b, j, j + n2 + sz2, depth + 1);
        if (sub) return sub;
        cnt++;
        j += n2 + sz2;
      }
      if (x === J.OBJECT && (cnt & 1) !== 0) return j + 1;
      return 0;
    }
    default:
      return i + 1;
  }
}

const strictDecoder = new TextDecoder('utf-8');

function utf8DecodeBytes(b: Uint8Array): string {
  return strictDecoder.decode(b);
}

function utf8ByteLength(s: string): number {
  return utf8Len(s);
}

/** jsonArgIsJsonb: does this BLOB look like JSONB (fully validated when its payload is small)? */
export function isJsonb(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  const c = b[0]!;
  if ((c & 0x0f) > J.OBJECT) return false;
  const [n, sz] = jsonbHeader(b, 0);
  if (n === 0 || sz + n !== b.length) return false;
  if ((c & 0x0f) <= J.FALSE && sz !== 0) return false;
  if (sz > 7 || (c !== 0x7b && c !== 0x5b && !(c >= 0x30 && c <= 0x39))) return true;
  return jsonbValidity(b, 0, b.length, 1) === 0;
}

/** Decode a JSONB blob into nodes, with each node's real offsets. Throws MalformedJson. */
export function decodeJsonb(b: Uint8Array): { root: JNode; layout: Map<JNode, NodeLayout> } {
  const layout = new Map<JNode, NodeLayout>();
  const decode = (i: number, depth: number): JNode => {
    if (depth > JSON_MAX_DEPTH) throw new MalformedJson();
    const [n, sz] = jsonbHeader(b, i);
    if (n === 0) throw new MalformedJson();
    const t = b[i]! & 0x0f;
    let node: JNode;
    if (t <= J.FALSE) {
      if (sz !== 0) throw new MalformedJson();
      node = jnode(t);
    } else if (t <= J.TEXTRAW) {
      node = jnode(t, utf8DecodeBytes(b.subarray(i + n, i + n + sz)));
    } else if (t === J.ARRAY || t === J.OBJECT) {
      const kids: JNode[] = [];
      let j = i + n;
      const end = i + n + sz;
      while (j < end) {
        const [n2, sz2] = jsonbHeader(b, j);
        if (n2 === 0 || j + n2 + sz2 > end) throw new MalformedJson();
        const kid = decode(j, depth + 1);
        if (t === J.OBJECT && (kids.length & 1) === 0 && (kid.t < J.TEXT || kid.t > J.TEXTRAW)) throw new MalformedJson();
        kids.push(kid);
        j += n2 + sz2;
      }
      if (t === J.OBJECT && (kids.length & 1) !== 0) throw new MalformedJson();
      node = jnode(t, '', kids);
    } else {
      throw new MalformedJson();
    }
    layout.set(node, { off: i, hdr: n, sz });
    return node;
  };
  return { root: decode(0, 0), layout };
}
