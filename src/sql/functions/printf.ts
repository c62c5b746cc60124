/**
 * SQLite's printf engine as the SQL function format()/printf() uses it (printf.c
 * sqlite3_str_vappendf with SQLITE_PRINTF_SQLFUNC): %d %i %u %f %e %E %g %G %x %X %o %c %s %z
 * %q %Q %w %r %p %n %%, flags `- + space # ! 0 ,`, width and precision (also `*`), `l`/`ll`.
 * Widths and precisions count UTF-8 bytes unless the `!` flag asks for characters.
 */
import type { SqlValue } from '../../objects/index.js';
import { formatFloat, intValue, realValue, toText, utf8Length } from '../values/index.js';
import { MAX_LENGTH, tooBig } from './errors.js';

const U64 = (1n << 64n) - 1n;

/** Arguments consumed left to right; missing ones read as 0 / 0.0 / NULL. */
class Args {
  private used = 0;
  constructor(private readonly args: readonly SqlValue[]) {}
  int(): bigint {
    if (this.used >= this.args.length) return 0n;
    return intValue(this.args[this.used++]!);
  }
  real(): number {
    if (this.used >= this.args.length) return 0;
    return realValue(this.args[this.used++]!);
  }
  text(): string | null {
    if (this.used >= this.args.length) return null;
    return toText(this.args[this.used++]!);
  }
}

/** C's (int) of an int64: the low 32 bits, signed. */
function toInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** Text up to (not including) the first NUL, as C string functions see it. */
function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** UTF-8 bytes of the last truncateBytes result (a cut character counts its kept bytes). */
let truncatedBytes = 0;

/** Prefix of s with at most n UTF-8 bytes; a cut character becomes U+FFFD (as the bytes decode). */
function truncateBytes(s: string, n: number): string {
  let used = 0;
  truncatedBytes = n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let w: number;
    let units = 1;
    if (c < 0x80) w = 1;
    else if (c < 0x800) w = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      w = 4;
      units = 2;
    } else w = 3;
    if (used + w > n) {
      return s.slice(0, i) + (used < n ? '\ufffd' : '');
    }
    used += w;
    i += units - 1;
  }
  truncatedBytes = used;
  return s;
}

/** Prefix of s with at most n characters (code points). */
function truncateChars(s: string, n: number): string {
  let i = 0;
  while (n > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    n--;
  }
  return s.slice(0, i);
}

function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

function spaces(n: number): string {
  if (n > MAX_LENGTH) throw tooBig();
  return ' '.repeat(n);
}

/** Whether the last vappendf call appended anything (even an empty conversion). */
let touched = false;

/**
 * format(FORMAT, ...) — the result text; NULL when FORMAT is NULL or nothing at all was
 * appended (SQLite's string accumulator was never allocated: `format('')`, `format('%T')`).
 */
export function sqlPrintf(format: SqlValue, rest: readonly SqlValue[]): SqlValue {
  if (format === null) return null;
  const fmt = toText(format)!;
  let out: string;
  try {
    out = vappendf(fmt, new Args(rest));
    if (out === '' && !touched) return null;
  } catch (e) {
    // a result longer than the JavaScript engine's string limit
    if (e instanceof RangeError) throw tooBig();
    throw e;
  }
  if (utf8Length(out) > MAX_LENGTH) throw tooBig();
  return out;
}

