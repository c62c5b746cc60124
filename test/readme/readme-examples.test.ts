/**
 * Runs every TypeScript example in README.md that imports 'heliosdb-nano' and compares what it
 * prints with the `text` block that follows it, so the documentation cannot drift from the code.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { pathToFileURL } from 'node:url';

const root = resolve(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]!, at: m.index! }));

interface Example {
  line: number;
  code: string;
  expected: string | undefined;
}
const examples: Example[] = [];
blocks.forEach((b, i) => {
  if (b.lang !== 'ts' || !b.code.includes("from 'heliosdb-nano'")) return;
  const next = blocks[i + 1];
  examples.push({
    line: readme.slice(0, b.at).split('\n').length,
    code: b.code,
    expected: next && next.lang === 'text' ? next.code.trimEnd() : undefined,
  });
});

const scratch = join(root, 'test/readme/.examples');

describe('README examples', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const ex of examples) {
    it(`example at README line ${ex.line} prints what the README says`, async () => {
      mkdirSync(scratch, { recursive: true });
      const file = join(scratch, `example-${ex.line}.ts`);
      const entry = pathToFileURL(join(root, 'src/index.ts')).href;
      const source = ex.code.replaceAll("from 'heliosdb-nano'", `from '${entry}'`);
      // Wrap so console.log output is captured per example.
      writeFileSync(file, `export default async function (console: { log: (...a: unknown[]) => void }) {\n${source.replace(/^import .*$/gm, '')}\n}\n${source.match(/^import .*$/gm)?.join('\n') ?? ''}\n`);
      const lines: string[] = [];
      const log = (...a: unknown[]) => lines.push(a.map((x) => (typeof x === 'string' ? x : inspect(x, { depth: 5, breakLength: 100 }))).join(' '));
      try {
        const mod = (await import(pathToFileURL(file).href)) as { default: (c: { log: typeof log }) => Promise<void> };
        await mod.default({ log });
      } finally {
        rmSync(file, { force: true });
      }
      if (ex.expected !== undefined) expect(lines.join('\n')).toBe(ex.expected);
    });
  }
});
