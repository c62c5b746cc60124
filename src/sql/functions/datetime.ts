/**
 * Date and time functions, ported from SQLite's date.c: date, time, datetime, julianday,
 * unixepoch, strftime, timediff, current_date/time/timestamp. All time values are Julian day
 * numbers × 86 400 000 (integer milliseconds); every modifier SQLite knows is supported
 * (±N days/hours/minutes/seconds/months/years, ±HH:MM[:SS.SSS], ±YYYY-MM-DD[ HH:MM…],
 * start of day/month/year, weekday N, unixepoch, julianday, auto, localtime, utc,
 * subsec/subsecond, ceiling, floor). 'now' comes from the statement's FunctionContext.
 */
import { Decimal, type SqlValue } from '../../objects/index.js';
import { atof, formatFloat, numResult, realValue, toText } from '../values/index.js';
import type { FunctionContext, ScalarFunction } from './types.js';

interface DateTime {
  iJD: number;
  Y: number;
  M: number;
  D: number;
  h: number;
  m: number;
  tz: number;
  s: number;
  validJD: boolean;
  validYMD: boolean;
  validHMS: boolean;
  nFloor: number;
  rawS: boolean;
  isError: boolean;
  useSubsec: boolean;
  isUtc: boolean;
  isLocal: boolean;
}

function newDateTime(): DateTime {
  return {
    iJD: 0,
    Y: 0,
    M: 0,
    D: 0,
    h: 0,
    m: 0,
    tz: 0,
    s: 0,
    validJD: false,
    validYMD: false,
    validHMS: false,
    nFloor: 0,
    rawS: false,
    isError: false,
    useSubsec: false,
    isUtc: false,
    isLocal: false,
  };
}

function copyInto(dst: DateTime, src: DateTime): void {
  Object.assign(dst, src);
}

/** C integer division (truncation toward zero). */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function code(z: string, i: number): number {
  return i < z.length ? z.charCodeAt(i) : 0;
}

/**
 * getDigits: read fields of N digits (N = 2, 4 or 5) in [min, max], each followed by the given
 * separator (0 for the last). Returns the values read (stops at the first failure).
 */
function getDigits(z: string, i: number, specs: [number, number, number, number][]): number[] {
  const out: number[] = [];
  for (const [n, min, max, sep] of specs) {
    let val = 0;
    for (let k = 0; k < n; k++) {
      const c = code(z, i);
      if (!isDigit(c)) return out;
      val = val * 10 + (c - 0x30);
      i++;
    }
    if (val < min || val > max || (sep !== 0 && sep !== code(z, i))) return out;
    out.push(val);
    i++;
  }
  return out;
}

const COLON = 0x3a;
const DASH = 0x2d;

function parseTimezone(z: string, i: number, p: DateTime): boolean {
  while (isSpace(code(z, i))) i++;
  p.tz = 0;
  const c = code(z, i);
  let sgn: number;
  if (c === 0x2d) sgn = -1;
  else if (c === 0x2b) sgn = 1;
  else if (c === 0x5a || c === 0x7a) {
    i++;
    p.isLocal = false;
    p.isUtc = true;
    while (isSpace(code(z, i))) i++;
    return code(z, i) !== 0;
  } else {
    return c !== 0;
  }
  i++;
  const d = getDigits(z, i, [
    [2, 0, 14, COLON],
    [2, 0, 59, 0],
  ]);
  if (d.length !== 2) return true;
  i += 5;
  p.tz = sgn * (d[1]! + d[0]! * 60);
  if (p.tz === 0) {
    p.isLocal = false;
    p.isUtc = true;
  }
  while (isSpace(code(z, i))) i++;
  return code(z, i) !== 0;
}

