/** `gc` from the CLI prunes outside the retention policy; `log` keeps pruned commits and marks them. */
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from './helpers.js';

const { ok, run } = cliWorkspace('hdb-cli-gc-log-');

describe('gc and log', () => {
  it('log marks the versions gc pruned; AS OF one of them names the policy', async () => {
    await ok(['init', 'db']);
    await ok(['--db', 'db', 'sql', '-q', 'CREATE TABLE r (id INTEGER PRIMARY KEY, v REAL); INSERT INTO r VALUES (1, 1.5)']);
    for (let i = 2; i <= 4; i++) await ok(['--db', 'db', 'sql', '-q', `INSERT INTO r VALUES (${i}, ${i}.5)`]);
    await ok(['--db', 'db', 'config', 'set', 'snapshot.max_snapshots', '2']);
    const before = (await ok(['--db', 'db', '--no-color', 'log', '--oneline'])).trim().split('\n');
    expect(before.some((l) => l.includes('[pruned]'))).toBe(false);

    const gc = await ok(['--db', 'db', '--no-color', 'gc']);
    expect(gc).toMatch(/Pruned \d+ version\(s\) \(policy: max_snapshots=2\)/);
    expect(gc).toMatch(/On disk: [\d.]+ [KM]?B before, [\d.]+ [KM]?B after/);

    const after = (await ok(['--db', 'db', '--no-color', 'log', '--oneline'])).trim().split('\n');
    expect(after).toHaveLength(before.length);
    expect(after.map((l) => l.includes('[pruned]'))).toEqual(after.map((_, i) => i >= 2));
    const full = await ok(['--db', 'db', '--no-color', 'log']);
    expect(full.match(/^Pruned: /gm)?.length).toBe(after.length - 2);

    const oldest = after[after.length - 2]!.split(' ')[0]!;
    const r = await run(['--db', 'db', 'sql', '-q', `SELECT * FROM r AS OF '${oldest}'`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('VERSION_PRUNED');
    expect(r.stderr).toContain('max_snapshots=2');
  }, 120_000);
});
