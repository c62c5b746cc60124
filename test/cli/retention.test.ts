/** `heliosdb-nano retention`: per-branch overrides from the command line, applied by `gc`. */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../cli/commands/retention.js';
import { cliWorkspace } from './helpers.js';

const { ok, run } = cliWorkspace('hdb-cli-retention-');

describe('retention', () => {
  it('parses durations', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('30m')).toBe(1_800);
    expect(parseDuration('45')).toBe(45);
    expect(parseDuration('1.5h')).toBe(5_400);
    expect(() => parseDuration('soon')).toThrow(/duration/);
  });

  it('a branch kept whole by its override while the database policy prunes the other', async () => {
    await ok(['init', 'db']);
    await ok(['--db', 'db', 'sql', '-q', 'CREATE TABLE r (id INTEGER PRIMARY KEY)']);
    await ok(['--db', 'db', 'branch', 'create', 'audit']);
    for (let i = 1; i <= 4; i++) {
      await ok(['--db', 'db', 'sql', '-q', `INSERT INTO r VALUES (${i})`]);
      await ok(['--db', 'db', 'sql', '--branch', 'audit', '-q', `INSERT INTO r VALUES (${i * 10})`]);
    }
    await ok(['--db', 'db', 'config', 'set', 'snapshot.max_snapshots', '2']);
    expect(await ok(['--db', 'db', 'retention', '--branch', 'audit', '--keep-all'])).toMatch(/audit\s+keep everything\s+\(branch override\)/);
    const shown = JSON.parse(await ok(['--db', 'db', '--json', 'retention'])) as { database: { maxSnapshots?: number }; branches: { branch: string; override: boolean }[] };
    expect(shown.database.maxSnapshots).toBe(2);
    expect(shown.branches.find((b) => b.branch === 'main')?.override).toBe(false);
    expect(shown.branches.find((b) => b.branch === 'audit')?.override).toBe(true);

    await ok(['--db', 'db', 'gc']);
    const log = (b: string) => ok(['--db', 'db', '--json', 'log', b]).then((t) => (JSON.parse(t) as { pruned: boolean }[]).map((c) => c.pruned));
    expect((await log('audit')).some((p) => p)).toBe(false);
    expect((await log('main')).filter((p) => p).length).toBeGreaterThan(0);

    await ok(['--db', 'db', 'retention', '--branch', 'audit', '--clear']);
    expect(await ok(['--db', 'db', 'retention', '--branch', 'audit'])).toMatch(/audit\s+max_snapshots=2$/m);

    const bad = await run(['--db', 'db', 'retention', '--max-snapshots', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('config set snapshot.max_snapshots');
    const nob = await run(['--db', 'db', 'retention', '--branch', 'nope', '--max-snapshots', '3']);
    expect(nob.code).toBe(2);
    expect(nob.stderr).toContain("no branch 'nope'");
  }, 120_000);
});