/** Returns true on error. */
function parseHhMmSs(z: string, i: number, p: DateTime): boolean {
  const hm = getDigits(z, i, [
    [2, 0, 24, COLON],
    [2, 0, 59, 0],
  ]);
  if (hm.length !== 2) return true;
  i += 5;
  let s: number;
  let ms = 0;
  if (code(z, i) === COLON) {
    i++;
    const sd = getDigits(z, i, [[2, 0, 59, 0]]);
    if (sd.length !== 1) return true;
    s = sd[0]!;
    i += 2;
    if (code(z, i) === 0x2e && isDigit(code(z, i + 1))) {
      let rScale = 1;
      i++;
      while (isDigit(code(z, i))) {
        ms = ms * 10 + (code(z, i) - 0x30);
        rScale *= 10;
        i++;
      }
      ms /= rScale;
      if (ms > 0.999) ms = 0.999;
    }
  } else {
    s = 0;
  }
  p.validJD = false;
  p.rawS = false;
  p.validHMS = true;
  p.h = hm[0]!;
  p.m = hm[1]!;
  p.s = s + ms;
  return parseTimezone(z, i, p);
}

function datetimeError(p: DateTime): void {
  copyInto(p, newDateTime());
  p.isError = true;
}

function computeJD(p: DateTime): void {
  if (p.validJD) return;
  let Y: number;
  let M: number;
  let D: number;
  if (p.validYMD) {
    Y = p.Y;
    M = p.M;
    D = p.D;
  } else {
    Y = 2000;
    M = 1;
    D = 1;
  }
  if (Y < -4713 || Y > 9999 || p.rawS) {
    datetimeError(p);
    return;
  }
  if (M <= 2) {
    Y--;
    M += 12;
  }
  const A = idiv(Y + 4800, 100);
  const B = 38 - A + idiv(A, 4);
  const X1 = idiv(36525 * (Y + 4716), 100);
  const X2 = idiv(306001 * (M + 1), 10000);
  p.iJD = Math.trunc((X1 + X2 + D + B - 1524.5) * 86400000);
  p.validJD = true;
  if (p.validHMS) {
    p.iJD += p.h * 3600000 + p.m * 60000 + Math.trunc(p.s * 1000 + 0.5);
    if (p.tz) {
      p.iJD -= p.tz * 60000;
      p.validYMD = false;
      p.validHMS = false;
      p.tz = 0;
      p.isUtc = true;
      p.isLocal = false;
    }
  }
}

function computeFloor(p: DateTime): void {
  if (p.D <= 28) {
    p.nFloor = 0;
  } else if ((1 << p.M) & 0x15aa) {
    p.nFloor = 0;
  } else if (p.M !== 2) {
    p.nFloor = p.D === 31 ? 1 : 0;
  } else if (p.Y % 4 !== 0 || (p.Y % 100 === 0 && p.Y % 400 !== 0)) {
    p.nFloor = p.D - 28;
  } else {
    p.nFloor = p.D - 29;
  }
}

/** Returns true on error. */
function parseYyyyMmDd(z: string, p: DateTime): boolean {
  let i = 0;
  let neg = false;
  if (code(z, 0) === DASH) {
    i = 1;
    neg = true;
  }
  const d = getDigits(z, i, [
    [4, 0, 9999, DASH],
    [2, 1, 12, DASH],
    [2, 1, 31, 0],
  ]);
  if (d.length !== 3) return true;
  i += 10;
  while (isSpace(code(z, i)) || code(z, i) === 0x54) i++;
  if (!parseHhMmSs(z, i, p)) {
    // got the time
  } else if (code(z, i) === 0) {
    p.validHMS = false;
  } else {
    return true;
  }
  p.validJD = false;
  p.validYMD = true;
  p.Y = neg ? -d[0]! : d[0]!;
  p.M = d[1]!;
  p.D = d[2]!;
  computeFloor(p);
  if (p.tz) computeJD(p);
  return false;
}

function clearYMD_HMS_TZ(p: DateTime): void {
  p.validYMD = false;
  p.validHMS = false;
  p.tz = 0;
}

function setDateTimeToCurrent(ctx: FunctionContext, p: DateTime): boolean {
  p.iJD = ctx.now().getTime() + 210866760000000;
  if (p.iJD > 0) {
    p.validJD = true;
    p.isUtc = true;
    p.isLocal = false;
    clearYMD_HMS_TZ(p);
    return false;
  }
  return true;
}

