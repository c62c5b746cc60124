/**
 * Keyless tables whose schema changed on both sides: theirs' rows are carried into the merged
 * schema's tags (`theirsRetag`) and lose stale cells of theirs' dropped columns
 * (`theirsStaleTags`) before the row merge. The key of a keyless row is the hash of its cells,
 * so a rewritten row moves to a new key — where it may meet an identical row, whose count it
 * then adds to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { NodeStore, ProllyTree, decodeKeylessValue, encodeKeylessValue, keylessKey, type SqlValue, type Tree } from '../../src/objects/index.js';
import { MemoryChunkStore } from '../../src/store/index.js';
import { retagTheirs } from '../../src/sql/version/merge/table-merge.js';
import { setup } from './helpers.js';

const dbs: Database[] = [];
afterEach(async () => {
  while (dbs.length > 0) await dbs.pop()!.close();
});

describe('keyless tables: theirs retagged and stale cells stripped', () => {
  it("a column each side added under the same tag: theirs' values stay in theirs' column", async () => {
    const { db, dev } = await setup('CREATE TABLE k (a TEXT, b INTEGER)', "INSERT INTO k VALUES ('m', 1)");
    dbs.push(db);
    await db.exec('ALTER TABLE k ADD COLUMN x TEXT');
    await db.run("INSERT INTO k VALUES ('o', 2, 'ours-x')");
    await dev.exec('ALTER TABLE k ADD COLUMN y TEXT');
    await dev.run("INSERT INTO k VALUES ('t', 3, 'theirs-y'), ('t', 3, 'theirs-y')");
    await dev.run("UPDATE k SET y = 'later' WHERE a = 'm'");
    const r = await db.merge('dev');
    expect(r.status).toBe('merged');
    expect(await db.query('SELECT a, b, x, y FROM k ORDER BY a, b')).toEqual([
      { a: 'm', b: 1, x: null, y: 'later' },
      { a: 'o', b: 2, x: 'ours-x', y: null },
      { a: 't', b: 3, x: null, y: 'theirs-y' },
      { a: 't', b: 3, x: null, y: 'theirs-y' },
    ]);
    // the merged rows behave as ordinary rows afterwards (keys match their cells)
    await db.run("DELETE FROM k WHERE y = 'theirs-y'");
    await db.run("UPDATE k SET x = 'set' WHERE a = 'm'");
    expect(await db.query('SELECT a, x, y FROM k ORDER BY a')).toEqual([
      { a: 'm', x: 'set', y: 'later' },
      { a: 'o', x: 'ours-x', y: null },
    ]);
  });

  it("theirs' DROP COLUMN rewrites a keyless table: no leftover cell shows in ours' new column, equal rows join", async () => {
    const { db, dev } = await setup('CREATE TABLE k (a TEXT, b INTEGER)', "INSERT INTO k VALUES ('m', 2)");
    dbs.push(db);
    await dev.exec('ALTER TABLE k ADD COLUMN z TEXT');
    await dev.run("INSERT INTO k VALUES ('m', 2, 'zz'), ('n', 5, 'zz')");
    await dev.exec('ALTER TABLE k DROP COLUMN z');
    await db.exec('ALTER TABLE k ADD COLUMN x TEXT');
    const r = await db.merge('dev');
    expect(r.status).toBe('merged');
    expect(await db.query('SELECT a, b, x FROM k ORDER BY a, b')).toEqual([
      { a: 'm', b: 2, x: null },
      { a: 'm', b: 2, x: null },
      { a: 'n', b: 5, x: null },
    ]);
    // the two ('m', 2) rows are one entry now: deleting one copy at a time works on both
    await db.run("DELETE FROM k WHERE a = 'm'");
    expect(await db.query('SELECT count(*) AS n FROM k')).toEqual([{ n: 1 }]);
  });

  it('keyed tables get the same treatment (regression: stale cells, retag)', async () => {
    const { db, dev } = await setup('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)', "INSERT INTO t VALUES (1, 'p')");
    dbs.push(db);
    await dev.exec('ALTER TABLE t ADD COLUMN z TEXT');
    await dev.run("INSERT INTO t VALUES (2, 'q', 'zz')");
    await dev.exec('ALTER TABLE t DROP COLUMN z');
    await dev.exec('ALTER TABLE t ADD COLUMN y TEXT');
    await dev.run("UPDATE t SET y = 'yy' WHERE id = 1");
    await db.exec('ALTER TABLE t ADD COLUMN x TEXT');
    await db.exec('ALTER TABLE t ADD COLUMN w TEXT');
    const r = await db.merge('dev');
    expect(r.status).toBe('merged');
    expect(await db.query('SELECT id, a, x, w, y FROM t ORDER BY id')).toEqual([
      { id: 1, a: 'p', x: null, w: null, y: 'yy' },
      { id: 2, a: 'q', x: null, w: null, y: null },
    ]);
  });
});

describe('retagTheirs on keyless row trees', () => {
  const entry = (tags: number[], values: SqlValue[], count: number): { key: Uint8Array; value: Uint8Array } => ({
    key: keylessKey(tags, values),
    value: encodeKeylessValue(tags, values, count),
  });
  const sorted = <T extends { key: Uint8Array }>(es: T[]): T[] => es.sort((a, b) => Buffer.compare(a.key, b.key));
  const dump = (t: Tree): string[] =>
    [...t.entries()].map((e) => {
      const d = decodeKeylessValue(e.value);
      expect(Buffer.from(e.key).equals(Buffer.from(keylessKey(d.tags, d.values)))).toBe(true); // key = hash of the cells
      return `${JSON.stringify(d.tags)}=${JSON.stringify(d.values)}×${d.count}`;
    }).sort();

  it('strips stale tags, retags, and adds up the counts of rows that land on one key', () => {
    const ns = new NodeStore(new MemoryChunkStore());
    const base = ProllyTree.build(ns, sorted([entry([1, 2], ['m', 2], 1), entry([1, 2], ['q', 7], 1)]));
    const theirs = base.mutate(
      sorted([
        // a base row theirs removed
        { key: keylessKey([1, 2], ['q', 7]), value: null },
        // two rows whose stale cell (tag 3) is all that tells them from the base row ('m', 2)
        entry([1, 2, 3], ['m', 2, 'zz'], 2),
        entry([1, 2, 3], ['m', 2, 'other'], 1),
        // a row with theirs' new column (tag 4 → merged tag 6)
        entry([1, 2, 4], ['n', 5, 'y'], 1),
        // an untouched row theirs added
        entry([1, 2], ['p', 1], 3),
      ]),
    );
    const out = retagTheirs(base, theirs, new Map([[4, 6]]), [3], true);
    expect(dump(out)).toEqual(['[1,2,6]=["n",5,"y"]×1', '[1,2]=["m",2]×4', '[1,2]=["p",1]×3'].sort());
    // nothing to do: theirs itself, no row read
    expect(retagTheirs(base, theirs, new Map(), [], true)).toBe(theirs);
  });

  it('two rewritten rows meeting on a key no side had before', () => {
    const ns = new NodeStore(new MemoryChunkStore());
    const base = ProllyTree.build(ns, [entry([1], ['a'], 1)]);
    const theirs = base.mutate(sorted([entry([1, 3], ['b', 'x'], 1), entry([1, 3], ['b', 'y'], 2)]));
    expect(dump(retagTheirs(base, theirs, new Map(), [3], true))).toEqual(['[1]=["a"]×1', '[1]=["b"]×3']);
  });
});
