/**
 * Text ↔ number conversions exactly as SQLite 3.5x performs them: `sqlite3AtoF` (text → REAL,
 * with its 19-digit mantissa and its own decimal→binary conversion), `sqlite3Atoi64` (text →
 * INTEGER with saturation), and `sqlite3FpDecode` (REAL → decimal digits, used by every REAL
 * → text conversion and by printf). Ported from the SQLite amalgamation that better-sqlite3
 * bundles so that results agree bit for bit; 64/128-bit steps use BigInt.
 *
 * Results of the parsers are returned through the module-level `numResult` object to keep the
 * per-row paths free of allocation.
 */

/** Out-parameters of `atof` (`real`) and `atoi64` (`int`). */
export const numResult: { real: number; int: bigint } = { real: 0, int: 0n };

const U64 = (1n << 64n) - 1n;
const U64_MAX_LESS_9_DIV_10 = 1844674407370955160n; // (LARGEST_UINT64-9)/10
const TWO53 = 9007199254740992;

/** SQLite's `sqlite3Isspace`: TAB, LF, VT, FF, CR and SPACE. */
export function isSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// ---------------------------------------------------------------------------------------------
// Powers of ten (port of powerOfTen() and friends)

const aBase: bigint[] = [
  0x8000000000000000n, 0xa000000000000000n, 0xc800000000000000n, 0xfa00000000000000n,
  0x9c40000000000000n, 0xc350000000000000n, 0xf424000000000000n, 0x9896800000000000n,
  0xbebc200000000000n, 0xee6b280000000000n, 0x9502f90000000000n, 0xba43b74000000000n,
  0xe8d4a51000000000n, 0x9184e72a00000000n, 0xb5e620f480000000n, 0xe35fa931a0000000n,
  0x8e1bc9bf04000000n, 0xb1a2bc2ec5000000n, 0xde0b6b3a76400000n, 0x8ac7230489e80000n,
  0xad78ebc5ac620000n, 0xd8d726b7177a8000n, 0x878678326eac9000n, 0xa968163f0a57b400n,
  0xd3c21bcecceda100n, 0x84595161401484a0n, 0xa56fa5b99019a5c8n,
];
const aScale: bigint[] = [
  0x8049a4ac0c5811aen, 0xcf42894a5dce35ean, 0xa76c582338ed2621n, 0x873e4f75e2224e68n,
  0xda7f5bf590966848n, 0xb080392cc4349decn, 0x8e938662882af53en, 0xe65829b3046b0afan,
  0xba121a4650e4ddebn, 0x964e858c91ba2655n, 0xf2d56790ab41c2a2n, 0xc428d05aa4751e4cn,
  0x9e74d1b791e07e48n, 0xccccccccccccccccn, 0xcecb8f27f4200f3an, 0xa70c3c40a64e6c51n,
  0x86f0ac99b4e8dafdn, 0xda01ee641a708de9n, 0xb01ae745b101e9e4n, 0x8e41ade9fbebc27dn,
  0xe5d3ef282a242e81n, 0xb9a74a0637ce2ee1n, 0x95f83d0a1fb69cd9n, 0xf24a01a73cf2dccfn,
  0xc3b8358109e84f07n, 0x9e19db92b4e31ba9n,
];
const aScaleLo: number[] = [
  0x205b896d, 0x52064cad, 0xaf2af2b8, 0x5a7744a7, 0xaf39a475, 0xbd8d794e, 0x547eb47b,
  0x0cb4a5a3, 0x92f34d62, 0x3a6a07f9, 0xfae27299, 0xaa97e14c, 0x775ea265, 0xcccccccc,
  0x00000000, 0x999090b6, 0x69a028bb, 0xe80e6f48, 0x5ec05dd0, 0x14588f14, 0x8f1668c9,
  0x6d953e2c, 0x4abdaf10, 0xbc633b39, 0x0a862f81, 0x6c07a2c2,
];

const pow10Cache = new Map<number, [bigint, number]>();

