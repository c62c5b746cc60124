/**
 * The branching workflows of the use-case document (shared/seeds/004…): a zero-downtime
 * migration tested on a dev branch and merged while main kept taking writes; A/B branches that
 * add different tables, the winner merged and the loser dropped; developer branches merged into
 * staging and staging into main; a feature branch abandoned by dropping it. Public API and SQL
 * only.
 */
import { describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

async function mergeSql(s: { query(sql: string): Promise<Record<string, unknown>[]> }, sql: string): Promise<Record<string, unknown>> {
  const row = (await s.query(sql))[0]!;
  return { status: row.status, data: Number(row.data_conflicts), schema: Number(row.schema_conflicts), violations: Number(row.constraint_violations) };
}

function branchNames(db: Database): string[] {
  return db.branches.list().map((b) => b.name);
}

describe('seeds workflows', () => {
  it('zero-downtime migration: ADD COLUMN JSONB with a default on dev, merged while main kept taking writes', async () => {
    const db = await open();
    await db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
      INSERT INTO users (name, email) VALUES ('ann', 'ann@x.io'), ('bo', 'bo@x.io'), ('cy', 'cy@x.io');`);
    await db.exec(`CREATE BRANCH dev FROM main COMMENT 'Testing preferences column migration'`);
    const dev = await db.session({ branch: 'dev' });
    await dev.exec(`ALTER TABLE users ADD COLUMN preferences JSONB DEFAULT '{}'`);
    await dev.run(`UPDATE users SET preferences = '{"theme": "dark"}' WHERE id = 1`);
    // The migration is tested on dev: the column works, invalid JSON is refused.
    expect(await dev.query(`SELECT id, preferences->>'theme' AS theme FROM users ORDER BY id`)).toEqual([
      { id: 1, theme: 'dark' },
      { id: 2, theme: null },
      { id: 3, theme: null },
    ]);
    await expect(dev.run(`UPDATE users SET preferences = 'invalid json' WHERE id = 2`)).rejects.toThrow(/JSON/);

    // Production keeps serving on main, unaffected by the migration.
    await db.run(`INSERT INTO users (name, email) VALUES ('di', 'di@x.io')`);
    await db.run(`UPDATE users SET email = 'bo@new.io' WHERE id = 2`);
    await expect(db.query('SELECT preferences FROM users')).rejects.toThrow(/preferences/);

    expect(await mergeSql(db, 'MERGE BRANCH dev INTO main')).toEqual({ status: 'merged', data: 0, schema: 0, violations: 0 });
    expect(await db.query(`SELECT id, name, email, preferences FROM users ORDER BY id`)).toEqual([
      { id: 1, name: 'ann', email: 'ann@x.io', preferences: '{"theme": "dark"}' },
      { id: 2, name: 'bo', email: 'bo@new.io', preferences: '{}' },
      { id: 3, name: 'cy', email: 'cy@x.io', preferences: '{}' },
      { id: 4, name: 'di', email: 'di@x.io', preferences: '{}' },
    ]);
    expect(await db.get('SELECT count(*) AS n FROM users WHERE preferences IS NOT NULL')).toEqual({ n: 4 });
    await db.run(`INSERT INTO users (name) VALUES ('ed')`);
    expect(await db.get(`SELECT preferences FROM users WHERE name = 'ed'`)).toEqual({ preferences: '{}' });
    // The merge commit has both heads as parents: dev is now an ancestor of main.
    expect(await mergeSql(db, 'MERGE BRANCH dev INTO main')).toMatchObject({ status: 'up-to-date' });

    await dev.close();
    await db.exec('DROP BRANCH dev');
    expect(branchNames(db)).toEqual(['main']);
    await db.close();
  });

  it('A/B experiment: two branches add different tables; the winner is merged and the loser dropped', async () => {
    const db = await open();
    await db.exec(`CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT, price REAL);
      CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, signup_date INTEGER);`);
    await db.transaction(async () => {
      for (let i = 0; i < 20; i++) await db.run('INSERT INTO products VALUES (?, ?, ?, ?)', [i, `Product ${i}`, 'Electronics', 99.99]);
      for (let i = 0; i < 50; i++) await db.run('INSERT INTO users VALUES (?, ?, ?)', [i, `User ${i}`, 1700000000 + i]);
    })();

    await db.exec(`CREATE BRANCH algo_a_collab FROM main COMMENT 'A/B Test: Collaborative filtering'`);
    await db.exec(`CREATE BRANCH algo_b_content FROM main COMMENT 'A/B Test: Content-based filtering'`);
    const a = await db.session({ branch: 'algo_a_collab' });
    await a.exec(`CREATE TABLE user_similarity (user_id_1 INTEGER, user_id_2 INTEGER, similarity_score REAL, PRIMARY KEY (user_id_1, user_id_2));
      CREATE INDEX idx_similarity ON user_similarity(similarity_score DESC);`);
    for (let i = 0; i < 10; i++) await a.run('INSERT INTO user_similarity VALUES (?, ?, ?)', [42, i, 0.5 + i / 20]);
    const b = await db.session({ branch: 'algo_b_content' });
    await b.exec(`CREATE TABLE product_features (product_id INTEGER PRIMARY KEY, feature_vector TEXT, category_embedding TEXT);
      CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY, preference_vector TEXT);
      INSERT INTO product_features VALUES (1, '[0.1, 0.2]', '[1, 0]');
      INSERT INTO user_preferences VALUES (42, '[0.3, 0.4]');`);
    // Both experiments see the shared data; main keeps changing.
    expect(await a.get('SELECT count(*) AS n FROM users')).toEqual({ n: 50 });
    expect(await b.get('SELECT count(*) AS n FROM products')).toEqual({ n: 20 });
    await db.run(`UPDATE products SET price = 89.99 WHERE id = 3`);

    // Algorithm A wins.
    expect(await mergeSql(db, 'MERGE BRANCH algo_a_collab')).toEqual({ status: 'merged', data: 0, schema: 0, violations: 0 });
    expect(await db.query('SELECT user_id_2, similarity_score FROM user_similarity WHERE user_id_1 = 42 ORDER BY similarity_score DESC LIMIT 3')).toEqual([
      { user_id_2: 9, similarity_score: 0.95 },
      { user_id_2: 8, similarity_score: 0.9 },
      { user_id_2: 7, similarity_score: 0.85 },
    ]);
    expect(await db.get(`SELECT name FROM sqlite_schema WHERE name = 'idx_similarity'`)).toEqual({ name: 'idx_similarity' });
    expect(await db.get('SELECT price FROM products WHERE id = 3')).toEqual({ price: 89.99 });
    await expect(db.query('SELECT * FROM product_features')).rejects.toThrow(/no such table/);

    // Algorithm B is dropped: its tables never reach main.
    await b.close();
    await db.exec('DROP BRANCH algo_b_content');
    expect(branchNames(db).sort()).toEqual(['algo_a_collab', 'main']);
    expect((await db.query(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)).map((r) => r.name)).toEqual(['products', 'user_similarity', 'users']);
    await a.close();
    await db.close();
  });

  it('dev/staging/production: developer branches merged into staging, staging into main', async () => {
    const db = await open();
    await db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL, status TEXT);
      INSERT INTO orders VALUES (1, 'ann', 10.5, 'new'), (2, 'bo', 20, 'new'), (3, 'cy', 30, 'new');`);
    await db.exec('CREATE BRANCH staging FROM main');
    await db.exec('CREATE BRANCH dev_alice FROM staging');
    await db.exec('CREATE BRANCH dev_bob FROM staging');
    const alice = await db.session({ branch: 'dev_alice' });
    const bob = await db.session({ branch: 'dev_bob' });
    await alice.exec(`ALTER TABLE orders ADD COLUMN discount REAL; UPDATE orders SET discount = 0.1 WHERE id = 1;`);
    await bob.exec(`CREATE TABLE audit_log (id INTEGER PRIMARY KEY, order_id INTEGER, note TEXT);
      UPDATE orders SET status = 'shipped' WHERE id = 2;
      INSERT INTO audit_log VALUES (1, 2, 'shipped');`);
    // A hotfix lands on production meanwhile.
    await db.run(`UPDATE orders SET total = 31 WHERE id = 3`);

    const staging = await db.session({ branch: 'staging' });
    expect(await mergeSql(staging, 'MERGE BRANCH dev_alice')).toMatchObject({ status: 'fast-forward' });
    expect(await mergeSql(staging, 'MERGE BRANCH dev_bob')).toEqual({ status: 'merged', data: 0, schema: 0, violations: 0 });
    expect(await staging.query('SELECT id, total, status, discount FROM orders ORDER BY id')).toEqual([
      { id: 1, total: 10.5, status: 'new', discount: 0.1 },
      { id: 2, total: 20, status: 'shipped', discount: null },
      { id: 3, total: 30, status: 'new', discount: null },
    ]);
    // Production is untouched until staging is merged.
    await expect(db.query('SELECT discount FROM orders')).rejects.toThrow(/discount/);

    const r = await db.merge('staging', { into: 'main' });
    expect(r).toMatchObject({ status: 'merged', dataConflicts: 0, schemaConflicts: 0, constraintViolations: 0 });
    expect(await db.query('SELECT id, total, status, discount FROM orders ORDER BY id')).toEqual([
      { id: 1, total: 10.5, status: 'new', discount: 0.1 },
      { id: 2, total: 20, status: 'shipped', discount: null },
      { id: 3, total: 31, status: 'new', discount: null },
    ]);
    expect(await db.query('SELECT * FROM audit_log')).toEqual([{ id: 1, order_id: 2, note: 'shipped' }]);
    for (const s of [alice, bob, staging]) await s.close();
    await db.close();
  });

  it('staging: two developers change the same cell; the conflict is listed, resolved and committed', async () => {
    const db = await open();
    await db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT); INSERT INTO orders VALUES (1, 'new'), (2, 'new');`);
    await db.exec('CREATE BRANCH staging; CREATE BRANCH dev_alice FROM staging; CREATE BRANCH dev_bob FROM staging');
    const alice = await db.session({ branch: 'dev_alice' });
    const bob = await db.session({ branch: 'dev_bob' });
    await alice.run(`UPDATE orders SET status = 'cancelled' WHERE id = 2`);
    await bob.run(`UPDATE orders SET status = 'shipped' WHERE id = 2`);
    await bob.run(`UPDATE orders SET status = 'paid' WHERE id = 1`);
    const staging = await db.session({ branch: 'staging' });
    expect(await mergeSql(staging, 'MERGE BRANCH dev_alice')).toMatchObject({ status: 'fast-forward' });
    const headBefore = db.branches.list().find((b) => b.name === 'staging')!.head;
    expect(await mergeSql(staging, 'MERGE BRANCH dev_bob')).toEqual({ status: 'conflicts', data: 1, schema: 0, violations: 0 });
    expect(db.branches.list().find((b) => b.name === 'staging')!.head).toBe(headBefore);
    expect(await staging.query('SELECT * FROM heliosdb_conflicts')).toEqual([{ table: 'orders', data_conflicts: 1, schema_conflicts: 0 }]);
    const rows = await staging.query(`SELECT * FROM heliosdb_conflicts('orders')`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ base_status: 'new', ours_status: 'cancelled', theirs_status: 'shipped' });
    await expect(staging.query('MERGE BRANCH dev_bob')).rejects.toThrow(/merge/i);
    expect(await staging.query('RESOLVE CONFLICTS ON orders USING THEIRS')).toEqual([{ resolved: 1 }]);
    expect(await mergeSql(staging, 'MERGE CONTINUE')).toMatchObject({ status: 'merged' });
    expect(await staging.query('SELECT id, status FROM orders ORDER BY id')).toEqual([
      { id: 1, status: 'paid' },
      { id: 2, status: 'shipped' },
    ]);
    const [merge] = await db.log('staging', { limit: 1 });
    expect(merge!.parents).toHaveLength(2);
    for (const s of [alice, bob, staging]) await s.close();
    await db.close();
  });

  it('feature branch abandoned: dropping it leaves main exactly as it was', async () => {
    const db = await open();
    await db.exec(`CREATE TABLE flags (name TEXT PRIMARY KEY, enabled INTEGER NOT NULL); INSERT INTO flags VALUES ('new_checkout', 0), ('dark_mode', 1);`);
    const head = db.branches.list().find((b) => b.name === 'main')!.head;
    await db.exec(`CREATE BRANCH feature_checkout COMMENT 'experiment: new checkout flow'`);
    const f = await db.session({ branch: 'feature_checkout' });
    await f.exec(`UPDATE flags SET enabled = 1 WHERE name = 'new_checkout';
      ALTER TABLE flags ADD COLUMN rollout REAL DEFAULT 0.5;
      CREATE TABLE checkout_events (id INTEGER PRIMARY KEY, kind TEXT);
      INSERT INTO checkout_events (kind) VALUES ('start'), ('finish');`);
    expect(await f.get(`SELECT enabled, rollout FROM flags WHERE name = 'new_checkout'`)).toEqual({ enabled: 1, rollout: 0.5 });
    await f.close();
    await db.exec('DROP BRANCH feature_checkout');
    expect(branchNames(db)).toEqual(['main']);
    expect(db.branches.list().find((b) => b.name === 'main')!.head).toBe(head);
    expect(await db.query('SELECT * FROM flags ORDER BY name')).toEqual([
      { name: 'dark_mode', enabled: 1 },
      { name: 'new_checkout', enabled: 0 },
    ]);
    await expect(db.query('SELECT * FROM checkout_events')).rejects.toThrow(/no such table/);
    await expect(db.query('MERGE BRANCH feature_checkout')).rejects.toThrow(/feature_checkout/);
    await db.close();
  });
});
