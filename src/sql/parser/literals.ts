/**
 * Decoding of literal and name tokens into values, the way SQLite reads them:
 * integers as 64-bit (too large → REAL), hex as 64-bit two's complement, reals as doubles,
 * strings with '' escapes, X'..' blobs, and quoted identifiers ("x", `x`, [x]).
 */
import type { Token } from 'antlr4ng';
import { SqlSyntaxError } from '../../errors/index.js';
import { HeliosSQLLexer as L } from '../grammar/generated/HeliosSQLLexer.js';

const INT64_MAX = 9223372036854775807n;

export function tokenPosition(token: Token, text?: string): { line: number; column: number; offset: number; token?: string } {
  const pos: { line: number; column: number; offset: number; token?: string } = {
    line: token.line,
    column: token.column + 1,
    offset: token.start,
  };
  if (text !== undefined) pos.token = text;
  return pos;
}

/** A decimal numeric literal: bigint when integral and within int64, else a number. */
export function decodeNumber(text: string): bigint | number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number(text); // '.', 'e', 'E' → REAL
  }
  if (text.length < 19) return BigInt(text);
  const n = BigInt(text);
  return n > INT64_MAX ? Number(text) : n;
}

/** A hex literal `0x…`: up to 16 significant digits, read as a 64-bit two's complement integer. */
export function decodeHex(token: Token, text: string): bigint {
  let i = 2;
  while (i < text.length - 1 && text.charCodeAt(i) === 48) i++;
  if (text.length - i > 16) {
    throw new SqlSyntaxError(`hex literal too big: ${text}`, tokenPosition(token, text));
  }
  return BigInt.asIntN(64, BigInt(text));
}

/** A string literal with its quotes; `''` stands for one quote. */
export function decodeString(text: string): string {
  const inner = text.slice(1, -1);
  return inner.includes("''") ? inner.replaceAll("''", "'") : inner;
}

/** An `X'…'` blob literal (the lexer guarantees an even number of hex digits). */
export function decodeBlob(text: string): Uint8Array {
  const hex = text.slice(2, -1);
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The name an identifier token stands for: quotes removed, spelling kept. */
export function decodeIdentifier(token: Token): string {
  const text = token.text ?? '';
  switch (token.type) {
    case L.QUOTED_IDENTIFIER: {
      const inner = text.slice(1, -1);
      return inner.includes('""') ? inner.replaceAll('""', '"') : inner;
    }
    case L.BACKTICK_IDENTIFIER: {
      const inner = text.slice(1, -1);
      return inner.includes('``') ? inner.replaceAll('``', '`') : inner;
    }
    case L.BRACKET_IDENTIFIER:
      return text.slice(1, -1);
    case L.STRING_LITERAL:
      return decodeString(text);
    default:
      return text;
  }
}