function setRawDateNumber(p: DateTime, r: number): void {
  p.s = r;
  p.rawS = true;
  if (r >= 0 && r < 5373484.5) {
    p.iJD = Math.trunc(r * 86400000 + 0.5);
    p.validJD = true;
  }
}

function eqNoCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b;
}

/** Returns true on error. */
function parseDateOrTime(ctx: FunctionContext, z: string, p: DateTime): boolean {
  if (!parseYyyyMmDd(z, p)) return false;
  if (!parseHhMmSs(z, 0, p)) return false;
  if (eqNoCase(asciiOnly(z), 'now')) return setDateTimeToCurrent(ctx, p);
  if (atof(z) > 0) {
    setRawDateNumber(p, numResult.real);
    return false;
  }
  const lz = asciiOnly(z);
  if (eqNoCase(lz, 'subsec') || eqNoCase(lz, 'subsecond')) {
    p.useSubsec = true;
    return setDateTimeToCurrent(ctx, p);
  }
  return true;
}

/** Text up to the first NUL, as C sees it. */
function cText(s: string): string {
  const k = s.indexOf('\0');
  return k < 0 ? s : s.slice(0, k);
}

/** sqlite3StrICmp folds ASCII only: keep non-ASCII characters from matching. */
function asciiOnly(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? '\u0000' + s : s;
}

const INT_464269060799999 = 464269060799999;

function validJulianDay(iJD: number): boolean {
  return iJD >= 0 && iJD <= INT_464269060799999;
}

function computeYMD(p: DateTime): void {
  if (p.validYMD) return;
  if (!p.validJD) {
    p.Y = 2000;
    p.M = 1;
    p.D = 1;
  } else if (!validJulianDay(p.iJD)) {
    datetimeError(p);
    return;
  } else {
    const Z = Math.trunc((p.iJD + 43200000) / 86400000);
    const alpha = Math.trunc((Z + 32044.75) / 36524.25) - 52;
    const A = Z + 1 + alpha - idiv(alpha + 100, 4) + 25;
    const B = A + 1524;
    const C = Math.trunc((B - 122.1) / 365.25);
    const D = idiv(36525 * (C & 32767), 100);
    const E = Math.trunc((B - D) / 30.6001);
    const X1 = Math.trunc(30.6001 * E);
    p.D = B - D - X1;
    p.M = E < 14 ? E - 1 : E - 13;
    p.Y = p.M > 2 ? C - 4716 : C - 4715;
  }
  p.validYMD = true;
}

function computeHMS(p: DateTime): void {
  if (p.validHMS) return;
  computeJD(p);
  const dayMs = (p.iJD + 43200000) % 86400000;
  p.s = (dayMs % 60000) / 1000;
  const dayMin = Math.trunc(dayMs / 60000);
  p.m = dayMin % 60;
  p.h = Math.trunc(dayMin / 60);
  p.rawS = false;
  p.validHMS = true;
}

function computeYMD_HMS(p: DateTime): void {
  computeYMD(p);
  computeHMS(p);
}

/** localtime_r via the JavaScript runtime's time zone. */
function osLocaltime(t: number): { Y: number; M: number; D: number; h: number; m: number; s: number } {
  const d = new Date(t * 1000);
  return { Y: d.getFullYear(), M: d.getMonth() + 1, D: d.getDate(), h: d.getHours(), m: d.getMinutes(), s: d.getSeconds() };
}

function toLocaltime(p: DateTime): void {
  computeJD(p);
  let iYearDiff: number;
  let t: number;
  if (p.iJD < 2108667600 * 100000 || p.iJD > 2130141456 * 100000) {
    const x = { ...p };
    computeYMD_HMS(x);
    iYearDiff = 2000 + (x.Y % 4) - x.Y;
    x.Y += iYearDiff;
    x.validJD = false;
    computeJD(x);
    t = Math.trunc(x.iJD / 1000) - 21086676 * 10000;
  } else {
    iYearDiff = 0;
    t = Math.trunc(p.iJD / 1000) - 21086676 * 10000;
  }
  const lt = osLocaltime(t);
  p.Y = lt.Y - iYearDiff;
  p.M = lt.M;
  p.D = lt.D;
  p.h = lt.h;
  p.m = lt.m;
  p.s = lt.s + (p.iJD % 1000) * 0.001;
  p.validYMD = true;
  p.validHMS = true;
  p.validJD = false;
  p.rawS = false;
  p.tz = 0;
  p.isError = false;
}

