/**
 * The database root value object: every table (lower-cased name → Table object CID), view and
 * trigger of one database state. One committed transaction replaces the database's root; the
 * versioning layer turns that into commits that point at a root.
 *
 * Views and triggers are small and stored inline as their CREATE text (the SQL layer re-parses
 * them); tables are separate chunks so an unchanged table is shared by CID between roots.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from '../hash/index.js';
import { DecodeError } from '../errors/index.js';

export interface ViewObject {
  /** Name as written at creation. */
  name: string;
  /** The CREATE VIEW statement text. */
  sql: string;
}

export interface TriggerObject {
  name: string;
  /** Lower-cased name of the table the trigger is on. */
  table: string;
  /** The CREATE TRIGGER statement text. */
  sql: string;
}

export interface RootObject {
  /** Lower-cased table name → Table object CID. */
  tables: Record<string, CID>;
  /** Lower-cased view name → view. */
  views: Record<string, ViewObject>;
  /** Lower-cased trigger name → trigger. */
  triggers: Record<string, TriggerObject>;
}

const ROOT_VERSION = 1;

function sorted<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k]!;
  return out;
}

export function emptyRoot(): RootObject {
  return { tables: {}, views: {}, triggers: {} };
}

export function encodeRootObject(r: RootObject): Uint8Array {
  const views: Record<string, ViewObject> = {};
  for (const [k, v] of Object.entries(sorted(r.views))) views[k] = { name: v.name, sql: v.sql };
  const triggers: Record<string, TriggerObject> = {};
  for (const [k, t] of Object.entries(sorted(r.triggers))) triggers[k] = { name: t.name, table: t.table, sql: t.sql };
  return dagCbor.encode({ v: ROOT_VERSION, tables: sorted(r.tables), views, triggers });
}

function fail(detail: string): never {
  throw new DecodeError('database root', detail);
}

function map(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not a map`);
  return v as Record<string, unknown>;
}

export function decodeRootObject(bytes: Uint8Array): RootObject {
  let o: unknown;
  try {
    o = dagCbor.decode(bytes);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const m = map(o, 'root');
  if (m.v !== ROOT_VERSION) fail(`unknown version ${String(m.v)}`);
  const tables: Record<string, CID> = {};
  for (const [k, v] of Object.entries(map(m.tables, 'tables'))) {
    const c = CID.asCID(v);
    if (!c) fail(`table ${k} is not a link`);
    tables[k] = c;
  }
  const views: Record<string, ViewObject> = {};
  for (const [k, v] of Object.entries(map(m.views, 'views'))) {
    const e = map(v, `view ${k}`);
    if (typeof e.name !== 'string' || typeof e.sql !== 'string') fail(`view ${k} is malformed`);
    views[k] = { name: e.name, sql: e.sql };
  }
  const triggers: Record<string, TriggerObject> = {};
  for (const [k, v] of Object.entries(map(m.triggers, 'triggers'))) {
    const e = map(v, `trigger ${k}`);
    if (typeof e.name !== 'string' || typeof e.table !== 'string' || typeof e.sql !== 'string') fail(`trigger ${k} is malformed`);
    triggers[k] = { name: e.name, table: e.table, sql: e.sql };
  }
  return { tables, views, triggers };
}
