/**
 * The CLI side of tags and pruning in sync (`push --tags`, `fetch --tags --prune`, `bundle
 * import --prune`) run as the real binary, and the transfer progress bar the sync commands
 * share (bundle create / import and clone use it like fetch and push).
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { cliWorkspace } from '../cli/helpers.js';
import { transferProgress } from '../../cli/commands/remote.js';

const { ok, run } = cliWorkspace('hdb-sync-tags-');

describe('sync commands: tags and prune', () => {
  it('push --tags, fetch --tags --prune, and a refused tag move', async () => {
    await ok(['init', 'hub']);
    await ok(['--db', 'hub', 'sql', '-q', "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')"]);
    await ok(['--db', 'hub', 'branch', 'feature']);
    await ok(['clone', 'hub', 'node']);
    await ok(['--db', 'node', 'sql', '-q', "INSERT INTO t VALUES (2, 'b')"]);
    await ok(['--db', 'node', 'tag', 'v1']);

    // Without --tags only the branch goes; with it, the tag too.
    expect(await ok(['--db', 'node', 'push'])).not.toContain('v1');
    expect(JSON.parse(await ok(['--db', 'hub', '--json', 'tag']))).toEqual([]);
    expect(await ok(['--db', 'node', 'push', '--tags'])).toMatch(/\[new tag\] \w+ {2}v1 → origin/);
    expect(JSON.parse(await ok(['--db', 'hub', '--json', 'tag'])).map((t: { name: string }) => t.name)).toEqual(['v1']);

    // Moving v1 locally and pushing it again is refused unless --force.
    await ok(['--db', 'node', 'tag', '-d', 'v1']);
    await ok(['--db', 'node', 'tag', 'v1', 'main~1']);
    const refused = await run(['--db', 'node', 'push', '--tags']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NON_FAST_FORWARD');
    expect(refused.stderr).toContain('tags never move');
    expect(await ok(['--db', 'node', 'push', '--tags', '--force'])).toContain('v1 → origin (forced)');

    // The hub tags a release and drops its feature branch; a clone fetches with --tags --prune.
    await ok(['clone', 'hub', 'other']);
    await ok(['--db', 'hub', 'tag', 'v2']);
    await ok(['--db', 'hub', 'branch', '-d', 'feature']);
    const plain = await ok(['--db', 'other', 'fetch']);
    expect(plain).toContain('v2'); // on the fetched history: followed
    expect(plain).not.toContain('[deleted]');
    const pruned = await ok(['--db', 'other', 'fetch', '--prune']);
    expect(pruned).toContain('[deleted]  origin/feature');

    // A tag off the fetched history comes only with --tags.
    await ok(['--db', 'hub', 'branch', 'side']);
    await ok(['--db', 'hub', 'sql', '-b', 'side', '-q', "INSERT INTO t VALUES (9, 'side')"]);
    await ok(['--db', 'hub', 'tag', 'side-v', 'side']);
    expect(await ok(['--db', 'other', 'fetch', 'origin', 'main'])).not.toContain('side-v');
    expect(await ok(['--db', 'other', 'fetch', 'origin', 'main', '--tags'])).toContain('side-v');
    expect(JSON.parse(await ok(['--db', 'other', '--json', 'sql', '-q', "SELECT v FROM t AS OF 'side-v' WHERE id = 9"]))).toEqual([{ v: 'side' }]);
  }, 180_000);
});

describe('transfer progress bar', () => {
  it('draws chunks, MB and rate on a terminal, and nothing otherwise or with --json', () => {
    let out = '';
    const tty = Object.assign(
      new Writable({
        write(chunk: Buffer, _e, cb) {
          out += chunk.toString();
          cb();
        },
      }),
      { isTTY: true, columns: 120 },
    ) as unknown as NodeJS.WriteStream;
    for (const label of ['bundle', 'import', 'clone']) {
      out = '';
      const bar = transferProgress({ json: false }, label, tty);
      bar.onProgress({ chunks: 10, bytes: 2_500_000, skipped: 3, elapsedMs: 500, rate: 5_000_000, done: false });
      bar.onProgress({ chunks: 20, bytes: 5_000_000, skipped: 3, elapsedMs: 1000, rate: 5_000_000, done: true });
      bar.stop();
      expect(out).toContain(`${label} 20 chunks | 5.00 MB | 5.0 MB/s | 3 skipped`);
    }
    out = '';
    const silent = transferProgress({ json: true }, 'clone', tty);
    silent.onProgress({ chunks: 1, bytes: 1, skipped: 0, elapsedMs: 1, rate: 1, done: true });
    silent.stop();
    const notTty = transferProgress({ json: false }, 'clone', Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false }) as unknown as NodeJS.WriteStream);
    notTty.onProgress({ chunks: 1, bytes: 1, skipped: 0, elapsedMs: 1, rate: 1, done: true });
    expect(out).toBe('');
  });
});