const XFORM: { name: string; limit: number; xform: number }[] = [
  { name: 'second', limit: 4.6427e14, xform: 1 },
  { name: 'minute', limit: 7.7379e12, xform: 60 },
  { name: 'hour', limit: 1.2897e11, xform: 3600 },
  { name: 'day', limit: 5373485, xform: 86400 },
  { name: 'month', limit: 176546, xform: 2592000 },
  { name: 'year', limit: 14713, xform: 31536000 },
];
// the limits are C floats
for (const x of XFORM) x.limit = Math.fround(x.limit);

function autoAdjustDate(p: DateTime): void {
  if (!p.rawS || p.validJD) {
    p.rawS = false;
  } else if (p.s >= -21086676 * 10000 && p.s <= 25340230 * 10000 + 799) {
    const r = p.s * 1000 + 210866760000000;
    clearYMD_HMS_TZ(p);
    p.iJD = Math.trunc(r + 0.5);
    p.validJD = true;
    p.rawS = false;
  }
}

function lower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Apply one modifier; returns true on error (the function then returns NULL). */
function parseModifier(z: string, p: DateTime, idx: number): boolean {
  const lz = lower(z);
  const c0 = lz.charCodeAt(0);
  switch (lz[0]) {
    case 'a':
      if (lz === 'auto') {
        if (idx > 1) return true;
        autoAdjustDate(p);
        return false;
      }
      return true;
    case 'c':
      if (lz === 'ceiling') {
        computeJD(p);
        clearYMD_HMS_TZ(p);
        p.nFloor = 0;
        return false;
      }
      return true;
    case 'f':
      if (lz === 'floor') {
        computeJD(p);
        p.iJD -= p.nFloor * 86400000;
        clearYMD_HMS_TZ(p);
        return false;
      }
      return true;
    case 'j':
      if (lz === 'julianday') {
        if (idx > 1) return true;
        if (p.validJD && p.rawS) {
          p.rawS = false;
          return false;
        }
      }
      return true;
    case 'l':
      if (lz === 'localtime') {
        if (!p.isLocal) toLocaltime(p);
        p.isUtc = false;
        p.isLocal = true;
        return false;
      }
      return true;
    case 'u':
      if (lz === 'unixepoch' && p.rawS) {
        if (idx > 1) return true;
        const r = p.s * 1000 + 210866760000000;
        if (r >= 0 && r < 464269060800000) {
          clearYMD_HMS_TZ(p);
          p.iJD = Math.trunc(r + 0.5);
          p.validJD = true;
          p.rawS = false;
          return false;
        }
        return true;
      } else if (lz === 'utc') {
        if (!p.isUtc) {
          computeJD(p);
          const iOrigJD = p.iJD;
          let iGuess = iOrigJD;
          let iErr = 0;
          let cnt = 0;
          do {
            const nw = newDateTime();
            iGuess -= iErr;
            nw.iJD = iGuess;
            nw.validJD = true;
            toLocaltime(nw);
            computeJD(nw);
            iErr = nw.iJD - iOrigJD;
          } while (iErr && cnt++ < 3);
          copyInto(p, newDateTime());
          p.iJD = iGuess;
          p.validJD = true;
          p.isUtc = true;
          p.isLocal = false;
        }
        return false;
      }
      return true;
    case 'w': {
      if (lz.startsWith('weekday ')) {
        const rc = atof(z.slice(8));
        const r = numResult.real;
        if (rc > 0 && r >= 0 && r < 7 && Math.trunc(r) === r) {
          const n = r;
          computeYMD_HMS(p);
          p.tz = 0;
          p.validJD = false;
          computeJD(p);
          let Z = Math.trunc((p.iJD + 129600000) / 86400000) % 7;
          if (Z > n) Z -= 7;
          p.iJD += (n - Z) * 86400000;
          clearYMD_HMS_TZ(p);
          return false;
        }
      }
      return true;
    }
    case 's': {
      if (!lz.startsWith('start of ')) {
        if (lz === 'subsec' || lz === 'subsecond') {
          p.useSubsec = true;
          return false;
        }
        return true;
      }
      if (!p.validJD && !p.validYMD && !p.validHMS) return true;
      const what = lz.slice(9);
      computeYMD(p);
      p.validHMS = true;
      p.h = 0;
      p.m = 0;
      p.s = 0;
      p.rawS = false;
      p.tz = 0;
      p.validJD = false;
      if (what === 'month') {
        p.D = 1;
        return false;
      }
      if (what === 'year') {
        p.M = 1;
        p.D = 1;
        return false;
      }
      return what !== 'day';
    }
    default:
      if (c0 === 0x2b || c0 === 0x2d || (c0 >= 0x30 && c0 <= 0x39)) return numericModifier(z, p);
      return true;
  }
}