/** Most significant 64 bits of 10^p and the next 32 bits (port of powerOfTen()). */
function powerOfTen(p: number): [bigint, number] {
  const hit = pow10Cache.get(p);
  if (hit) return hit;
  let res: [bigint, number];
  let g: number;
  let n: number;
  if (p < 0) {
    if (p === -1) {
      res = [aScale[13]!, aScaleLo[13]!];
      pow10Cache.set(p, res);
      return res;
    }
    g = Math.trunc(p / 27);
    n = p % 27;
    if (n) {
      g--;
      n += 27;
    }
  } else if (p < 27) {
    res = [aBase[p]!, 0];
    pow10Cache.set(p, res);
    return res;
  } else {
    g = Math.trunc(p / 27);
    n = p % 27;
  }
  const s = aScale[g + 13]!;
  if (n === 0) {
    res = [s, aScaleLo[g + 13]!];
  } else {
    // sqlite3Multiply160(s, aScaleLo[g+13], aBase[n], &lo)
    const b = aBase[n]!;
    const r = s * b + ((BigInt(aScaleLo[g + 13]!) * b) >> 32n);
    let lo = Number((r >> 32n) & 0xffffffffn);
    let x = (r >> 64n) & U64;
    if ((x & (1n << 63n)) === 0n) {
      x = ((x << 1n) | BigInt((lo >>> 31) & 1)) & U64;
      lo = ((lo << 1) | 1) >>> 0;
    }
    res = [x, lo];
  }
  pow10Cache.set(p, res);
  return res;
}

