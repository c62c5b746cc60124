/**
 * Byte helpers of the key and row codecs: UTF-8 encoding and decoding, tuned for the short strings of table
 * cells: a hand-written loop below a length threshold (no allocation, no native call), the
 * platform's `TextEncoder.encodeInto` / `TextDecoder` above it.
 *
 * Encoding follows `TextEncoder`: a lone surrogate becomes U+FFFD. Decoding is strict (invalid
 * UTF-8 throws) and keeps a leading U+FEFF (no BOM stripping).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strings longer than this (in UTF-16 units) go through `TextEncoder.encodeInto`. */
const SHORT_ENCODE = 64;
/** Byte runs longer than this go through `TextDecoder`. */
const SHORT_DECODE = 48;

/**
 * Write the UTF-8 of `s` into `buf` at `pos` and return the position after it. The caller
 * guarantees `buf.length >= pos + 3 * s.length`.
 */
export function writeUtf8(s: string, buf: Uint8Array, pos: number): number {
  const n = s.length;
  if (n > SHORT_ENCODE) return pos + encoder.encodeInto(s, buf.subarray(pos)).written;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      const c2 = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && c2 >= 0xdc00 && c2 <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
        buf[pos++] = 0xf0 | (cp >> 18);
        buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[pos++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        buf[pos++] = 0xef; // lone surrogate → U+FFFD, as TextEncoder does
        buf[pos++] = 0xbf;
        buf[pos++] = 0xbd;
      }
    }
  }
  return pos;
}

/** The UTF-8 length of `s` (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  const n = s.length;
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c < 0xd800 || c > 0xdfff) len += 2;
    else {
      const c2 = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && c2 >= 0xdc00 && c2 <= 0xdfff) {
        len += 2; // 2 units → 4 bytes
        i++;
      } else len += 2;
    }
  }
  return len;
}

/**
 * A fresh plain `Uint8Array` holding `b[start, end)` (never a view, even when `b` is a Node
 * `Buffer`, whose `slice` shares memory).
 */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  const out = new Uint8Array(n);
  if (n <= 32) for (let i = 0; i < n; i++) out[i] = b[start + i]!;
  else out.set(b.subarray(start, end));
  return out;
}

/**
 * Decode `buf[start, end)` as UTF-8. Throws `TypeError` on invalid UTF-8 (callers wrap it in
 * their `DecodeError`).
 */
export function readUtf8(buf: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= SHORT_DECODE) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return decoder.decode(buf.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(start, end));
}
