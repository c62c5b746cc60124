import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSlt } from './parser.js';
import { runFilesIsolated } from './pool.js';

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));

interface Entry {
  path: string;
  bytes: number;
  records: number;
  statements: number;
  queries: number;
  /** Records that apply to engine "sqlite" (upstream manifest, counted independently). */
  sqlite: number;
  sha256: string;
}

function manifest(): Entry[] {
  return readFileSync(join(CORPUS, 'MANIFEST.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [path, bytes, records, statements, queries, sqlite, , , sha256] = l.trim().split(/\s+/);
      return {
        path: path!,
        bytes: Number(bytes),
        records: Number(records),
        statements: Number(statements),
        queries: Number(queries),
        sqlite: Number(sqlite),
        sha256: sha256!,
      };
    });
}

function listTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTests(p);
    return name.endsWith('.test') ? [relative(CORPUS, p)] : [];
  });
}

describe('vendored sqllogictest corpus', () => {
  const entries = manifest();

  it('is exactly the files of MANIFEST.txt, byte-identical to upstream', () => {
    expect(listTests(CORPUS).sort()).toEqual(entries.map((e) => e.path).sort());
    for (const e of entries) {
      const bytes = readFileSync(join(CORPUS, e.path));
      expect(bytes.length, e.path).toBe(e.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), e.path).toBe(e.sha256);
    }
  });

  it('parses into the statement and query counts of the upstream manifest', () => {
    for (const e of entries) {
      const recs = parseSlt(readFileSync(join(CORPUS, e.path), 'utf8'));
      expect(recs.filter((r) => r.kind === 'invalid'), e.path).toEqual([]);
      expect(recs.filter((r) => r.kind === 'statement').length, e.path).toBe(e.statements);
      expect(recs.filter((r) => r.kind === 'query').length, e.path).toBe(e.queries);
    }
  });

  it('passes completely through the better-sqlite3 adapter (proves the runner)', async () => {
    const files = entries.map((e) => join(CORPUS, e.path));
    const results = await runFilesIsolated(files, { engine: { name: 'better-sqlite3' }, jobs: 2, timeoutMs: 30_000 });
    expect(results).toHaveLength(entries.length);
    for (const [i, e] of entries.entries()) {
      const r = results[i]!;
      expect(r.failures.slice(0, 3), e.path).toEqual([]);
      expect([r.passed, r.failed, r.skipped], e.path).toEqual([e.sqlite, 0, e.records - e.sqlite]);
    }
  });
});
