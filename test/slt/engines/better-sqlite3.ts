/**
 * sqllogictest engine adapter over better-sqlite3 (real SQLite, `:memory:`): the reference
 * engine that proves the runner. Statements go through `db.exec` (sqlite3_exec semantics:
 * several `;`-separated commands run in turn); queries are prepared, then stepped with
 * `iterate()` in raw, safe-integer mode so a stepping error keeps the rows produced before it.
 */
import Database from 'better-sqlite3';
import type { SqlValue } from '../../../src/objects/index.js';
import type { EngineFactory, SltEngine, SltQueryResult } from '../engine.js';

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export const betterSqlite3Engine: EngineFactory = async (): Promise<SltEngine> => {
  const db = new Database(':memory:');
  db.defaultSafeIntegers(true);
  return {
    async exec(sql: string): Promise<void> {
      db.exec(sql);
    },
    async query(sql: string): Promise<SltQueryResult> {
      const stmt = db.prepare(sql); // a prepare error throws
      if (!stmt.reader) {
        try {
          stmt.run();
        } catch (e) {
          return { rows: [], error: asError(e), columns: 0 };
        }
        return { rows: [], columns: 0 };
      }
      stmt.raw(true);
      const columns = stmt.columns().length;
      const rows: SqlValue[][] = [];
      try {
        for (const row of stmt.iterate() as IterableIterator<SqlValue[]>) rows.push(row);
      } catch (e) {
        return { rows, error: asError(e), columns };
      }
      return { rows, columns };
    },
    async close(): Promise<void> {
      db.close();
    },
  };
};