function pwr10to2(p: number): number {
  return (p * 108853) >> 15;
}
function pwr2to10(p: number): number {
  return (p * 78913) >> 18;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

const f64 = new Float64Array(1);
const u64view = new BigUint64Array(f64.buffer);

/** The IEEE754 double approximating d·10^p (port of sqlite3Fp10Convert2). d > 0. */
export function fp10Convert2(d: bigint, p: number): number {
  if (p < -348) return 0;
  if (p > 347) return Infinity;
  const b = bitLength(d);
  const lp = pwr10to2(p);
  let e = 53 - b - lp;
  if (e > 1074) {
    if (e >= 1130) return 0;
    e = 1074;
  }
  const s = -(e - (64 - b) + lp + 3);
  const pw = powerOfTen(p);
  let pwr10h = pw[0];
  let pwr10l = pw[1];
  if (pwr10l !== 0) {
    pwr10h = (pwr10h + 1n) & U64;
    pwr10l = ~pwr10l >>> 0;
  }
  const x = (d << BigInt(64 - b)) & U64;
  const prod = x * pwr10h;
  let hi = prod >> 64n;
  const mid1 = Number((prod & U64) >> 32n);
  let sticky = 1n;
  if ((hi & ((1n << BigInt(s)) - 1n)) === 0n) {
    const mid2 = Number(((x * (BigInt(pwr10l) << 32n)) >> 64n) >> 32n) >>> 0;
    sticky = ((mid1 - mid2) >>> 0) > 1 ? 1n : 0n;
    if (mid1 < mid2) hi -= 1n;
  }
  let u = (hi >> BigInt(s)) | sticky;
  if (u >= (1n << 55n) - 2n) {
    u = (u >> 1n) | (u & 1n);
    e -= 1;
  }
  let m = (u + 1n + ((u >> 2n) & 1n)) >> 2n;
  if (e <= -972) return Infinity;
  if ((m & (1n << 52n)) !== 0n) {
    m = (m & ~(1n << 52n)) | (BigInt(1075 - e) << 52n);
  }
  u64view[0] = m & U64;
  return f64[0]!;
}

const exactPow10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** d·10^p as SQLite computes it; exact fast path when d < 2^53 and |p| ≤ 22. */
function toDouble(sNum: number, sBig: bigint | null, p: number): number {
  if (sBig === null) {
    if (p === 0) return sNum;
    // one correctly rounded operation on exact operands
    if (p > 0 && p <= 22) return sNum * exactPow10[p]!;
    if (p < 0 && p >= -22) return sNum / exactPow10[-p]!;
    return fp10Convert2(BigInt(sNum), p);
  }
  return fp10Convert2(sBig, p);
}

// ---------------------------------------------------------------------------------------------
// sqlite3AtoF

/**
 * Parse text as a REAL the way `sqlite3AtoF` does; the value goes to `numResult.real`.
 *
 * Returns positive when the whole text (ignoring surrounding whitespace) is a number, zero
 * when no prefix is a number, negative when only a prefix is. Bit 1 (`rc & 2`) is set when the
 * number has a decimal point or an exponent; bit 2 when it is exactly zero; bit 3 when it has
 * more than about 19 significant digits. A NUL character ends the text, as in C.
 */
export function atof(z: string): number {
  const len = z.length;
  let i = 0;
  let neg = false;
  let sNum = 0; // mantissa while < 2^53
  let sBig: bigint | null = null; // mantissa once it no longer fits
  let d = 0;
  let mState = 0;
  let c = i < len ? z.charCodeAt(i) : 0;
  // leading whitespace and sign
  while (isSpaceCode(c)) c = ++i < len ? z.charCodeAt(i) : 0;
  let haveInt = false;
  if (isDigitCode(c)) {
    haveInt = true;
  } else if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    c = ++i < len ? z.charCodeAt(i) : 0;
    if (isDigitCode(c)) haveInt = true;
  }
  if (haveInt) {
    mState = 1;
    // integer part: s = s*10 + v until s >= (2^64-1-9)/10
    for (;;) {
      const v = c - 0x30;
      if (sBig === null) {
        const t = sNum * 10 + v;
        if (t < TWO53) sNum = t;
        else sBig = BigInt(sNum) * 10n + BigInt(v);
      } else {
        sBig = sBig * 10n + BigInt(v);
      }
      c = ++i < len ? z.charCodeAt(i) : 0;
      if (sBig !== null && sBig >= U64_MAX_LESS_9_DIV_10) {
        mState = 9;
        while (isDigitCode(c)) {
          d++;
          c = ++i < len ? z.charCodeAt(i) : 0;
        }
        break;
      }
      if (!isDigitCode(c)) break;
    }
  }
  if (c === 0x2e) {
    c = ++i < len ? z.charCodeAt(i) : 0;
    if (isDigitCode(c)) {
      mState |= 1;
      do {
        if (sBig === null || sBig < U64_MAX_LESS_9_DIV_10) {
          const v = c - 0x30;
          if (sBig === null) {
            const t = sNum * 10 + v;
            if (t < TWO53) sNum = t;
            else sBig = BigInt(sNum) * 10n + BigInt(v);
          } else {
            sBig = sBig * 10n + BigInt(v);
          }
          d--;
        } else {
          mState = 11;
        }
        c = ++i < len ? z.charCodeAt(i) : 0;
      } while (isDigitCode(c));
    } else if (mState === 0) {
      numResult.real = 0;
      return 0;
    }
    mState |= 2;
  } else if (mState === 0) {
    numResult.real = 0;
    return 0;
  }
  if (c === 0x65 || c === 0x45) {
    const save = i;
    c = ++i < len ? z.charCodeAt(i) : 0;
    let esign = 1;
    if (c === 0x2d) {
      esign = -1;
      c = ++i < len ? z.charCodeAt(i) : 0;
    } else if (c === 0x2b) {
      c = ++i < len ? z.charCodeAt(i) : 0;
    }
    if (isDigitCode(c)) {
      let exp = c - 0x30;
      c = ++i < len ? z.charCodeAt(i) : 0;
      mState |= 2;
      while (isDigitCode(c)) {
        exp = exp < 10000 ? exp * 10 + (c - 0x30) : 10000;
        c = ++i < len ? z.charCodeAt(i) : 0;
      }
      d += esign * exp;
    } else {
      // leave the cursor on a non-space character so the result is "prefix only"
      i = save;
      c = z.charCodeAt(i);
    }
  }
  let r: number;
  if (sBig === null && sNum === 0) {
    r = 0;
    mState |= 4;
  } else {
    r = toDouble(sNum, sBig, d);
  }
  numResult.real = neg ? -r : r;
  if (c === 0) return mState;
  if (isSpaceCode(c)) {
    do c = ++i < len ? z.charCodeAt(i) : 0;
    while (isSpaceCode(c));
    if (c === 0) return mState;
  }
  return -16 | mState;
}

