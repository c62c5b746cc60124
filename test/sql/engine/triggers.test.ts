/**
 * Triggers fire as in SQLite: BEFORE / AFTER INSERT / UPDATE [OF cols] / DELETE, FOR EACH
 * ROW, WHEN, NEW / OLD, RAISE(IGNORE | ABORT | FAIL | ROLLBACK), no self-recursion, INSTEAD OF
 * on views, and FK cascades firing the child's triggers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pair, canon } from './helpers.js';

let pair: Pair;
beforeEach(async () => {
  pair = await Pair.create();
  pair.sqlite.exec('PRAGMA foreign_keys = ON');
});
afterEach(async () => {
  await pair.close();
});

async function both(sql: string): Promise<string | undefined> {
  let s: string | undefined;
  let h: string | undefined;
  try {
    pair.sqlite.exec(sql);
  } catch (e) {
    s = (e as Error).message;
  }
  try {
    await pair.helios.exec(sql);
  } catch (e) {
    h = (e as Error).message;
  }
  expect(h, sql).toBe(s);
  return h;
}

async function same(sql: string): Promise<void> {
  expect(canon(await pair.heliosRows(sql), false), sql).toEqual(canon(pair.sqliteRows(sql), false));
}

describe('row triggers', () => {
  it('BEFORE/AFTER INSERT, UPDATE OF, DELETE with NEW, OLD and WHEN', async () => {
    await both(`
      CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT);
      CREATE TABLE log(seq INTEGER PRIMARY KEY, msg TEXT);
      CREATE TRIGGER t_bi BEFORE INSERT ON t BEGIN INSERT INTO log(msg) VALUES ('bi ' || NEW.a); END;
      CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW WHEN NEW.a > 1 BEGIN INSERT INTO log(msg) VALUES ('ai ' || NEW.id || ' ' || NEW.a); END;
      CREATE TRIGGER t_au AFTER UPDATE OF b ON t BEGIN INSERT INTO log(msg) VALUES ('au ' || OLD.b || '>' || NEW.b); END;
      CREATE TRIGGER t_bd BEFORE DELETE ON t BEGIN INSERT INTO log(msg) VALUES ('bd ' || OLD.id); END;
      CREATE TRIGGER t_ad AFTER DELETE ON t BEGIN UPDATE log SET msg = msg || '!' WHERE msg = 'bd ' || OLD.id; END;`);
    await both(`INSERT INTO t(a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')`);
    await both(`UPDATE t SET a = a + 1`);
    await both(`UPDATE t SET b = b || b WHERE id > 1`);
    await both(`DELETE FROM t WHERE a >= 3`);
    await same('SELECT * FROM log ORDER BY seq');
    await same('SELECT * FROM t ORDER BY id');
  });

  it('RAISE(IGNORE) skips the row; RAISE(ABORT) fails the statement and rolls it back', async () => {
    // (RAISE(FAIL) and RAISE(ROLLBACK) act as ABORT here — documented in triggers.ts.)
    await both(`
      CREATE TABLE t(id INTEGER PRIMARY KEY, a INT);
      CREATE TRIGGER skip_neg BEFORE INSERT ON t WHEN NEW.a < 0 BEGIN SELECT RAISE(IGNORE); END;
      CREATE TRIGGER no_big BEFORE INSERT ON t BEGIN SELECT CASE WHEN NEW.a > 100 THEN RAISE(ABORT, 'too big') END; END;
      CREATE TRIGGER keep AFTER DELETE ON t WHEN OLD.a = 7 BEGIN SELECT RAISE(ABORT, 'keep seven'); END;`);
    await both(`INSERT INTO t(a) VALUES (1), (-5), (2)`);
    await same('SELECT * FROM t ORDER BY id');
    expect(await both(`INSERT INTO t(a) VALUES (3), (500)`)).toBe('too big');
    await same('SELECT * FROM t ORDER BY id');
    await both(`INSERT INTO t(a) VALUES (7)`);
    expect(await both(`DELETE FROM t WHERE a = 7`)).toBe('keep seven');
    await same('SELECT * FROM t ORDER BY id');
    await expect(pair.helios.exec(`INSERT INTO t(a) VALUES (1000)`)).rejects.toMatchObject({ code: 'CONSTRAINT_TRIGGER' });
  });

  it('does not recurse into itself; triggers of other tables nest', async () => {
    await both(`
      CREATE TABLE a(n INT); CREATE TABLE b(n INT);
      CREATE TRIGGER a_ins AFTER INSERT ON a WHEN NEW.n < 5 BEGIN INSERT INTO a VALUES (NEW.n + 1); INSERT INTO b VALUES (NEW.n); END;
      CREATE TRIGGER b_ins AFTER INSERT ON b BEGIN INSERT INTO a VALUES (NEW.n + 100); END;`);
    await both(`INSERT INTO a VALUES (1)`);
    await same('SELECT rowid, n FROM a');
    await same('SELECT rowid, n FROM b');
  });

  it('fires on rows deleted by an FK cascade', async () => {
    await both(`
      CREATE TABLE p(id INTEGER PRIMARY KEY);
      CREATE TABLE c(id INTEGER PRIMARY KEY, pid INT REFERENCES p(id) ON DELETE CASCADE);
      CREATE TABLE gone(id INT);
      CREATE TRIGGER c_del AFTER DELETE ON c BEGIN INSERT INTO gone VALUES (OLD.id); END;
      INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (10, 1), (11, 1), (12, 2);`);
    await both(`DELETE FROM p WHERE id = 1`);
    await same('SELECT id FROM gone ORDER BY id');
  });
});

describe('INSTEAD OF triggers on views', () => {
  it('turn INSERT, UPDATE and DELETE on a view into writes on its tables', async () => {
    await both(`
      CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept TEXT);
      CREATE VIEW v AS SELECT id, name, upper(dept) AS dept FROM emp;
      CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN INSERT INTO emp VALUES (NEW.id, NEW.name, lower(NEW.dept)); END;
      CREATE TRIGGER v_upd INSTEAD OF UPDATE ON v BEGIN UPDATE emp SET name = NEW.name, dept = lower(NEW.dept) WHERE id = OLD.id; END;
      CREATE TRIGGER v_del INSTEAD OF DELETE ON v BEGIN DELETE FROM emp WHERE id = OLD.id; END;`);
    await both(`INSERT INTO v VALUES (1, 'ann', 'OPS'), (2, 'bob', 'DEV')`);
    await both(`INSERT INTO v(id, name) VALUES (3, 'cy')`);
    await both(`UPDATE v SET name = name || '!' WHERE dept = 'DEV'`);
    await both(`DELETE FROM v WHERE id = 1`);
    await same('SELECT * FROM emp ORDER BY id');
    await same('SELECT * FROM v ORDER BY id');
    expect(await both(`CREATE TRIGGER bad INSTEAD OF INSERT ON emp BEGIN SELECT 1; END`)).toMatch(/INSTEAD OF/);
    await both('DROP VIEW v');
    await same(`SELECT name FROM sqlite_schema WHERE type = 'trigger'`);
  });
});
