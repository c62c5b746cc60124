/**
 * UTF-8 helpers for values: SQLite stores TEXT as UTF-8, so lengths, byte offsets, `hex()`,
 * casts between TEXT and BLOB and printf widths are all defined on UTF-8 bytes.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as SQLite receives them). */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A byte sequence read as UTF-8 text; invalid sequences become U+FFFD. */
export function utf8Decode(b: Uint8Array): string {
  // fast path for short ASCII
  if (b.length < 64) {
    let ascii = true;
    for (let i = 0; i < b.length; i++) {
      if (b[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...b);
  }
  return decoder.decode(b);
}

/** Number of UTF-8 bytes of a string, without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    } else n += 3;
  }
  return n;
}

/** Number of characters (code points) of a string. */
export function codePointLength(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Index (in UTF-16 units) just after `count` code points starting at `from`. */
export function advanceCodePoints(s: string, from: number, count: number): number {
  let i = from;
  const len = s.length;
  while (count > 0 && i < len) {
    const c = s.charCodeAt(i);
    i++;
    if (c >= 0xd800 && c <= 0xdbff && i < len) {
      const d = s.charCodeAt(i);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count--;
  }
  return i;
}

/**
 * Compare two strings by UTF-8 byte order (= code point order), which is SQLite's BINARY
 * collation. JS `<` compares UTF-16 units, which differs for characters above U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa === sb) return ca < cb ? -1 : 1;
      // a surrogate (part of a character ≥ U+10000) sorts after every BMP character
      return sa ? 1 : -1;
    }
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** memcmp order of two byte arrays, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