function numericModifier(zIn: string, p: DateTime): boolean {
  let z = zIn;
  const z0 = code(z, 0);
  let n: number;
  for (n = 1; n < z.length; n++) {
    const c = code(z, n);
    if (c === COLON) break;
    if (isSpace(c)) break;
    if (c === DASH) {
      if (n === 5 && getDigits(z, 1, [[4, 0, 9999, 0]]).length === 1) break;
      if (n === 6 && getDigits(z, 1, [[5, 0, 14712, 0]]).length === 1) break;
    }
  }
  if (atof(z.slice(0, n)) <= 0) return true;
  let r = numResult.real;
  let z2 = z;
  let z2n = n;
  if (code(z, n) === DASH) {
    if (z0 !== 0x2b && z0 !== 0x2d) return true;
    let d: number[];
    if (n === 5) {
      d = getDigits(z, 1, [
        [4, 0, 9999, DASH],
        [2, 0, 12, DASH],
        [2, 0, 31, 0],
      ]);
      if (d.length !== 3) return true;
    } else {
      d = getDigits(z, 1, [
        [5, 0, 14712, DASH],
        [2, 0, 12, DASH],
        [2, 0, 31, 0],
      ]);
      if (d.length !== 3) return true;
      z = z.slice(1);
    }
    const [Y, M] = [d[0]!, d[1]!];
    let D = d[2]!;
    if (M >= 12) return true;
    if (D >= 31) return true;
    computeYMD_HMS(p);
    p.validJD = false;
    if (z0 === DASH) {
      p.Y -= Y;
      p.M -= M;
      D = -D;
    } else {
      p.Y += Y;
      p.M += M;
    }
    const x = p.M > 0 ? idiv(p.M - 1, 12) : idiv(p.M - 12, 12);
    p.Y += x;
    p.M -= x * 12;
    computeFloor(p);
    computeJD(p);
    p.validHMS = false;
    p.validYMD = false;
    p.iJD += D * 86400000;
    if (code(z, 11) === 0) return false;
    if (isSpace(code(z, 11)) && getDigits(z, 12, [
      [2, 0, 24, COLON],
      [2, 0, 59, 0],
    ]).length === 2) {
      z2 = z.slice(12);
      z2n = 2;
    } else {
      return true;
    }
  }
  if (code(z2, z2n) === COLON) {
    const tx = newDateTime();
    let start = 0;
    if (!isDigit(code(z2, 0))) start = 1;
    if (parseHhMmSs(z2, start, tx)) return true;
    computeJD(tx);
    tx.iJD -= 43200000;
    const day = Math.trunc(tx.iJD / 86400000);
    tx.iJD -= day * 86400000;
    if (z0 === DASH) tx.iJD = -tx.iJD;
    computeJD(p);
    clearYMD_HMS_TZ(p);
    p.iJD += tx.iJD;
    return false;
  }
  // "+NNN days" and friends
  let rest = z.slice(n);
  let k = 0;
  while (isSpace(code(rest, k))) k++;
  rest = cText(rest.slice(k));
  let len = rest.length;
  if (len < 3 || len > 10) return true;
  if ((rest.charCodeAt(len - 1) | 0x20) === 0x73) len--;
  computeJD(p);
  const rRounder = r < 0 ? -0.5 : 0.5;
  p.nFloor = 0;
  let rc = true;
  const unit = lower(rest.slice(0, len));
  for (let i = 0; i < XFORM.length; i++) {
    const xf = XFORM[i]!;
    if (xf.name.length === len && xf.name === unit && r > -xf.limit && r < xf.limit) {
      if (i === 4) {
        computeYMD_HMS(p);
        p.M += Math.trunc(r);
        const x = p.M > 0 ? idiv(p.M - 1, 12) : idiv(p.M - 12, 12);
        p.Y += x;
        p.M -= x * 12;
        computeFloor(p);
        p.validJD = false;
        r -= Math.trunc(r);
      } else if (i === 5) {
        const y = Math.trunc(r);
        computeYMD_HMS(p);
        p.Y += y;
        computeFloor(p);
        p.validJD = false;
        r -= Math.trunc(r);
      }
      computeJD(p);
      p.iJD += Math.trunc(r * 1000 * xf.xform + rRounder);
      rc = false;
      break;
    }
  }
  clearYMD_HMS_TZ(p);
  return rc;
}

