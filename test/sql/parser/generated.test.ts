/**
 * The committed generated parser (src/sql/grammar/generated) must be what `npm run grammar`
 * makes from the grammar today: regenerate into a temporary folder and compare byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const committed = join(root, 'src/sql/grammar/generated');
const fresh = mkdtempSync(join(tmpdir(), 'heliosdb-grammar-'));
afterAll(() => rmSync(fresh, { recursive: true, force: true }));

describe('generated parser', () => {
  it('is up to date with src/sql/grammar/*.g4 (run `npm run grammar` if this fails)', () => {
    execFileSync(process.execPath, [join(root, 'scripts/grammar.mjs'), '--out', fresh], { cwd: root, stdio: 'pipe' });
    const files = readdirSync(fresh).sort();
    expect(files).toEqual(readdirSync(committed).sort());
    expect(files).toContain('HeliosSQLParser.ts');
    for (const file of files) {
      const same = readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)));
      expect(same, `${file} is stale: run npm run grammar`).toBe(true);
    }
  }, 60_000);
});
