/**
 * The encoding of a row's non-key cells (the value of a table entry), and of keyless tables'
 * keys and values.
 *
 * A cell is keyed by its column's tag (a small non-negative integer given when the column is
 * created and never reused), so adding, renaming or reordering columns rewrites no row, and
 * three-way merge compares cells by tag. NULL cells are not stored, except as EXPLICIT NULL cells
 * (type 0) for the tags a caller lists in `nullTags`. Cells are sorted by tag, so equal rows have
 * equal bytes (canonical).
 *
 * Explicit NULL cells exist for columns added by `ALTER TABLE … ADD COLUMN … DEFAULT <constant>`:
 * rows written before the column existed (on any branch) lack its cell and read as
 * the column's recorded `missingValue` (schema.ts), so a NULL written afterwards must be stored.
 * This codec knows nothing of schemas; the canonical rule lives with the caller (the SQL
 * storage layer, `TableInfo`): for a column with a missing value m, a value identical to m is
 * written ABSENT, NULL is written as an explicit NULL cell (its tag in `nullTags`), anything else
 * as a normal cell; for every other column NULL is absent. So one logical row has one encoding,
 * whether it was written before or after the ALTER (old rows are never rewritten), and a keyless
 * table's row hash is the same for an old row and an equal new one. Explicit NULL cells are never
 * written for a tag the caller does not list.
 *
 * Row value, format 1:
 *
 *   01                      format byte (row, version 1)
 *   cell*                   ascending by tag
 *
 * Keyless value, format 1 (same cells, plus how many identical rows the entry stands for):
 *
 *   81                      format byte (keyless value, version 1)
 *   varint count            ≥ 1
 *   cell*
 *
 * Cell:
 *
 *   varint H                H = (tag − previous tag − 1) × 8 + type; previous tag starts at −1
 *   payload                 by type:
 *     1 INTEGER  varint zigzag(v)            for −2^52 ≤ v < 2^52
 *     2 INTEGER  8 bytes, big-endian two's complement (any other 64-bit value)
 *     3 REAL     8 bytes, IEEE 754 big-endian (-0, ±Infinity kept exactly; NaN is refused)
 *     4 TEXT     varint byte length, UTF-8 bytes
 *     5 BLOB     varint byte length, bytes
 *     6 DECIMAL  varint scale, varint zigzag(coefficient)   for |coefficient| < 2^52
 *     7 DECIMAL  varint scale, varint (n × 2 + sign), n bytes of |coefficient| big-endian
 *     0 NULL     no payload: an explicit NULL cell (see above); format-1 rows written before
 *                this extension never contain it, so they read as before
 *
 * varint: unsigned LEB128 (7 bits per byte, low group first, high bit = more), at most 8
 * bytes (values < 2^53). zigzag(v) = 2v for v ≥ 0, −2v − 1 for v < 0.
 *
 * `decodeRow`, `decodeRowInto` and `getCell` read both formats. `decodeRow` reports explicit NULL
 * cells in `nullTags` (not in `tags`/`values`), so `encodeRow(tags, values, nullTags)` gives the
 * same bytes back; `decodeRowInto` writes null to their slots; `getCell` returns null for both an
 * absent and an explicit NULL cell. The keyless key is
 * `sha256(encodeRow(tags, values))` (32 bytes): it covers the non-NULL cells only, so adding a
 * column (NULL in existing rows) changes no key.
 *
 * Types round-trip exactly: `bigint` (signed 64-bit), `number` (including -0 and ±Infinity),
 * `string` (lone surrogates become U+FFFD, as in every UTF-8 store), `Uint8Array` (decoded as a
 * fresh copy), `Decimal` (coefficient and scale). Malformed bytes raise `DecodeError`.
 */
import { DecodeError } from '../errors/index.js';
import { sha256 } from '../hash/index.js';
import { Decimal } from './decimal.js';
import type { SqlValue } from './value.js';
import { copyBytes, readUtf8, utf8Length, writeUtf8 } from './codec-utf8.js';

/** Format byte of a row value. */
export const ROW_FORMAT_V1 = 0x01;
/** Format byte of a keyless table's value. */
export const KEYLESS_FORMAT_V1 = 0x81;
/** Length of a keyless table's key in bytes. */
export const KEYLESS_KEY_LENGTH = 32;
/** Largest column tag. */
export const MAX_COLUMN_TAG = 0x7fffffff;

