/**
 * `config set` edits heliosdb.toml in place: the key's line (or one inserted line, or an
 * appended section) changes and every other byte stays — comments, blank lines, spacing,
 * CRLF line endings. Unit cases, a fast-check property over generated files, and the binary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConfigValue, loadConfigFile, setConfigValue } from '../../src/index.js';
import { ensureBuilt, hdb, tempDir } from './helpers.js';

const COMMENTED = `# Plant 7 edge node — reviewed by ops, keep the comments!
versioning = "transaction"    # writers commit per transaction

[storage]
# keep history for AS OF
time_travel_enabled   =   true

[snapshot]
# min_retention_seconds = 7776000   # 90 days
max_snapshots = 10000   # about a week of hourly syncs
auto_gc_enabled = false

[monitoring]  # ignored by nano
metrics = ["a", "b",
  "c"]  # multi-line array
`;

/** The lines of `after` that are not in `before`, and the reverse (multiset difference by position-free count). */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const count = new Map<string, number>();
  for (const l of before.split('\n')) count.set(l, (count.get(l) ?? 0) + 1);
  const added: string[] = [];
  for (const l of after.split('\n')) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else added.push(l);
  }
  const removed = [...count].flatMap(([l, n]) => Array<string>(n).fill(l));
  return { added, removed };
}