function vappendf(fmtIn: string, args: Args): string {
  touched = false;
  const fmt = cString(fmtIn);
  const n = fmt.length;
  let out = '';
  const at = (i: number): number => (i < n ? fmt.charCodeAt(i) : 0);
  for (let i = 0; i < n; i++) {
    let c = fmt.charCodeAt(i);
    if (c !== 0x25) {
      const next = fmt.indexOf('%', i);
      touched = true;
      if (next < 0) {
        out += fmt.slice(i);
        break;
      }
      out += fmt.slice(i, next);
      i = next;
    }
    c = at(++i);
    if (c === 0) {
      out += '%';
      touched = true;
      break;
    }
    let leftJustify = false;
    let flagPrefix = '';
    let thousands = false;
    let alternate = false;
    let altform2 = false;
    let zeropad = false;
    let width = 0;
    let precision = -1;
    let done = false;
    do {
      switch (c) {
        case 0x2d:
          leftJustify = true;
          break;
        case 0x2b:
          flagPrefix = '+';
          break;
        case 0x20:
          flagPrefix = ' ';
          break;
        case 0x23:
          alternate = true;
          break;
        case 0x21:
          altform2 = true;
          break;
        case 0x30:
          zeropad = true;
          break;
        case 0x2c:
          thousands = true;
          break;
        case 0x6c: // 'l'
          c = at(++i);
          if (c === 0x6c) c = at(++i);
          done = true;
          break;
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35:
        case 0x36:
        case 0x37:
        case 0x38:
        case 0x39: {
          let wx = c - 0x30;
          while ((c = at(++i)) >= 0x30 && c <= 0x39) wx = (Math.imul(wx, 10) + (c - 0x30)) >>> 0;
          width = wx & 0x7fffffff;
          if (c !== 0x2e && c !== 0x6c) done = true;
          else i--;
          break;
        }
        case 0x2a: {
          width = toInt32(args.int());
          if (width < 0) {
            leftJustify = true;
            width = width >= -2147483647 ? -width : 0;
          }
          const nx = at(i + 1);
          if (nx !== 0x2e && nx !== 0x6c) {
            c = at(++i);
            done = true;
          }
          break;
        }
        case 0x2e: {
          c = at(++i);
          if (c === 0x2a) {
            precision = toInt32(args.int());
            if (precision < 0) precision = precision >= -2147483647 ? -precision : -1;
            c = at(++i);
          } else {
            let px = 0;
            while (c >= 0x30 && c <= 0x39) {
              px = (Math.imul(px, 10) + (c - 0x30)) >>> 0;
              c = at(++i);
            }
            precision = px & 0x7fffffff;
          }
          if (c === 0x6c) i--;
          else done = true;
          break;
        }
        default:
          done = true;
          break;
      }
    } while (!done && (c = at(++i)) !== 0);

    // the conversion
    let piece: string; // the converted text
    let pieceBytes: number; // its length in UTF-8 bytes (what width is measured against)
    switch (c) {
      case 0x64: // d
      case 0x69: // i
      case 0x75: // u
      case 0x78: // x
      case 0x58: // X
      case 0x6f: // o
      case 0x70: // p
      case 0x72: {
        // r
        const signed = c === 0x64 || c === 0x69 || c === 0x72;
        const radix = c === 0x78 || c === 0x58 || c === 0x70 ? 16 : c === 0x6f ? 8 : 10;
        const isDecimal = c === 0x64 || c === 0x69 || c === 0x75;
        const useThousands = thousands && isDecimal;
        const v = args.int();
        let longvalue: bigint;
        let prefix = '';
        if (signed) {
          if (v < 0n) {
            longvalue = -v & U64;
            prefix = '-';
          } else {
            longvalue = v;
            prefix = flagPrefix;
          }
        } else {
          longvalue = v & U64;
        }
        let alt = alternate;
        if (longvalue === 0n) alt = false;
        if (zeropad && precision < width - (prefix ? 1 : 0)) precision = width - (prefix ? 1 : 0);
        if (precision + 10 + (useThousands ? Math.trunc(precision / 3) : 0) > MAX_LENGTH) throw tooBig();
        let digits = longvalue.toString(radix);
        if (c === 0x58 || c === 0x70) digits = digits.toUpperCase();
        if (c === 0x72) {
          const x = Number(longvalue % 10n);
          const tens = Number((longvalue / 10n) % 10n);
          const sfx = x >= 4 || tens === 1 ? 'th' : ['th', 'st', 'nd', 'rd'][x]!;
          digits += sfx;
        }
        if (precision > digits.length) digits = '0'.repeat(precision - digits.length) + digits;
        if (useThousands) {
          const len = digits.length;
          let grouped = '';
          const first = ((len - 1) % 3) + 1;
          grouped = digits.slice(0, first);
          for (let k = first; k < len; k += 3) grouped += ',' + digits.slice(k, k + 3);
          digits = grouped;
        }
        digits = prefix + digits;
        if (alt) {
          if (c === 0x78 || c === 0x70) digits = '0x' + digits;
          else if (c === 0x58) digits = '0X' + digits;
          else if (c === 0x6f) digits = '0' + digits;
        }
        piece = digits;
        pieceBytes = piece.length;
        break;
      }
      case 0x66: // f
      case 0x65: // e
      case 0x45: // E
      case 0x67: // g
      case 0x47: {
        // G
        const r = args.real();
        if (width > MAX_LENGTH) throw tooBig();
        touched = true;
        out += formatFloat(r, String.fromCharCode(c), precision, width, {
          leftJustify,
          prefix: flagPrefix,
          alternate,
          altform2,
          zeropad,
          thousands,
        });
        continue;
      }
      case 0x6e: // n
        touched = true;
        continue;
      case 0x25: // %
        piece = '%';
        pieceBytes = 1;
        break;
      case 0x63: {
        // c
        const t = args.text();
        let ch: string;
        if (t === null) {
          ch = '\0';
        } else {
          const cp = t.length === 0 ? 0 : t.codePointAt(0)!;
          ch = cp === 0 ? '\0' : String.fromCodePoint(cp);
        }
        const chBytes = utf8Length(ch);
        if (precision > 1) {
          width -= precision - 1;
          if (width > 1 && !leftJustify) {
            out += spaces(width - 1);
            width = 0;
          }
          if ((precision - 1) * chBytes > MAX_LENGTH) throw tooBig();
          out += ch.repeat(precision - 1);
        }
        piece = ch;
        pieceBytes = chBytes;
        altform2 = true;
        break;
      }
      case 0x73: // s
      case 0x7a: {
        // z
        const t = args.text();
        let s = t === null ? '' : cString(t);
        if (precision >= 0) {
          s = altform2 ? truncateChars(s, precision) : truncateBytes(s, precision);
          pieceBytes = altform2 ? utf8Length(s) : Math.min(precision, utf8Length(t === null ? '' : cString(t)));
        } else {
          pieceBytes = utf8Length(s);
        }
        piece = s;
        break;
      }
      case 0x71: // q
      case 0x51: // Q
      case 0x77: {
        // w
        const t = args.text();
        const isQ = c === 0x51;
        let needQuote = 0;
        let esc: string;
        if (t === null) {
          esc = isQ ? 'NULL' : '(NULL)';
        } else {
          esc = cString(t);
          if (isQ) needQuote = 1;
        }
        const q = c === 0x77 ? '"' : "'";
        let alt = c === 0x77 ? false : alternate;
        // the part of the argument used: precision bytes (or characters with '!')
        let byteAdjust = 0;
        if (precision >= 0) {
          if (altform2) {
            esc = truncateChars(esc, precision);
          } else {
            esc = truncateBytes(esc, precision);
            byteAdjust = truncatedBytes - utf8Length(esc);
          }
        }
        if (alt) {
          let nCtrl = 0;
          for (let k = 0; k < esc.length; k++) if (esc.charCodeAt(k) <= 0x1f) nCtrl++;
          if (nCtrl || c === 0x71) {
            if (isQ) needQuote = 2;
          } else {
            alt = false;
          }
        }
        let body = '';
        if (alt) {
          for (let k = 0; k < esc.length; k++) {
            const ch = esc.charCodeAt(k);
            if (esc[k] === q) body += q + q;
            else if (ch === 0x5c) body += '\\\\';
            else if (ch <= 0x1f) body += '\\u00' + (ch >= 0x10 ? '1' : '0') + '0123456789abcdef'[ch & 0xf];
            else body += esc[k];
          }
        } else {
          body = esc.split(q).join(q + q);
        }
        if (needQuote === 2) piece = "unistr('" + body + "')";
        else if (needQuote === 1) piece = "'" + body + "'";
        else piece = body;
        pieceBytes = utf8Length(piece) + byteAdjust;
        break;
      }
      default:
        // %T, %S and unknown conversions end the formatting
        return out;
    }
    if (width > MAX_LENGTH) throw tooBig();
    touched = true;
    let w = width;
    if (altform2 && w > 0) w += pieceBytes - charCount(piece);
    w -= pieceBytes;
    if (w > 0) {
      if (!leftJustify) out += spaces(w);
      out += piece;
      if (leftJustify) out += spaces(w);
    } else {
      out += piece;
    }
  }
  return out;
}