const TY_NULL = 0;
const TY_INT_VAR = 1;
const TY_INT64 = 2;
const TY_REAL = 3;
const TY_TEXT = 4;
const TY_BLOB = 5;
const TY_DEC_VAR = 6;
const TY_DEC_BIG = 7;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const VAR_MIN = -(2n ** 52n);
const VAR_MAX = 2n ** 52n - 1n;
const TWO52 = 4503599627370496;

// ---------------------------------------------------------------------------------------------
// Output buffer.

let buf = new Uint8Array(1024);
let view = new DataView(buf.buffer);

function ensure(pos: number, extra: number): void {
  const need = pos + extra;
  if (need <= buf.length) return;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
}

/** Write an unsigned varint (`x` a non-negative safe integer). Needs 8 bytes of room. */
function writeVarint(pos: number, x: number): number {
  while (x >= 0x80) {
    buf[pos++] = (x % 0x80) | 0x80;
    x = Math.floor(x / 0x80);
  }
  buf[pos] = x;
  return pos + 1;
}

function varintSize(x: number): number {
  let n = 1;
  while (x >= 0x80) {
    x = Math.floor(x / 0x80);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Encoding.

function checkTag(tag: number): void {
  if (!Number.isInteger(tag) || tag < 0 || tag > MAX_COLUMN_TAG) {
    throw new TypeError(`A column tag must be an integer from 0 to ${MAX_COLUMN_TAG}, got ${tag}`);
  }
}

/** Marks an explicit NULL cell among the values handed to `writeCells`. */
const NULL_CELL = Symbol('explicit NULL cell');
type CellValue = SqlValue | typeof NULL_CELL;

/** Write one non-NULL cell (or an explicit NULL cell); `delta` = tag − previous tag − 1. */
function writeCell(pos: number, delta: number, v: CellValue): number {
  const hdr = delta * 8;
  switch (typeof v) {
    case 'symbol':
      ensure(pos, 10);
      return writeVarint(pos, hdr + TY_NULL);
    case 'bigint': {
      ensure(pos, 20);
      if (v >= VAR_MIN && v <= VAR_MAX) {
        const n = Number(v);
        pos = writeVarint(pos, hdr + TY_INT_VAR);
        return writeVarint(pos, n >= 0 ? n * 2 : -n * 2 - 1);
      }
      if (v < INT64_MIN || v > INT64_MAX) throw new TypeError(`INTEGER ${v} is outside the 64-bit range`);
      pos = writeVarint(pos, hdr + TY_INT64);
      view.setBigInt64(pos, v);
      return pos + 8;
    }
    case 'number': {
      if (v !== v) throw new TypeError('NaN is not a SQL value');
      ensure(pos, 20);
      pos = writeVarint(pos, hdr + TY_REAL);
      view.setFloat64(pos, v);
      return pos + 8;
    }
    case 'string': {
      const n = v.length;
      ensure(pos, 20 + 3 * n);
      pos = writeVarint(pos, hdr + TY_TEXT);
      if (n < 43) {
        // At most 126 bytes: the length fits one varint byte; fill it in afterwards.
        const end = writeUtf8(v, buf, pos + 1);
        buf[pos] = end - pos - 1;
        return end;
      }
      const len = utf8Length(v);
      pos = writeVarint(pos, len);
      return writeUtf8(v, buf, pos);
    }
    case 'object': {
      if (v instanceof Uint8Array) {
        const n = v.length;
        ensure(pos, 20 + n);
        pos = writeVarint(pos, hdr + TY_BLOB);
        pos = writeVarint(pos, n);
        buf.set(v, pos);
        return pos + n;
      }
      if (v instanceof Decimal) {
        const c = v.coef;
        if (c >= VAR_MIN && c <= VAR_MAX) {
          ensure(pos, 30);
          const n = Number(c);
          pos = writeVarint(pos, hdr + TY_DEC_VAR);
          pos = writeVarint(pos, v.scale);
          return writeVarint(pos, n >= 0 ? n * 2 : -n * 2 - 1);
        }
        const neg = c < 0n;
        let hex = (neg ? -c : c).toString(16);
        if (hex.length & 1) hex = '0' + hex;
        const nbytes = hex.length / 2;
        ensure(pos, 30 + nbytes);
        pos = writeVarint(pos, hdr + TY_DEC_BIG);
        pos = writeVarint(pos, v.scale);
        pos = writeVarint(pos, nbytes * 2 + (neg ? 1 : 0));
        for (let i = 0; i < nbytes; i++) buf[pos++] = parseInt(hex.substr(i * 2, 2), 16);
        return pos;
      }
      break;
    }
  }
  throw new TypeError(`Not a SQL value: ${String(v)}`);
}

/** Write the cells of (tags, values) in tag order from `pos`; returns the end. */
function writeCells(pos: number, tags: readonly number[], values: readonly CellValue[]): number {
  const n = tags.length;
  if (values.length !== n) throw new TypeError(`${n} tags but ${values.length} values`);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const t = tags[i]!;
    checkTag(t);
    if (i > 0 && t <= tags[i - 1]!) sorted = false;
  }
  let prev = -1;
  if (sorted) {
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v === null) continue;
      const t = tags[i]!;
      pos = writeCell(pos, t - prev - 1, v);
      prev = t;
    }
    return pos;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tags[a]! - tags[b]!);
  for (let i = 1; i < n; i++) {
    if (tags[order[i]!] === tags[order[i - 1]!]) throw new TypeError(`Column tag ${tags[order[i]!]} appears twice`);
  }
  for (const i of order) {
    const v = values[i]!;
    if (v === null) continue;
    const t = tags[i]!;
    pos = writeCell(pos, t - prev - 1, v);
    prev = t;
  }
  return pos;
}