/** Returns the DateTime, or undefined when the arguments do not make a valid time. */
function isDate(ctx: FunctionContext, args: readonly SqlValue[]): DateTime | undefined {
  const p = newDateTime();
  if (args.length === 0) {
    if (setDateTimeToCurrent(ctx, p)) return undefined;
  } else {
    const a0 = args[0]!;
    if (typeof a0 === 'number' || typeof a0 === 'bigint' || a0 instanceof Decimal) {
      setRawDateNumber(p, realValue(a0));
    } else {
      if (a0 === null) return undefined;
      if (parseDateOrTime(ctx, cText(toText(a0)!), p)) return undefined;
    }
  }
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === null) return undefined;
    const z = cText(toText(a)!);
    if (z.length === 0 || parseModifier(z, p, i)) return undefined;
  }
  computeJD(p);
  if (p.isError || !validJulianDay(p.iJD)) return undefined;
  if (args.length === 1 && p.validYMD && p.D > 28) p.validYMD = false;
  return p;
}

/** printf's %0Nd: the sign counts toward the width. */
function pad(n: number, w: number): string {
  const s = String(Math.abs(n));
  const digits = n < 0 ? w - 1 : w;
  return (n < 0 ? '-' : '') + (s.length >= digits ? s : '0'.repeat(digits - s.length) + s);
}

