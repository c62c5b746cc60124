/**
 * The vendored sqllogictest subset (test/slt/corpus) through the HeliosDB adapter. Every record
 * that applies to engine `sqlite` must pass, except the ones named below with their reason.
 */
import { fileURLToPath } from 'node:url';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFilesIsolated } from '../../slt/pool.js';

const CORPUS = fileURLToPath(new URL('../../slt/corpus/', import.meta.url));

/**
 * Known exceptions (file → lines). None: tables without a primary key scan in rowid
 * (insertion) order through their insertion-order index, as in SQLite, so group_concat()
 * without ORDER BY in slt_lang_aggfunc matches.
 */
const EXPECTED_FAILURES: Record<string, number[]> = {};

function listTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTests(p);
    return name.endsWith('.test') ? [p] : [];
  });
}

describe('vendored sqllogictest corpus on HeliosDB', () => {
  it('passes every record that applies to sqlite, except the named exceptions', async () => {
    const files = listTests(CORPUS).sort();
    const results = await runFilesIsolated(files, { engine: { name: 'heliosdb' }, jobs: 2, timeoutMs: 30_000 });
    let passed = 0;
    for (const [i, file] of files.entries()) {
      const rel = relative(CORPUS, file);
      const r = results[i]!;
      passed += r.passed;
      expect(r.failures.map((f) => f.line).sort((a, b) => a - b), rel).toEqual(EXPECTED_FAILURES[rel] ?? []);
    }
    expect(passed).toBeGreaterThan(20_000);
  }, 600_000);
});
