/**
 * The edge scenario: two nodes (two folders) diverge offline, exchange CAR bundles both ways,
 * merge, and end on the same root; an IoT node keeps inserting readings while it syncs "hourly".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clone, open, type Database } from '../../src/index.js';
import { parseCid } from '../../src/hash/index.js';
import { TempDirs, headOf } from './helpers.js';

const tmp = new TempDirs();
afterEach(() => tmp.cleanup());

function rootOf(db: Database, head: string): string {
  return db.vc.rootOf(parseCid(head)).toString();
}

async function readings(db: Database, sensor: string, from: number, to: number): Promise<void> {
  await db.transaction(async () => {
    const st = db.prepare('INSERT INTO readings (sensor, ts, value) VALUES (?, ?, ?)');
    for (let ts = from; ts <= to; ts++) await st.run(sensor, ts, Math.round(Math.sin(ts) * 1000) / 10);
  })();
}

describe('edge nodes', () => {
  it('diverge offline, exchange bundles both ways, merge, and end on the same root', async () => {
    const a = await open(tmp.make(), { synchronous: 'normal' });
    await a.exec('CREATE TABLE readings (sensor TEXT, ts INTEGER, value REAL, PRIMARY KEY (sensor, ts))');
    await a.exec('CREATE TABLE config (k TEXT PRIMARY KEY, v TEXT)');
    await a.exec("INSERT INTO config VALUES ('interval', '60'), ('unit', 'C')");
    await readings(a, 'hub', 1, 300);
    await a.tags.create('base');
    const first = tmp.path('a-full.car');
    await a.bundle.create(first, ['main']);
    const b = await clone(first, tmp.path('b'));
    expect(await b.get('SELECT count(*) AS n FROM readings')).toEqual({ n: 300 });

    // Offline: both nodes write.
    await readings(a, 'a', 1, 120);
    await a.run("UPDATE config SET v = '30' WHERE k = 'interval'");
    await readings(b, 'b', 1, 150);
    await b.run("UPDATE config SET v = 'F' WHERE k = 'unit'");

    // Exchange thin bundles both ways (each leaves out what the other already has).
    const aToB = tmp.path('a-to-b.car');
    const bToA = tmp.path('b-to-a.car');
    const sa = await a.bundle.create(aToB, ['main'], { since: ['base'] });
    const sb = await b.bundle.create(bToA, ['main'], { since: ['origin/main'] });
    const full = await a.bundle.create(tmp.path('a-full2.car'), ['main']);
    expect(sa.bytes).toBeLessThan(full.bytes / 2);
    expect(sb.bytes).toBeLessThan(full.bytes / 2);
    await b.bundle.import(aToB, { as: 'a' });
    await a.bundle.import(bToA, { as: 'b' });

    // Both merge the other's branch: same base, same two sides → the same merged state.
    const ma = (await a.merge('b/main')) as { status: string };
    const mb = (await b.merge('a/main')) as { status: string };
    expect(ma.status).toBe('merged');
    expect(mb.status).toBe('merged');
    expect(rootOf(a, await headOf(a))).toBe(rootOf(b, await headOf(b)));
    const rows = 'SELECT * FROM readings ORDER BY sensor, ts';
    expect(await a.query(rows)).toEqual(await b.query(rows));
    expect(await a.get('SELECT count(*) AS n FROM readings')).toEqual({ n: 570 });
    expect(await a.query('SELECT * FROM config ORDER BY k')).toEqual([
      { k: 'interval', v: '30' },
      { k: 'unit', v: 'F' },
    ]);

    // One more round: b sends its merge, a fast-forwards (or is already equal in content).
    const back = tmp.path('b-merge.car');
    await b.bundle.create(back, ['main'], { since: ['a/main'] });
    await a.bundle.import(back, { as: 'b' });
    expect(rootOf(a, await headOf(a, 'b/main'))).toBe(rootOf(a, await headOf(a)));
    await a.close();
    await b.close();
  });

  it('an IoT node keeps inserting readings while it pushes to the hub every "hour"', async () => {
    const hubDb = await open(tmp.make(), { synchronous: 'normal' });
    await hubDb.exec('CREATE TABLE readings (sensor TEXT, ts INTEGER, value REAL, PRIMARY KEY (sensor, ts))');
    const srv = await hubDb.serve({ token: 'edge-token' });
    const node = await clone(srv.url, tmp.path('node'), { synchronous: 'normal' });
    let ts = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await readings(node, 'n1', ts + 1, ts + 5);
        ts += 5;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    let last = 0;
    try {
      for (let hour = 0; hour < 6; hour++) {
        const before = ts;
        while (ts < before + 10) await new Promise((r) => setTimeout(r, 5));
        const p = await node.push('origin', 'main', { token: 'edge-token' });
        expect(p.upToDate).toBe(false);
        const n = ((await hubDb.get('SELECT count(*) AS n FROM readings')) as { n: number }).n;
        expect(n).toBeGreaterThan(last);
        last = n;
      }
    } finally {
      stop = true;
      await writer;
    }
    await node.push('origin', 'main', { token: 'edge-token' });
    expect(await hubDb.get('SELECT count(*) AS n FROM readings')).toEqual({ n: ts });
    expect(await headOf(hubDb)).toBe(await headOf(node));
    await node.close();
    await srv.close();
    await hubDb.close();
  });
});