function spacePad(n: number, w: number): string {
  const s = String(n);
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

function ymdText(x: DateTime): string {
  const Y = Math.abs(x.Y);
  const body = pad(Y % 10000, 4) + '-' + pad(x.M % 100, 2) + '-' + pad(x.D % 100, 2);
  return x.Y < 0 ? '-' + body : body;
}

function hmsText(x: DateTime): string {
  let t = pad(x.h % 100, 2) + ':' + pad(x.m % 100, 2) + ':';
  if (x.useSubsec) {
    const s = Math.trunc(1000 * x.s + 0.5);
    t += pad(Math.trunc(s / 1000) % 100, 2) + '.' + pad(s % 1000, 3);
  } else {
    t += pad(Math.trunc(x.s) % 100, 2);
  }
  return t;
}

function daysAfterJan01(x: DateTime): number {
  const jan01 = { ...x };
  jan01.validJD = false;
  jan01.M = 1;
  jan01.D = 1;
  computeJD(jan01);
  return Math.trunc((x.iJD - jan01.iJD + 43200000) / 86400000);
}

function daysAfterMonday(x: DateTime): number {
  return Math.trunc((x.iJD + 43200000) / 86400000) % 7;
}

function daysAfterSunday(x: DateTime): number {
  return Math.trunc((x.iJD + 129600000) / 86400000) % 7;
}

function strftimeImpl(ctx: FunctionContext, args: readonly SqlValue[]): SqlValue {
  if (args.length === 0) return null;
  const f = args[0]!;
  if (f === null) return null;
  const fmt = cText(toText(f)!);
  const x = isDate(ctx, args.slice(1));
  if (!x) return null;
  computeJD(x);
  computeYMD_HMS(x);
  let out = '';
  let j = 0;
  let i = 0;
  for (i = 0; i < fmt.length; i++) {
    if (fmt.charCodeAt(i) !== 0x25) continue;
    if (j < i) out += fmt.slice(j, i);
    i++;
    j = i + 1;
    const cf = fmt[i];
    switch (cf) {
      case 'd':
        out += pad(x.D, 2);
        break;
      case 'e':
        out += spacePad(x.D, 2);
        break;
      case 'f': {
        let s = x.s;
        if (s > 59.999) s = 59.999;
        out += formatFloat(s, 'f', 3, 6, { zeropad: true });
        break;
      }
      case 'F':
        out += pad(x.Y, 4) + '-' + pad(x.M, 2) + '-' + pad(x.D, 2);
        break;
      case 'G':
      case 'g': {
        const y = { ...x };
        y.iJD += (3 - daysAfterMonday(x)) * 86400000;
        y.validYMD = false;
        computeYMD(y);
        out += cf === 'g' ? pad(y.Y % 100, 2) : pad(y.Y, 4);
        break;
      }
      case 'H':
        out += pad(x.h, 2);
        break;
      case 'k':
        out += spacePad(x.h, 2);
        break;
      case 'I':
      case 'l': {
        let h = x.h;
        if (h > 12) h -= 12;
        if (h === 0) h = 12;
        out += cf === 'I' ? pad(h, 2) : spacePad(h, 2);
        break;
      }
      case 'j':
        out += pad(daysAfterJan01(x) + 1, 3);
        break;
      case 'J':
        out += formatFloat(x.iJD / 86400000, 'g', 16, 0, {});
        break;
      case 'm':
        out += pad(x.M, 2);
        break;
      case 'M':
        out += pad(x.m, 2);
        break;
      case 'p':
      case 'P':
        out += x.h >= 12 ? (cf === 'p' ? 'PM' : 'pm') : cf === 'p' ? 'AM' : 'am';
        break;
      case 'R':
        out += pad(x.h, 2) + ':' + pad(x.m, 2);
        break;
      case 's':
        if (x.useSubsec) out += formatFloat((x.iJD - 210866760000000) / 1000, 'f', 3, 0, {});
        else out += String(Math.trunc(x.iJD / 1000) - 210866760000);
        break;
      case 'S':
        out += pad(Math.trunc(x.s), 2);
        break;
      case 'T':
        out += pad(x.h, 2) + ':' + pad(x.m, 2) + ':' + pad(Math.trunc(x.s), 2);
        break;
      case 'u':
      case 'w': {
        let c = daysAfterSunday(x);
        if (c === 0 && cf === 'u') c = 7;
        out += String(c);
        break;
      }
      case 'U':
        out += pad(Math.trunc((daysAfterJan01(x) - daysAfterSunday(x) + 7) / 7), 2);
        break;
      case 'V': {
        const y = { ...x };
        y.iJD += (3 - daysAfterMonday(x)) * 86400000;
        y.validYMD = false;
        computeYMD(y);
        out += pad(Math.trunc(daysAfterJan01(y) / 7) + 1, 2);
        break;
      }
      case 'W':
        out += pad(Math.trunc((daysAfterJan01(x) - daysAfterMonday(x) + 7) / 7), 2);
        break;
      case 'Y':
        out += pad(x.Y, 4);
        break;
      case '%':
        out += '%';
        break;
      default:
        return null;
    }
  }
  if (j < i) out += fmt.slice(j, i);
  return out;
}

function timediffImpl(ctx: FunctionContext, args: readonly SqlValue[]): SqlValue {
  const d1 = isDate(ctx, [args[0]!]);
  if (!d1) return null;
  const d2 = isDate(ctx, [args[1]!]);
  if (!d2) return null;
  computeYMD_HMS(d1);
  computeYMD_HMS(d2);
  let sign: string;
  let Y: number;
  let M: number;
  if (d1.iJD >= d2.iJD) {
    sign = '+';
    Y = d1.Y - d2.Y;
    if (Y) {
      d2.Y = d1.Y;
      d2.validJD = false;
      computeJD(d2);
    }
    M = d1.M - d2.M;
    if (M < 0) {
      Y--;
      M += 12;
    }
    if (M !== 0) {
      d2.M = d1.M;
      d2.validJD = false;
      computeJD(d2);
    }
    while (d1.iJD < d2.iJD) {
      M--;
      if (M < 0) {
        M = 11;
        Y--;
      }
      d2.M--;
      if (d2.M < 1) {
        d2.M = 12;
        d2.Y--;
      }
      d2.validJD = false;
      computeJD(d2);
    }
    d1.iJD -= d2.iJD;
    d1.iJD += 1486995408 * 100000;
  } else {
    sign = '-';
    Y = d2.Y - d1.Y;
    if (Y) {
      d2.Y = d1.Y;
      d2.validJD = false;
      computeJD(d2);
    }
    M = d2.M - d1.M;
    if (M < 0) {
      Y--;
      M += 12;
    }
    if (M !== 0) {
      d2.M = d1.M;
      d2.validJD = false;
      computeJD(d2);
    }
    while (d1.iJD > d2.iJD) {
      M--;
      if (M < 0) {
        M = 11;
        Y--;
      }
      d2.M++;
      if (d2.M > 12) {
        d2.M = 1;
        d2.Y++;
      }
      d2.validJD = false;
      computeJD(d2);
    }
    d1.iJD = d2.iJD - d1.iJD;
    d1.iJD += 1486995408 * 100000;
  }
  clearYMD_HMS_TZ(d1);
  computeYMD_HMS(d1);
  return sign + pad(Y, 4) + '-' + pad(M, 2) + '-' + pad(d1.D - 1, 2) + ' ' + pad(d1.h, 2) + ':' + pad(d1.m, 2) + ':' + formatFloat(d1.s, 'f', 3, 6, { zeropad: true });
}

function dateFn(name: string, impl: (ctx: FunctionContext, args: readonly SqlValue[]) => SqlValue, minArgs = 0, maxArgs = -1): ScalarFunction {
  return { name, minArgs, maxArgs, deterministic: false, call: (args, ctx) => impl(ctx, args) };
}

function dateImpl(ctx: FunctionContext, args: readonly SqlValue[]): SqlValue {
  const x = isDate(ctx, args);
  if (!x) return null;
  computeYMD(x);
  return ymdText(x);
}

function timeImpl(ctx: FunctionContext, args: readonly SqlValue[]): SqlValue {
  const x = isDate(ctx, args);
  if (!x) return null;
  computeHMS(x);
  return hmsText(x);
}

function datetimeImpl(ctx: FunctionContext, args: readonly SqlValue[]): SqlValue {
  const x = isDate(ctx, args);
  if (!x) return null;
  computeYMD_HMS(x);
  return ymdText(x) + ' ' + hmsText(x);
}

export const dateTimeFunctions: ScalarFunction[] = [
  dateFn('julianday', (ctx, args) => {
    const x = isDate(ctx, args);
    if (!x) return null;
    computeJD(x);
    return x.iJD / 86400000;
  }),
  dateFn('unixepoch', (ctx, args) => {
    const x = isDate(ctx, args);
    if (!x) return null;
    computeJD(x);
    if (x.useSubsec) return (x.iJD - 210866760000000) / 1000;
    return BigInt(Math.trunc(x.iJD / 1000) - 210866760000);
  }),
  dateFn('date', dateImpl),
  dateFn('time', timeImpl),
  dateFn('datetime', datetimeImpl),
  dateFn('strftime', strftimeImpl),
  dateFn('timediff', timediffImpl, 2, 2),
  dateFn('current_date', (ctx) => dateImpl(ctx, []), 0, 0),
  dateFn('current_time', (ctx) => timeImpl(ctx, []), 0, 0),
  dateFn('current_timestamp', (ctx) => datetimeImpl(ctx, []), 0, 0),
];

