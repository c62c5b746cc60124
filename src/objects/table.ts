/**
 * The table value object: `{schema, rows, indexes, autoIncrement}` — the schema chunk's CID,
 * the root CID of the rows prolly tree, the root CID of each secondary index tree (keyed by
 * lower-cased index name) and the AUTOINCREMENT high-water mark. Encoded with dag-cbor and
 * stored as a chunk; the database `Root` maps table names to these CIDs.
 *
 * Rows tree: key = order-preserving encoding of the primary-key tuple (keyless tables: a hash
 * of the row), value = the non-key cells keyed by column tag (keyless: plus a duplicate count).
 * Index trees: key = (indexed columns…, primary key…), value = empty.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from '../hash/index.js';
import { DecodeError } from '../errors/index.js';

export interface TableObject {
  schema: CID;
  rows: CID;
  /** Lower-cased index name → index tree root. */
  indexes: Record<string, CID>;
  /** Largest rowid ever handed out by AUTOINCREMENT (0 when none). */
  autoIncrement: bigint;
}

const TABLE_VERSION = 1;

export function encodeTableObject(t: TableObject): Uint8Array {
  const indexes: Record<string, CID> = {};
  for (const name of Object.keys(t.indexes).sort()) indexes[name] = t.indexes[name]!;
  return dagCbor.encode({ v: TABLE_VERSION, schema: t.schema, rows: t.rows, indexes, autoIncrement: t.autoIncrement });
}

function fail(detail: string): never {
  throw new DecodeError('table object', detail);
}

export function decodeTableObject(bytes: Uint8Array): TableObject {
  let o: unknown;
  try {
    o = dagCbor.decode(bytes);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (typeof o !== 'object' || o === null) fail('not a map');
  const m = o as Record<string, unknown>;
  if (m.v !== TABLE_VERSION) fail(`unknown version ${String(m.v)}`);
  const schema = CID.asCID(m.schema);
  const rows = CID.asCID(m.rows);
  if (!schema || !rows) fail('schema or rows is not a link');
  if (typeof m.indexes !== 'object' || m.indexes === null) fail('indexes is not a map');
  const indexes: Record<string, CID> = {};
  for (const [k, v] of Object.entries(m.indexes as Record<string, unknown>)) {
    const c = CID.asCID(v);
    if (!c) fail(`index ${k} is not a link`);
    indexes[k] = c;
  }
  const ai = m.autoIncrement;
  let autoIncrement: bigint;
  if (typeof ai === 'bigint') autoIncrement = ai;
  else if (typeof ai === 'number' && Number.isInteger(ai)) autoIncrement = BigInt(ai);
  else fail('autoIncrement is not an integer');
  return { schema, rows, indexes, autoIncrement };
}
