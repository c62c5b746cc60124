/**
 * Test helpers: a HeliosDB database and a better-sqlite3 database side by side, with results
 * normalised to comparable raw arrays (bigint INTEGER, number REAL, string TEXT).
 */
import BetterSqlite3 from 'better-sqlite3';
import { open, type Database } from '../../../src/index.js';

export type Raw = (bigint | number | string | null | Uint8Array)[];

export class Pair {
  private constructor(
    readonly helios: Database,
    readonly sqlite: BetterSqlite3.Database,
  ) {}

  static async create(): Promise<Pair> {
    const s = new BetterSqlite3(':memory:');
    s.defaultSafeIntegers(true);
    return new Pair(await open(), s);
  }

  async exec(sql: string): Promise<void> {
    this.sqlite.exec(sql);
    await this.helios.exec(sql);
  }

  async heliosRows(sql: string, params: unknown[] = []): Promise<Raw[]> {
    const st = this.helios.prepare(sql).raw().safeIntegers();
    return (await st.all(params)) as unknown as Raw[];
  }

  sqliteRows(sql: string, params: unknown[] = []): Raw[] {
    return this.sqlite.prepare(sql).raw(true).all(params) as Raw[];
  }

  async close(): Promise<void> {
    this.sqlite.close();
    await this.helios.close();
  }
}

/** Canonical text of a row set, optionally order-insensitive. */
export function canon(rows: Raw[], sorted: boolean): string[] {
  const lines = rows.map((r) =>
    JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `i${v}` : typeof v === 'number' ? `r${v}` : v instanceof Uint8Array ? `b${Buffer.from(v).toString('hex')}` : v)),
  );
  return sorted ? lines.sort() : lines;
}