// ---------------------------------------------------------------------------------------------
// sqlite3Atoi64

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * Parse text as a 64-bit INTEGER the way `sqlite3Atoi64` does; the value (saturated on
 * overflow) goes to `numResult.int`. Returns -1 when there are no digits, 0 on success, 1 when
 * non-space text follows the integer, 2 on overflow, 3 for exactly 9223372036854775808.
 */
export function atoi64(z: string): number {
  const len = z.length;
  let i = 0;
  while (i < len && isSpaceCode(z.charCodeAt(i))) i++;
  let neg = false;
  if (i < len) {
    const c = z.charCodeAt(i);
    if (c === 0x2d) {
      neg = true;
      i++;
    } else if (c === 0x2b) {
      i++;
    }
  }
  const zStart = i;
  while (i < len && z.charCodeAt(i) === 0x30) i++;
  const digStart = i;
  while (i < len && isDigitCode(z.charCodeAt(i))) i++;
  const nDig = i - digStart;
  let rc = 0;
  if (nDig === 0 && zStart === digStart) {
    rc = -1;
  } else if (i < len) {
    for (let j = i; j < len; j++) {
      if (!isSpaceCode(z.charCodeAt(j))) {
        rc = 1;
        break;
      }
    }
  }
  if (nDig < 16) {
    let v = 0;
    for (let j = digStart; j < i; j++) v = v * 10 + (z.charCodeAt(j) - 0x30);
    numResult.int = BigInt(neg ? -v : v);
    return rc;
  }
  const u = BigInt(z.slice(digStart, i));
  if (nDig < 19) {
    numResult.int = neg ? -u : u;
    return rc;
  }
  // 19 or more digits: compare against 2^63
  const two63 = 1n << 63n;
  const cmp = nDig > 19 ? 1 : u < two63 ? -1 : u > two63 ? 1 : 0;
  if (cmp < 0) {
    numResult.int = neg ? -u : u;
    return rc;
  }
  numResult.int = neg ? INT64_MIN : INT64_MAX;
  if (cmp > 0) return 2;
  return neg ? rc : 3;
}

/**
 * `sqlite3DecOrHexToI64`: like `atoi64` but also accepts `0x…` hexadecimal (up to 16 digits).
 * Returns 0 on success, 1 for trailing text, 2 for overflow, 3 for 9223372036854775808.
 */
export function decOrHexToI64(z: string): number {
  if (z.charCodeAt(0) === 0x30 && (z.charCodeAt(1) === 0x78 || z.charCodeAt(1) === 0x58)) {
    let i = 2;
    while (z.charCodeAt(i) === 0x30) i++;
    let k = i;
    let u = 0n;
    while (k < z.length && isXDigitCode(z.charCodeAt(k))) {
      u = (u * 16n + BigInt(hexValue(z.charCodeAt(k)))) & U64;
      k++;
    }
    numResult.int = BigInt.asIntN(64, u);
    if (k - i > 16) return 2;
    if (k < z.length && z.charCodeAt(k) !== 0) return 1;
    return 0;
  }
  let n = 0;
  while (n < z.length && '+- \n\t0123456789'.includes(z[n]!)) n++;
  if (n < z.length) n++;
  return atoi64(z.slice(0, n));
}

export function isXDigitCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c & 0x0f) + 9;
}

// ---------------------------------------------------------------------------------------------
// Double → decimal digits (sqlite3FpDecode)

/** A REAL decoded into decimal digits: value = 0.DIGITS × 10^iDP, with the sign apart. */
export interface FpDecoded {
  /** '+' or '-' */
  sign: string;
  /** 0 normal, 1 infinity, 2 NaN */
  isSpecial: number;
  /** Significant digits, no trailing zeros (except the single digit "0"). */
  digits: string;
  /** Position of the decimal point relative to the first digit. */
  iDP: number;
}