describe('config set keeps the file', () => {
  it('replaces only the value of an existing key, keeping its spacing and trailing comment', () => {
    const out = setConfigValue(COMMENTED, 'snapshot.max_snapshots', '48');
    expect(out).toBe(COMMENTED.replace('max_snapshots = 10000   # about', 'max_snapshots = 48   # about'));
    const out2 = setConfigValue(COMMENTED, 'storage.time_travel_enabled', 'false');
    expect(out2).toBe(COMMENTED.replace('time_travel_enabled   =   true', 'time_travel_enabled   =   false'));
    const out3 = setConfigValue(COMMENTED, 'versioning', 'manual');
    expect(out3).toBe(COMMENTED.replace('versioning = "transaction"    #', 'versioning = "manual"    #'));
  });

  it('inserts a missing key after its commented example, or after the section, or appends the section', () => {
    const out = setConfigValue(COMMENTED, 'snapshot.min_retention_seconds', '3600');
    expect(out).toBe(COMMENTED.replace('# 90 days\n', '# 90 days\nmin_retention_seconds = 3600\n'));
    const author = setConfigValue(COMMENTED, 'author', 'ops@plant7.example');
    expect(author).toBe(COMMENTED.replace('per transaction\n', 'per transaction\nauthor = "ops@plant7.example"\n'));
    const db = setConfigValue(COMMENTED, 'database.path', 'data');
    expect(db).toBe(`${COMMENTED}\n[database]\npath = "data"\n`);
    expect(loadConfigFile(db).config.database.path).toBe('data');
    // Keys after a multi-line value are still found; the value is not mistaken for keys.
    expect(setConfigValue('[monitoring]\nx = """\n[snapshot]\nmax_snapshots = 1\n"""\n', 'snapshot.max_snapshots', '2')).toBe(
      '[monitoring]\nx = """\n[snapshot]\nmax_snapshots = 1\n"""\n\n[snapshot]\nmax_snapshots = 2\n',
    );
  });

  it('keeps CRLF line endings and a file without a final newline', () => {
    const crlf = COMMENTED.replace(/\n/g, '\r\n');
    expect(setConfigValue(crlf, 'snapshot.auto_gc_enabled', 'true')).toBe(crlf.replace('auto_gc_enabled = false', 'auto_gc_enabled = true'));
    expect(setConfigValue(crlf, 'snapshot.min_retention_seconds', '5')).toBe(crlf.replace('# 90 days\r\n', '# 90 days\r\nmin_retention_seconds = 5\r\n'));
    expect(setConfigValue('[snapshot]\nmax_snapshots = 1', 'snapshot.auto_gc_enabled', 'true')).toBe('[snapshot]\nmax_snapshots = 1\nauto_gc_enabled = true\n');
    expect(setConfigValue(undefined, 'snapshot.max_snapshots', '3')).toBe('[snapshot]\nmax_snapshots = 3\n');
  });

  it('still validates, and rewrites only what it cannot edit line-wise (an inline table)', () => {
    expect(() => setConfigValue(COMMENTED, 'snapshot.max_snapshots', '0')).toThrow(/expected a whole number ≥ 1/);
    const inline = setConfigValue('snapshot = { max_snapshots = 1 }\n', 'snapshot.max_snapshots', '9');
    expect(loadConfigFile(inline).config.snapshot.maxSnapshots).toBe(9);
  });

  it('property: one line changes or is added (or a section is appended) and the value reads back', () => {
    const keyOf = {
      '': ['versioning', 'author'],
      storage: ['time_travel_enabled'],
      snapshot: ['min_retention_seconds', 'max_snapshots', 'auto_gc_enabled'],
      database: ['path'],
    } as const;
    const valueFor: Record<string, fc.Arbitrary<string>> = {
      versioning: fc.constantFrom('transaction', 'manual'),
      author: fc.constantFrom('a@b.c', 'ops team', 'x "quoted" y'),
      time_travel_enabled: fc.constantFrom('true', 'false'),
      min_retention_seconds: fc.integer({ min: 0, max: 1e9 }).map(String),
      max_snapshots: fc.integer({ min: 1, max: 1e6 }).map(String),
      auto_gc_enabled: fc.constantFrom('true', 'false'),
      path: fc.constantFrom('data', 'some dir'),
    };
    const comment = fc.constantFrom('# note', '#', '  # indented', '# max_snapshots = 5', '# [snapshot] inside a comment', '');
    const spacing = fc.constantFrom(' = ', '=', '   =  ');
    const trailing = fc.constantFrom('', '  # why', ' #');
    type Sec = keyof typeof keyOf;
    const section = (name: Sec) =>
      fc.record({
        comments: fc.array(comment, { maxLength: 2 }),
        keys: fc.subarray([...keyOf[name]]),
        sp: spacing,
        tr: trailing,
        vals: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
      }).map(({ comments, keys, sp, tr, vals }) => {
        const lines = [...(name === '' ? [] : [`[${name}]${tr}`]), ...comments];
        keys.forEach((k, i) => {
          const v = k === 'versioning' ? '"manual"' : k === 'author' || k === 'path' ? '"v"' : k.endsWith('enabled') ? 'true' : String(1 + (vals[i] ?? 0));
          lines.push(`${k}${sp}${v}${tr}`);
        });
        return lines.join('\n');
      });
    const file = fc
      .tuple(section(''), fc.shuffledSubarray(['storage', 'snapshot', 'database'] as Sec[]).chain((names) => fc.tuple(...names.map((n) => section(n)))), fc.boolean())
      .map(([top, rest, finalNewline]) => [top, ...rest].filter((x) => x !== '').join('\n\n') + (finalNewline ? '\n' : ''));
    const keyAndValue = fc.constantFrom(...Object.entries(keyOf).flatMap(([s, ks]) => ks.map((k) => [s, k] as const))).chain(([s, k]) => valueFor[k]!.map((v) => ({ key: s === '' ? k : `${s}.${k}`, v })));
    fc.assert(
      fc.property(file, keyAndValue, (text, { key, v }) => {
        const out = setConfigValue(text, key, v);
        const read = getConfigValue(loadConfigFile(out).config, key);
        expect(String(read)).toBe(v);
        // Everything else reads the same.
        const before = loadConfigFile(text).config;
        const after = loadConfigFile(out).config;
        for (const k of ['versioning', 'author', 'database.path', 'storage.time_travel_enabled', 'snapshot.min_retention_seconds', 'snapshot.max_snapshots', 'snapshot.auto_gc_enabled']) {
          if (k !== key) expect(getConfigValue(after, k)).toEqual(getConfigValue(before, k));
        }
        const { added, removed } = changedLines(text.replace(/\n$/, ''), out.replace(/\n$/, ''));
        if (out === text) {
          // The value was already there.
          expect(added).toEqual([]);
        } else if (out.startsWith(text) && added.some((l) => l.startsWith('['))) {
          // A section appended at the end: nothing before it changed.
          expect(removed.filter((l) => l !== '')).toEqual([]);
        } else {
          expect(added.length).toBe(1);
          expect(removed.length).toBeLessThanOrEqual(1);
          expect(added[0]).toContain(key.split('.').pop()!);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('config set (binary)', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('hdb-config-');
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('changes one line of a commented heliosdb.toml and nothing else', async () => {
    expect((await hdb(dir, ['init', 'db'])).code).toBe(0);
    const file = join(dir, 'db', '.heliosdb', 'heliosdb.toml');
    writeFileSync(file, COMMENTED);
    const r = await hdb(dir, ['--db', 'db', 'config', 'set', 'snapshot.max_snapshots', '24']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(COMMENTED.replace('max_snapshots = 10000', 'max_snapshots = 24'));
    const g = await hdb(dir, ['--db', 'db', 'config', 'get', 'snapshot.max_snapshots']);
    expect(g.stdout.trim()).toBe('24');
  }, 60_000);
});
