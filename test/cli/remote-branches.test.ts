/** Remote-tracking branches in the CLI: `branch -r` / `-a` list them and `log` decorates their commits. */
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from './helpers.js';

const { ok } = cliWorkspace('hdb-cli-remote-branches-');

describe('remote-tracking branches', () => {
  it('branch -r / -a list them; log shows origin/main on its commit', async () => {
    await ok(['init', 'hub']);
    await ok(['--db', 'hub', 'sql', '-q', 'CREATE TABLE t (id INTEGER PRIMARY KEY)']);
    await ok(['--db', 'hub', 'branch', 'create', 'dev']);
    await ok(['clone', 'hub', 'node']);
    await ok(['--db', 'node', 'sql', '-q', 'INSERT INTO t VALUES (1)']);

    const remotes = JSON.parse(await ok(['--db', 'node', '--json', 'branch', '-r'])) as { name: string; remote: string; branch: string; head: string }[];
    expect(remotes.map((r) => r.name).sort()).toEqual(['origin/dev', 'origin/main']);
    const hubMain = (JSON.parse(await ok(['--db', 'hub', '--json', 'branch'])) as { name: string; head: string }[]).find((b) => b.name === 'main');
    expect(remotes.find((r) => r.name === 'origin/main')).toMatchObject({ remote: 'origin', branch: 'main', head: hubMain?.head });

    const all = await ok(['--db', 'node', 'branch', '-a']);
    expect(all).toMatch(/^\* main /m);
    expect(all).toContain('remotes/origin/dev');
    expect((await ok(['--db', 'node', 'branch'])).includes('origin/')).toBe(false);

    // main moved past origin/main: the decoration sits on the second line.
    const log = (await ok(['--db', 'node', '--no-color', 'log', '--oneline'])).trim().split('\n');
    expect(log[0]).toContain('HEAD -> main');
    expect(log[0]).not.toContain('origin/main');
    expect(log[1]).toContain('origin/main');
  }, 120_000);
});