const MANT_MASK = (1n << 52n) - 1n;

/** Port of sqlite3Fp2Convert10: r = m·2^e ≈ D·10^P with at least n digits. */
function fp2Convert10(m: bigint, e: number, n: number): [bigint, number] {
  const p = n - 1 - pwr2to10(e + 63);
  const h0 = (m * powerOfTen(p)[0]) >> 64n;
  let dd: bigint;
  if (n === 18) {
    const h = h0 >> BigInt(-(e + pwr10to2(p) + 2));
    dd = (h + ((h << 1n) & 2n)) >> 1n;
  } else {
    dd = h0 >> BigInt(-(e + pwr10to2(p) + 1));
  }
  return [dd, -p];
}

/**
 * Decode a double into decimal digits as `sqlite3FpDecode(p, r, iRound, mxRound)` does.
 * iRound ≤ 0: round to -iRound digits after the decimal point; iRound > 0: to iRound
 * significant digits; never more than mxRound significant digits.
 */
export function fpDecode(r: number, iRound: number, mxRound: number): FpDecoded {
  let sign = '+';
  if (r < 0) {
    sign = '-';
    r = -r;
  } else if (r === 0) {
    return { sign: '+', isSpecial: 0, digits: '0', iDP: 1 };
  }
  f64[0] = r;
  let v = u64view[0]!;
  let e = Number((v >> 52n) & 0x7ffn);
  if (e === 0x7ff) {
    return { sign, isSpecial: v !== 0x7ff0000000000000n ? 2 : 1, digits: '', iDP: 0 };
  }
  v &= MANT_MASK;
  if (e === 0) {
    const nn = 64 - bitLength(v);
    v = (v << BigInt(nn)) & U64;
    e = -1074 - nn;
  } else {
    v = ((v << 11n) | (1n << 63n)) & U64;
    e -= 1086;
  }
  const [dv, exp] = fp2Convert10(v, e, iRound <= 0 || iRound >= 18 ? 18 : iRound + 1);
  // digits as an array of char codes so that rounding can carry
  const z: number[] = [];
  for (const ch of dv.toString()) z.push(ch.charCodeAt(0));
  let n = z.length;
  let iDP = n + exp;
  if (iRound <= 0) {
    iRound = iDP - iRound;
    if (iRound === 0 && z[0]! >= 0x35) {
      iRound = 1;
      z.unshift(0x30);
      n++;
      iDP++;
    }
  }
  if (iRound > 0 && (iRound < n || n > mxRound)) {
    if (iRound > mxRound) iRound = mxRound;
    if (iRound === 17) {
      if (z[15] === 0x39 && z[14] === 0x39) {
        let jj = 14;
        while (jj > 0 && z[jj - 1] === 0x39) jj--;
        let v2: bigint;
        if (jj === 0) {
          v2 = 1n;
        } else {
          v2 = BigInt(String.fromCharCode(...z.slice(0, jj))) + 1n;
        }
        if (r === fp10Convert2(v2, exp + n - jj)) iRound = jj + 1;
      } else if (iDP >= n || (z[15] === 0x30 && z[14] === 0x30 && z[13] === 0x30)) {
        let jj = 13;
        while (z[jj - 1] === 0x30) jj--;
        const v2 = BigInt(String.fromCharCode(...z.slice(0, jj)));
        if (r === fp10Convert2(v2, exp + n - jj)) iRound = jj + 1;
      }
    }
    n = iRound;
    if (z[iRound]! >= 0x35) {
      let j = iRound - 1;
      for (;;) {
        z[j]!++;
        if (z[j]! <= 0x39) break;
        z[j] = 0x30;
        if (j === 0) {
          z.unshift(0x31);
          n++;
          iDP++;
          break;
        }
        j--;
      }
    }
  }
  while (n > 1 && z[n - 1] === 0x30) n--;
  return { sign, isSpecial: 0, digits: String.fromCharCode(...z.slice(0, n)), iDP };
}
