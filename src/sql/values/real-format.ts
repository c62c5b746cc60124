/**
 * REAL → text, exactly as SQLite renders floating-point values: the `%f` / `%e` / `%g`
 * conversions of SQLite's own printf (including its `!` and `,` flags, `Inf`/`NaN` and the
 * `%!0.17g` "9.0e+999" form), and the default REAL → TEXT conversion, which SQLite 3.5x does
 * with `%!.17g` (17 significant digits, shortened when fewer digits round-trip).
 */
import { fpDecode, type FpDecoded } from './numeric-text.js';

export interface FloatFlags {
  /** `-` */
  leftJustify?: boolean;
  /** `+` or ` ` (or empty) */
  prefix?: string;
  /** `#` */
  alternate?: boolean;
  /** `!` */
  altform2?: boolean;
  /** `0` */
  zeropad?: boolean;
  /** `,` */
  thousands?: boolean;
}

/**
 * One printf floating-point conversion. `type` is `f`, `e`, `E`, `g` or `G`; precision < 0
 * means the default (6); width ≤ 0 means none.
 */
export function formatFloat(r: number, type: string, precision: number, width: number, flags: FloatFlags): string {
  const altform2 = flags.altform2 === true;
  let alternate = flags.alternate === true;
  const flagPrefix = flags.prefix ?? '';
  if (precision < 0) precision = 6;
  if (precision > 100000000) precision = 100000000;
  let xtype = type === 'f' ? 'f' : type === 'e' || type === 'E' ? 'e' : 'g';
  const upper = type === 'E' || type === 'G';
  let iRound: number;
  if (xtype === 'f') {
    iRound = -precision;
  } else if (xtype === 'g') {
    if (precision === 0) precision = 1;
    iRound = precision;
  } else {
    iRound = precision + 1;
  }
  let s: FpDecoded = decodeFast(r, iRound, altform2 ? 20 : 16);
  if (s.isSpecial) {
    if (s.isSpecial === 2) {
      return pad(flags.zeropad ? 'null' : 'NaN', width, flags.leftJustify === true);
    } else if (flags.zeropad) {
      s = { sign: s.sign, isSpecial: 0, digits: '9', iDP: 1000 };
    } else {
      let t = '-Inf';
      if (s.sign === '-') {
        // keep
      } else if (flagPrefix) {
        t = flagPrefix + 'Inf';
      } else {
        t = 'Inf';
      }
      return pad(t, width, flags.leftJustify === true);
    }
  }
  let prefix: string;
  if (s.sign === '-') {
    if (alternate && !flagPrefix && xtype === 'f' && s.iDP <= iRound) prefix = '';
    else prefix = '-';
  } else {
    prefix = flagPrefix;
  }
  let flagRtz: boolean;
  if (xtype === 'g') {
    precision--;
    flagRtz = !alternate;
    const exp = s.iDP - 1;
    if (exp < -4 || exp > precision) {
      xtype = 'e';
    } else {
      precision = precision - exp;
      xtype = 'f';
    }
  } else {
    flagRtz = altform2;
  }
  let e2 = xtype === 'e' ? 0 : s.iDP - 1;
  const flagDp = precision > 0 || alternate || altform2;
  const digits = s.digits;
  const n = digits.length;
  let out = prefix;
  let j = 0;
  if (e2 < 0) {
    out += '0';
  } else if (flags.thousands) {
    for (; e2 >= 0; e2--) {
      out += j < n ? digits[j++] : '0';
      if (e2 % 3 === 0 && e2 > 1) out += ',';
    }
  } else {
    j = e2 + 1;
    if (j > n) j = n;
    out += digits.slice(0, j);
    e2 -= j;
    if (e2 >= 0) {
      out += '0'.repeat(e2 + 1);
      e2 = -1;
    }
  }
  if (flagDp) out += '.';
  if (e2 < -1 && precision > 0) {
    let nn = -1 - e2;
    if (nn > precision) nn = precision;
    out += '0'.repeat(nn);
    precision -= nn;
  }
  if (precision > 0) {
    let nn = n - j;
    if (nn > precision) nn = precision;
    if (nn > 0) {
      out += digits.slice(j, j + nn);
      precision -= nn;
    }
    if (precision > 0 && !flagRtz) out += '0'.repeat(precision);
  }
  if (flagRtz && flagDp) {
    let end = out.length;
    while (out.charCodeAt(end - 1) === 0x30) end--;
    out = out.slice(0, end);
    if (out.charCodeAt(out.length - 1) === 0x2e) {
      out = altform2 ? out + '0' : out.slice(0, -1);
    }
  }
  if (xtype === 'e') {
    let exp = s.iDP - 1;
    out += upper ? 'E' : 'e';
    if (exp < 0) {
      out += '-';
      exp = -exp;
    } else {
      out += '+';
    }
    if (exp >= 100) {
      out += String.fromCharCode(0x30 + Math.floor(exp / 100));
      exp %= 100;
    }
    out += String.fromCharCode(0x30 + Math.floor(exp / 10), 0x30 + (exp % 10));
  }
  alternate = false;
  if (out.length < width) {
    const nPad = width - out.length;
    if (flags.leftJustify) out += ' '.repeat(nPad);
    else if (!flags.zeropad) out = ' '.repeat(nPad) + out;
    else {
      const adj = prefix ? 1 : 0;
      out = out.slice(0, adj) + '0'.repeat(nPad) + out.slice(adj);
    }
  }
  return out;
}

function pad(t: string, width: number, left: boolean): string {
  if (t.length >= width) return t;
  return left ? t + ' '.repeat(width - t.length) : ' '.repeat(width - t.length) + t;
}

/**
 * `fpDecode` with a fast path for the REAL → TEXT case (17 digits, `!`): when the shortest
 * round-trip form of r has at most 13 significant digits, SQLite's 17-digit rendering
 * always shortens to exactly those digits.
 */
function decodeFast(r: number, iRound: number, mxRound: number): FpDecoded {
  if (iRound === 17 && mxRound === 20 && Number.isFinite(r) && Math.abs(r) >= 2.2250738585072014e-308) {
    const short = shortestDigits(r);
    if (short !== undefined) return short;
  }
  return fpDecode(r, iRound, mxRound);
}

/** Digits and decimal-point position of JS's shortest round-trip text, if ≤ 13 digits. */
function shortestDigits(r: number): FpDecoded | undefined {
  let sign = '+';
  if (r < 0) {
    sign = '-';
    r = -r;
  }
  const t = r.toExponential(); // d.ddddde±x, shortest round-trip digits
  const ePos = t.indexOf('e');
  const mant = t.slice(0, ePos);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  if (digits.length > 13) return undefined;
  const exp = Number(t.slice(ePos + 1));
  return { sign, isSpecial: 0, digits, iDP: exp + 1 };
}

/** REAL → TEXT as SQLite converts it (`CAST(r AS TEXT)`, `r || ''`): `%!.17g`. */
export function realToText(r: number): string {
  if (Number.isInteger(r) && r < 1e15 && r > -1e15) {
    return (r === 0 ? '0' : String(r)) + '.0';
  }
  return formatFloat(r, 'g', 17, 0, ALT2);
}

/** REAL as JSON and as an SQL literal (`quote()`): `%!0.17g`, infinity as 9.0e+999. */
export function realToLiteral(r: number): string {
  return formatFloat(r, 'g', 17, 0, ALT2_ZERO);
}

const ALT2: FloatFlags = { altform2: true };
const ALT2_ZERO: FloatFlags = { altform2: true, zeropad: true };