/**
 * (tags, values) with the explicit NULL cells of `nullTags` added: a listed tag whose value is
 * null (or that is not in `tags`) becomes an explicit NULL cell; a listed tag with a non-NULL
 * value is a caller error.
 */
function withNulls(tags: readonly number[], values: readonly SqlValue[], nullTags: readonly number[] | undefined): { tags: readonly number[]; values: readonly CellValue[] } {
  if (nullTags === undefined || nullTags.length === 0) return { tags, values };
  if (values.length !== tags.length) throw new TypeError(`${tags.length} tags but ${values.length} values`);
  const t = tags.slice();
  const v: CellValue[] = values.slice();
  for (const nt of nullTags) {
    const i = tags.indexOf(nt);
    if (i < 0) {
      t.push(nt);
      v.push(NULL_CELL);
    } else if (values[i] === null) v[i] = NULL_CELL;
    else throw new TypeError(`Column tag ${nt} is listed as an explicit NULL but has a value`);
  }
  return { tags: t, values: v };
}

/**
 * Encode a row's non-key cells (NULLs omitted, cells sorted by tag). `nullTags`: tags whose NULL
 * is stored as an explicit NULL cell (see the module header for when).
 */
export function encodeRow(tags: readonly number[], values: readonly SqlValue[], nullTags?: readonly number[]): Uint8Array {
  const c = withNulls(tags, values, nullTags);
  buf[0] = ROW_FORMAT_V1;
  const end = writeCells(1, c.tags, c.values);
  return buf.slice(0, end);
}

/**
 * The key of a keyless table's row: SHA-256 of the row's canonical encoding (`encodeRow`), 32
 * bytes. NULL cells do not contribute, so a column added later (NULL in old rows) leaves keys
 * unchanged.
 */
export function keylessKey(tags: readonly number[], values: readonly SqlValue[], nullTags?: readonly number[]): Uint8Array {
  const c = withNulls(tags, values, nullTags);
  buf[0] = ROW_FORMAT_V1;
  const end = writeCells(1, c.tags, c.values);
  return sha256(buf.subarray(0, end));
}

