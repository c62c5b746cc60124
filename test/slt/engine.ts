/**
 * sqllogictest engine adapter interface: what the runner needs from a database engine.
 * Adapters live in ./engines/; the runner renders and compares the raw values itself.
 */
import type { SqlValue } from '../../src/objects/index.js';

export interface SltQueryResult {
  /** Rows as arrays of raw values: INTEGER bigint, REAL number, TEXT string, BLOB Uint8Array, NULL null. */
  rows: SqlValue[][];
  /** An error raised while stepping; `rows` holds the rows produced before it. */
  error?: Error;
  /**
   * Number of result columns, when the engine knows it. Optional; lets the runner check the
   * record's type string against the column count even when no row came back.
   */
  columns?: number;
}

export interface SltEngine {
  /** Run statement text; it may hold several ;-separated statements (trigger bodies contain ; too). */
  exec(sql: string): Promise<void>;
  /** Run one query. Rows as arrays of raw values: INTEGER as bigint, REAL as number, TEXT string, BLOB Uint8Array, NULL null.
   *  A prepare error throws; an error raised while stepping is returned in `error` with the rows produced before it. */
  query(sql: string): Promise<SltQueryResult>;
  close(): Promise<void>;
}

export type EngineFactory = () => Promise<SltEngine>;
