/**
 * sqllogictest engine adapter over HeliosDB Nano (in memory). Statements go through
 * `Session.exec` (every `;`-separated statement runs in turn); queries are prepared and
 * compiled first (a failure there is a prepare error), then pulled row by row so that an error
 * while stepping keeps the rows produced before it. Values come back raw (bigint INTEGER,
 * number REAL, string TEXT, Uint8Array BLOB; DECIMAL as its text).
 */
import { open } from '../../../src/index.js';
import { Decimal, type SqlValue } from '../../../src/objects/index.js';
import type { EngineFactory, SltEngine, SltQueryResult } from '../engine.js';

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export const heliosdbEngine: EngineFactory = async (): Promise<SltEngine> => {
  const db = await open();
  const session = db.sqlSession;
  return {
    async exec(sql: string): Promise<void> {
      await session.exec(sql);
    },
    async query(sql: string): Promise<SltQueryResult> {
      const prep = session.prepare(sql);
      const compiled = prep.isControl ? undefined : prep.compiled(session.schema(), session);
      const columns = compiled?.columns.length ?? 0;
      const rows: SqlValue[][] = [];
      let r;
      try {
        r = await session.execute(prep, []);
      } catch (e) {
        return { rows, error: asError(e), columns };
      }
      if (!r.rows) return { rows, columns };
      try {
        for (let row = r.rows(); row !== undefined; row = r.rows()) rows.push(row.map((v) => (v instanceof Decimal ? v.toString() : v)));
      } catch (e) {
        return { rows, error: asError(e), columns };
      } finally {
        r.done();
      }
      return { rows, columns };
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
};
