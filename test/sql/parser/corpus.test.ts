/**
 * A sample of the sqllogictest corpus (fixtures/slt-sample.json: every record of the
 * evidence files and a stride sample of the rest) parses exactly when SQLite's own parser
 * accepts it (`syntaxOk`, recorded from better-sqlite3), and the ASTs are stable.
 * The full developer set is checked by hand with corpus-check.ts (see its header).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SqlSyntaxError } from '../../../src/errors/index.js';
import { parse } from '../../../src/sql/parser/index.js';

interface FixtureRecord {
  source: string;
  kind: string;
  sqlite: boolean;
  syntaxOk: boolean;
  sql: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/slt-sample.json', import.meta.url), 'utf8')) as { records: FixtureRecord[] };

describe('sqllogictest sample', () => {
  it('has a few hundred records of every kind', () => {
    const kinds = new Set(fixture.records.map((r) => r.kind));
    expect(fixture.records.length).toBeGreaterThan(500);
    expect([...kinds].sort()).toEqual(['query', 'statement error', 'statement ok']);
  });

  it('parses exactly the records SQLite parses', () => {
    const wrong: string[] = [];
    for (const r of fixture.records) {
      let ok = true;
      try {
        parse(r.sql);
      } catch (e) {
        if (!(e instanceof SqlSyntaxError)) throw e;
        ok = false;
      }
      if (ok !== r.syntaxOk) wrong.push(`${r.source}: expected ${r.syntaxOk ? 'to parse' : 'a syntax error'}: ${r.sql}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every statement of every record keeps its own source text', () => {
    for (const r of fixture.records) {
      if (!r.syntaxOk) continue;
      for (const s of parse(r.sql)) {
        expect(r.sql.includes(s.sql), r.source).toBe(true);
        expect(r.sql.slice(s.pos!.offset, s.pos!.offset + s.sql.length)).toBe(s.sql);
      }
    }
  });

  it('parsing is deterministic (same text, same AST)', () => {
    for (const r of fixture.records.slice(0, 200)) {
      if (!r.syntaxOk) continue;
      expect(parse(r.sql)).toEqual(parse(r.sql));
    }
  });
});