/** Encode a keyless table's value: the row's cells and how many identical rows it stands for. */
export function encodeKeylessValue(tags: readonly number[], values: readonly SqlValue[], count: number, nullTags?: readonly number[]): Uint8Array {
  if (!Number.isSafeInteger(count) || count < 1) throw new TypeError(`A row count must be a positive integer, got ${count}`);
  const c = withNulls(tags, values, nullTags);
  ensure(0, 16);
  buf[0] = KEYLESS_FORMAT_V1;
  const pos = writeVarint(1, count);
  const end = writeCells(pos, c.tags, c.values);
  return buf.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// Decoding. `rpos` is the read position, module state so that readers return values directly.

let rpos = 0;

function malformed(detail: string): never {
  throw new DecodeError('row', detail);
}

function readVarint(b: Uint8Array): number {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (rpos >= b.length) malformed('truncated varint');
    const c = b[rpos++]!;
    x += (c & 0x7f) * mul;
    if (c < 0x80) return x;
    mul *= 0x80;
  }
  return malformed('varint too long');
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Position of the first cell (after the format byte, and the count of a keyless value). */
function cellsStart(b: Uint8Array): number {
  if (!(b instanceof Uint8Array)) throw new TypeError('Expected a Uint8Array');
  if (b.length === 0) malformed('empty value');
  const f = b[0];
  if (f === ROW_FORMAT_V1) return 1;
  if (f === KEYLESS_FORMAT_V1) {
    rpos = 1;
    const count = readVarint(b);
    if (count < 1) malformed('keyless count below 1');
    return rpos;
  }
  return malformed(`unknown format byte 0x${f!.toString(16)}`);
}

function readFixed(b: Uint8Array): number {
  if (rpos + 8 > b.length) malformed('truncated cell');
  const p = rpos;
  rpos += 8;
  return p;
}

function readLength(b: Uint8Array): number {
  const len = readVarint(b);
  if (rpos + len > b.length) malformed('truncated cell');
  return len;
}

/** Decode the payload of a cell of `type` at `rpos`. */
function readValue(b: Uint8Array, type: number): SqlValue {
  switch (type) {
    case TY_NULL:
      return null;
    case TY_INT_VAR: {
      const z = readVarint(b);
      if (z >= TWO52 * 2) malformed('INTEGER varint out of range');
      return BigInt(unzigzag(z));
    }
    case TY_INT64: {
      const p = readFixed(b);
      for (let i = 0; i < 8; i++) i64bytes[i] = b[p + i]!;
      return i64view.getBigInt64(0);
    }
    case TY_REAL: {
      const p = readFixed(b);
      const d = readDouble(b, p);
      if (d !== d) malformed('NaN');
      return d;
    }
    case TY_TEXT: {
      const len = readLength(b);
      const p = rpos;
      rpos += len;
      try {
        return readUtf8(b, p, p + len);
      } catch {
        return malformed('invalid UTF-8 in TEXT');
      }
    }
    case TY_BLOB: {
      const len = readLength(b);
      const p = rpos;
      rpos += len;
      return copyBytes(b, p, p + len);
    }
    case TY_DEC_VAR: {
      const scale = readVarint(b);
      const z = readVarint(b);
      if (z >= TWO52 * 2) malformed('DECIMAL varint out of range');
      return new Decimal(BigInt(unzigzag(z)), scale);
    }
    case TY_DEC_BIG: {
      const scale = readVarint(b);
      const h = readVarint(b);
      const n = Math.floor(h / 2);
      if (rpos + n > b.length) malformed('truncated DECIMAL');
      let c = 0n;
      for (let i = 0; i < n; i++) c = (c << 8n) | BigInt(b[rpos + i]!);
      rpos += n;
      return new Decimal(h % 2 === 1 ? -c : c, scale);
    }
    default:
      return malformed(`unknown cell type ${type}`);
  }
}

const i64bytes = new Uint8Array(8);
const i64view = new DataView(i64bytes.buffer);
const f64 = new Float64Array(1);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const f64words = new Uint32Array(f64.buffer);

function readDouble(b: Uint8Array, p: number): number {
  // Big-endian on disk: two 32-bit word stores instead of eight byte stores.
  const hi = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  const lo = (b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!;
  if (LITTLE) {
    f64words[0] = lo;
    f64words[1] = hi;
  } else {
    f64words[0] = hi;
    f64words[1] = lo;
  }
  return f64[0]!;
}

/** Advance `rpos` past the payload of a cell of `type`. */
function skipValue(b: Uint8Array, type: number): void {
  switch (type) {
    case TY_NULL:
      return;
    case TY_INT_VAR:
      readVarint(b);
      return;
    case TY_INT64:
    case TY_REAL:
      readFixed(b);
      return;
    case TY_TEXT:
    case TY_BLOB: {
      const len = readLength(b); // (not `rpos += readLength(b)`: that would read rpos first)
      rpos += len;
      return;
    }
    case TY_DEC_VAR:
      readVarint(b);
      readVarint(b);
      return;
    case TY_DEC_BIG: {
      readVarint(b);
      const n = Math.floor(readVarint(b) / 2);
      if (rpos + n > b.length) malformed('truncated DECIMAL');
      rpos += n;
      return;
    }
    default:
      malformed(`unknown cell type ${type}`);
  }
}

/** Read a cell header at `rpos`; returns the new tag (type in `lastType`). */
let lastType = 0;
function readHeader(b: Uint8Array, prev: number): number {
  let h = b[rpos]!;
  if (h < 0x80) rpos++;
  else h = readVarint(b);
  lastType = h & 7;
  const tag = prev + Math.floor(h / 8) + 1;
  if (tag > MAX_COLUMN_TAG) malformed('column tag out of range');
  return tag;
}

/**
 * Decode every cell into `out[slotOfTag[tag]]`. Tags whose slot is negative, missing, or not
 * below `out.length` are skipped; slots of absent cells are left as they are (pre-fill them
 * with `null`). Allocates nothing but the decoded values.
 */
export function decodeRowInto(bytes: Uint8Array, slotOfTag: ArrayLike<number>, out: SqlValue[]): void {
  rpos = cellsStart(bytes);
  const n = bytes.length;
  const nslots = slotOfTag.length;
  const width = out.length;
  let tag = -1;
  while (rpos < n) {
    tag = readHeader(bytes, tag);
    const slot = tag < nslots ? slotOfTag[tag]! : -1;
    if (slot >= 0 && slot < width) out[slot] = readValue(bytes, lastType);
    else skipValue(bytes, lastType);
  }
  if (rpos !== n) malformed('cell overruns the value');
}

/**
 * `decodeRowInto` for a row value stored at `bytes[start, end)` — in place in a prolly leaf's
 * buffer, so no view is allocated per row — that stops reading at the first cell whose tag is
 * above `lastTag` (the highest tag the caller has a slot for; pass `MAX_COLUMN_TAG` to read
 * all). Keyless values and malformed bytes go through `decodeRowInto` on a view (same errors).
 */
export function decodeRowRangeInto(bytes: Uint8Array, start: number, end: number, slotOfTag: ArrayLike<number>, out: SqlValue[], lastTag: number): void {
  if (end <= start || bytes[start] !== ROW_FORMAT_V1) {
    decodeRowInto(bytes.subarray(start, end), slotOfTag, out);
    return;
  }
  rpos = start + 1;
  const nslots = slotOfTag.length;
  const width = out.length;
  let tag = -1;
  while (rpos < end) {
    tag = readHeader(bytes, tag);
    if (tag > lastTag) return;
    const slot = tag < nslots ? slotOfTag[tag]! : -1;
    if (slot >= 0 && slot < width) out[slot] = readValue(bytes, lastType);
    else skipValue(bytes, lastType);
  }
  if (rpos !== end) malformed('cell overruns the value');
}

/** The stored cells of a row: non-NULL cells (tags ascending, values aligned) and explicit NULL cells. */
export interface DecodedCells {
  tags: number[];
  values: SqlValue[];
  /** Tags of explicit NULL cells, ascending; present only when there are some. */
  nullTags?: number[];
}

/** Decode all cells: tags ascending, values aligned; explicit NULL cells in `nullTags`. */
export function decodeRow(bytes: Uint8Array): DecodedCells {
  rpos = cellsStart(bytes);
  return readAllCells(bytes);
}

function readAllCells(bytes: Uint8Array): DecodedCells {
  const tags: number[] = [];
  const values: SqlValue[] = [];
  let nullTags: number[] | undefined;
  const n = bytes.length;
  let tag = -1;
  while (rpos < n) {
    tag = readHeader(bytes, tag);
    if (lastType === TY_NULL) {
      (nullTags ??= []).push(tag);
      continue;
    }
    values.push(readValue(bytes, lastType));
    tags.push(tag);
  }
  if (rpos !== n) malformed('cell overruns the value');
  return nullTags === undefined ? { tags, values } : { tags, values, nullTags };
}

/** The value of one cell (`null` when absent or an explicit NULL), decoding nothing else. */
export function getCell(bytes: Uint8Array, tag: number): SqlValue {
  rpos = cellsStart(bytes);
  const n = bytes.length;
  let t = -1;
  while (rpos < n) {
    t = readHeader(bytes, t);
    if (t === tag) return readValue(bytes, lastType);
    if (t > tag) return null;
    skipValue(bytes, lastType);
  }
  if (rpos !== n) malformed('cell overruns the value');
  return null;
}

/** Decode a keyless table's value. */
export function decodeKeylessValue(bytes: Uint8Array): DecodedCells & { count: number } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('Expected a Uint8Array');
  if (bytes[0] !== KEYLESS_FORMAT_V1) malformed('not a keyless value');
  rpos = 1;
  const count = readVarint(bytes);
  if (count < 1) malformed('keyless count below 1');
  const c = readAllCells(bytes);
  return c.nullTags === undefined ? { tags: c.tags, values: c.values, count } : { tags: c.tags, values: c.values, nullTags: c.nullTags, count };
}

/** The row count of a keyless table's value, without decoding its cells. */
export function keylessCount(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('Expected a Uint8Array');
  if (bytes[0] !== KEYLESS_FORMAT_V1) malformed('not a keyless value');
  rpos = 1;
  const count = readVarint(bytes);
  if (count < 1) malformed('keyless count below 1');
  return count;
}
