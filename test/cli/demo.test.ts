/** `heliosdb-nano demo` (what `npm run demo` runs): every step ends as the walkthrough says. */
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from './helpers.js';

const { run } = cliWorkspace('hdb-cli-demo-');

describe('demo', () => {
  it('runs every step, including the merge that stops on a conflict and its resolution', async () => {
    const r = await run(['--no-color', 'demo']);
    expect(r.stderr.trim()).toBe('error: merge stopped on conflicts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Done. Every step succeeded.');
    expect(r.stdout).toContain('CONFLICT: merge of discount into main stopped: 1 data conflict');
    expect(r.stdout).toMatch(/Merge completed: commit \w+ on main/);
    expect(r.stdout).toMatch(/apple\s*\|\s*0\.99/);
  }, 120_000);
});
