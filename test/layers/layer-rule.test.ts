/**
 * The layer rule of DESIGN.md is enforced by dependency-cruiser in `npm test`. These tests
 * prove the rule bites: a scratch project with the real config fails on upward, sideways and
 * deep imports, and passes on a clean layout.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');

function scratch(files: Record<string, string>): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hdb-layers-'));
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    const output = execFileSync(depcruise, ['src', 'cli', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const base = {
  'src/errors/index.ts': 'export const E = 1;\n',
  'src/hash/index.ts': "import { E } from '../errors/index.js';\nexport const H = E;\n",
  'src/store/index.ts': "import { H } from '../hash/index.js';\nexport const S = H;\n",
  'src/store/impl.ts': 'export const I = 2;\n',
  'src/merge/index.ts': "import { S } from '../store/index.js';\nexport const M = S;\n",
  'src/gc/index.ts': "import { S } from '../store/index.js';\nexport const G = S;\n",
  'src/index.ts': "import { M } from './merge/index.js';\nexport const P = M;\n",
  'cli/main.ts': "import { P } from '../src/index.js';\nexport const C = P;\n",
};

describe('layer rule (dependency-cruiser)', () => {
  it('passes a clean layout', () => {
    const r = scratch(base);
    expect(r.output).toContain('no dependency violations');
    expect(r.ok).toBe(true);
  });

  it('fails an upward import', () => {
    const r = scratch({ ...base, 'src/hash/index.ts': "import { S } from '../store/index.js';\nexport const H = S;\n" });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('layer-hash');
  });

  it('fails a sideways import between peers', () => {
    const r = scratch({ ...base, 'src/gc/index.ts': "import { M } from '../merge/index.js';\nexport const G = M;\n" });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('layer-gc');
  });

  it('fails an import that bypasses a folder’s index.ts', () => {
    const r = scratch({ ...base, 'src/merge/index.ts': "import { I } from '../store/impl.js';\nexport const M = I;\n" });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('via-index-store');
  });

  it('fails a CLI import of library internals', () => {
    const r = scratch({ ...base, 'cli/main.ts': "import { S } from '../src/store/index.js';\nexport const C = S;\n" });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('cli-public-api-only');
  });
});
