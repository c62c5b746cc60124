/**
 * INSERT / UPDATE / DELETE, DDL (CREATE/DROP/ALTER of tables, indexes, views, triggers),
 * transactions, PRAGMA, EXPLAIN, ANALYZE/VACUUM/REINDEX, and script splitting.
 */
import { describe, expect, it } from 'vitest';
import type { AlterAction, ColumnDef, CreateTableStmt, Statement } from '../../../src/sql/ast.js';
import { parse, parseExpression } from '../../../src/sql/parser/index.js';
import { all, one, render } from './helpers.js';

function table(sql: string): CreateTableStmt {
  const s = one(sql);
  if (s.kind !== 'createTable') throw new Error(s.kind);
  return s;
}

function column(def: string): ColumnDef {
  return table(`CREATE TABLE t(${def})`).columns[0]!;
}

function alter(action: string): AlterAction {
  const s = one(`ALTER TABLE t ${action}`);
  if (s.kind !== 'alterTable') throw new Error(s.kind);
  return s.action;
}

describe('INSERT', () => {
  it('VALUES with several rows and a column list', () => {
    expect(one("INSERT INTO main.t (a, b) VALUES (1, 'x'), (2, NULL)")).toEqual({
      kind: 'insert',
      schema: 'main',
      table: 't',
      columns: ['a', 'b'],
      source: {
        kind: 'values',
        rows: [
          [{ kind: 'literal', value: 1n, text: '1' }, { kind: 'literal', value: 'x' }],
          [{ kind: 'literal', value: 2n, text: '2' }, { kind: 'literal', value: null }],
        ],
      },
      sql: "INSERT INTO main.t (a, b) VALUES (1, 'x'), (2, NULL)",
    });
  });

  it('INSERT OR …, REPLACE INTO, DEFAULT VALUES, INSERT … SELECT, alias', () => {
    for (const a of ['ROLLBACK', 'ABORT', 'FAIL', 'IGNORE', 'REPLACE']) {
      expect(one(`INSERT OR ${a} INTO t VALUES (1)`)).toMatchObject({ kind: 'insert', orAction: a });
    }
    expect(one('REPLACE INTO t VALUES (1)')).toMatchObject({ kind: 'insert', orAction: 'REPLACE', table: 't' });
    expect(one('INSERT INTO t DEFAULT VALUES')).toMatchObject({ source: { kind: 'defaultValues' } });
    expect(one('INSERT INTO t SELECT * FROM u')).toMatchObject({ source: { kind: 'query', query: { body: { kind: 'select' } } } });
    expect(one('INSERT INTO t VALUES (1) UNION SELECT 2')).toMatchObject({ source: { kind: 'query' } });
    expect(one('INSERT INTO t AS x (a) VALUES (1)')).toMatchObject({ alias: 'x', columns: ['a'] });
    expect(one('WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c')).toMatchObject({ with: { ctes: [{ name: 'c' }] } });
    expect(one('INSERT INTO t VALUES (1)')).not.toHaveProperty('orAction');
  });

  it('upsert: ON CONFLICT DO NOTHING / DO UPDATE, with targets, several clauses', () => {
    const s = one(
      'INSERT INTO t (id, n) VALUES (1, 1) ON CONFLICT (id) WHERE id > 0 DO UPDATE SET n = n + excluded.n, (a, b) = (1, 2) WHERE n < 10 ' +
        'ON CONFLICT DO NOTHING RETURNING id, n AS count',
    );
    expect(s).toMatchObject({
      kind: 'insert',
      upserts: [
        {
          target: { columns: [{ expr: { kind: 'column', name: 'id' } }], where: { kind: 'binary', op: '>' } },
          action: {
            kind: 'update',
            sets: [
              { columns: ['n'], expr: { kind: 'binary', op: '+' } },
              { columns: ['a', 'b'], expr: { kind: 'row' } },
            ],
            where: { kind: 'binary', op: '<' },
          },
        },
        { action: { kind: 'nothing' } },
      ],
      returning: [
        { kind: 'expr', expr: { kind: 'column', name: 'id' }, text: 'id' },
        { kind: 'expr', alias: 'count', text: 'n' },
      ],
    });
    if (s.kind === 'insert') expect(s.upserts![1]).not.toHaveProperty('target');
  });

  it('RETURNING *', () => {
    expect(one('INSERT INTO t VALUES (1) RETURNING *')).toMatchObject({ returning: [{ kind: 'star' }] });
  });
});

describe('UPDATE and DELETE', () => {
  it('UPDATE with every clause', () => {
    const s = one('UPDATE OR IGNORE t AS x INDEXED BY i SET a = 1, (b, c) = (SELECT 1, 2) FROM u WHERE x.id = u.id RETURNING a ORDER BY a LIMIT 5 OFFSET 1');
    expect(s).toMatchObject({
      kind: 'update',
      orAction: 'IGNORE',
      table: 't',
      alias: 'x',
      indexedBy: 'i',
      sets: [{ columns: ['a'] }, { columns: ['b', 'c'], expr: { kind: 'subquery' } }],
      from: { kind: 'table', name: 'u' },
      where: { kind: 'binary', op: '=' },
      returning: [{ kind: 'expr', text: 'a' }],
      orderBy: [{ expr: { name: 'a' } }],
      limit: { value: 5n },
      offset: { value: 1n },
    });
    expect(one('UPDATE t SET a = 1')).toEqual({
      kind: 'update',
      table: 't',
      sets: [{ columns: ['a'], expr: { kind: 'literal', value: 1n, text: '1' } }],
      sql: 'UPDATE t SET a = 1',
    });
  });

  it('DELETE with every clause', () => {
    expect(one('DELETE FROM main.t')).toEqual({ kind: 'delete', schema: 'main', table: 't', sql: 'DELETE FROM main.t' });
    expect(one('WITH d AS (SELECT 1) DELETE FROM t AS x NOT INDEXED WHERE a IN d RETURNING * ORDER BY a DESC LIMIT 2')).toMatchObject({
      kind: 'delete',
      with: { ctes: [{ name: 'd' }] },
      alias: 'x',
      notIndexed: true,
      where: { kind: 'in', table: 'd' },
      returning: [{ kind: 'star' }],
      orderBy: [{ direction: 'DESC' }],
      limit: { value: 2n },
    });
  });
});

describe('CREATE TABLE', () => {
  it('flags, schema and columns', () => {
    const t = table('CREATE TEMP TABLE IF NOT EXISTS main.t (a INTEGER PRIMARY KEY, b)');
    expect(t).toMatchObject({ kind: 'createTable', schema: 'main', name: 't', ifNotExists: true, temporary: true, withoutRowid: false, strict: false });
    expect(t.columns).toEqual([
      { name: 'a', type: { name: 'INTEGER', args: [] }, constraints: [{ kind: 'primaryKey', autoincrement: false }] },
      { name: 'b', constraints: [] },
    ]);
    expect(table('CREATE TEMPORARY TABLE t(a)').temporary).toBe(true);
  });

  it('type names: upper-cased, several words, arguments', () => {
    expect(column('a varchar(20)').type).toEqual({ name: 'VARCHAR', args: [20] });
    expect(column('a decimal(10, 2)').type).toEqual({ name: 'DECIMAL', args: [10, 2] });
    expect(column('a double precision').type).toEqual({ name: 'DOUBLE PRECISION', args: [] });
    expect(column('a unsigned big int').type).toEqual({ name: 'UNSIGNED BIG INT', args: [] });
    expect(column('a numeric(-1, +3)').type).toEqual({ name: 'NUMERIC', args: [-1, 3] });
    for (const t of ['BIGINT', 'SMALLINT', 'REAL', 'FLOAT', 'TEXT', 'BLOB', 'BOOLEAN', 'JSON', 'JSONB', 'DATE', 'TIMESTAMP', 'CHAR']) {
      expect(column(`a ${t.toLowerCase()}`).type, t).toEqual({ name: t, args: [] });
    }
  });

  it('column constraints of every kind, with names and conflict clauses', () => {
    const c = column(
      "a INTEGER CONSTRAINT pk PRIMARY KEY DESC ON CONFLICT REPLACE AUTOINCREMENT NOT NULL ON CONFLICT FAIL NULL UNIQUE ON CONFLICT IGNORE " +
        "CHECK (a > 0) DEFAULT 5 COLLATE nocase REFERENCES p(id) ON DELETE CASCADE ON UPDATE SET NULL",
    );
    expect(c.constraints).toEqual([
      { name: 'pk', kind: 'primaryKey', direction: 'DESC', autoincrement: true, onConflict: 'REPLACE' },
      { kind: 'notNull', onConflict: 'FAIL' },
      { kind: 'null' },
      { kind: 'unique', onConflict: 'IGNORE' },
      { kind: 'check', expr: { kind: 'binary', op: '>', left: { kind: 'column', name: 'a' }, right: { kind: 'literal', value: 0n, text: '0' } }, text: 'a > 0' },
      { kind: 'default', expr: { kind: 'literal', value: 5n, text: '5' }, text: '5' },
      { kind: 'collate', collation: 'nocase' },
      { kind: 'references', ref: { table: 'p', columns: ['id'], onDelete: 'CASCADE', onUpdate: 'SET NULL' } },
    ]);
  });

  it('DEFAULT forms keep a re-parseable text', () => {
    const d = (def: string) => column(`a ${def}`).constraints[0];
    expect(d('DEFAULT -1')).toEqual({ kind: 'default', expr: { kind: 'literal', value: -1n, text: '-1' }, text: '-1' });
    expect(d('DEFAULT +2.5')).toEqual({ kind: 'default', expr: { kind: 'literal', value: 2.5, text: '+2.5' }, text: '+2.5' });
    expect(d("DEFAULT 'it''s'")).toEqual({ kind: 'default', expr: { kind: 'literal', value: "it's" }, text: "'it''s'" });
    expect(d('DEFAULT NULL')).toEqual({ kind: 'default', expr: { kind: 'literal', value: null }, text: 'NULL' });
    expect(d('DEFAULT TRUE')).toEqual({ kind: 'default', expr: { kind: 'literal', value: 1n }, text: 'TRUE' });
    expect(d("DEFAULT X'0a'")).toEqual({ kind: 'default', expr: { kind: 'literal', value: new Uint8Array([10]) }, text: "X'0a'" });
    expect(d('DEFAULT CURRENT_TIMESTAMP')).toEqual({
      kind: 'default',
      expr: { kind: 'function', name: 'CURRENT_TIMESTAMP', args: [], distinct: false, star: false },
      text: 'CURRENT_TIMESTAMP',
    });
    expect(d("DEFAULT (strftime('%s','now'))")).toMatchObject({ kind: 'default', expr: { kind: 'function', name: 'strftime' }, text: "strftime('%s','now')" });
    expect(d('DEFAULT ( 1 + 2 )')).toMatchObject({ text: '1 + 2', expr: { kind: 'binary', op: '+' } });
    expect(d('DEFAULT abc')).toEqual({ kind: 'default', expr: { kind: 'literal', value: 'abc' }, text: "'abc'" });
    expect(d('DEFAULT -9223372036854775808')).toMatchObject({ expr: { value: -9223372036854775808n } });
    expect(d('DEFAULT 0x10')).toMatchObject({ expr: { value: 16n } });
  });

  it('generated columns, and a trailing GENERATED ALWAYS leaves the type (as in SQLite)', () => {
    expect(column('a INT GENERATED ALWAYS AS (b * 2) STORED')).toEqual({
      name: 'a',
      type: { name: 'INT', args: [] },
      constraints: [{ kind: 'generated', expr: { kind: 'binary', op: '*', left: { kind: 'column', name: 'b' }, right: { kind: 'literal', value: 2n, text: '2' } }, text: 'b * 2', stored: true }],
    });
    expect(column('a AS (b) VIRTUAL')).toMatchObject({ constraints: [{ kind: 'generated', stored: false }] });
    expect(column('a GENERATED ALWAYS AS (b)')).not.toHaveProperty('type');
  });

  it('foreign keys: actions, MATCH, DEFERRABLE', () => {
    const ref = (sql: string) => (column(`a REFERENCES p ${sql}`).constraints[0] as { ref: unknown }).ref;
    expect(ref('ON DELETE SET DEFAULT ON UPDATE RESTRICT')).toEqual({ table: 'p', onDelete: 'SET DEFAULT', onUpdate: 'RESTRICT' });
    expect(ref('ON DELETE NO ACTION MATCH FULL')).toEqual({ table: 'p', onDelete: 'NO ACTION' });
    expect(ref('DEFERRABLE INITIALLY DEFERRED')).toEqual({ table: 'p', deferrable: true });
    expect(ref('NOT DEFERRABLE INITIALLY DEFERRED')).toEqual({ table: 'p', deferrable: false });
    expect(ref('DEFERRABLE INITIALLY IMMEDIATE')).toEqual({ table: 'p', deferrable: false });
  });

  it('table constraints', () => {
    const t = table(
      'CREATE TABLE t(a, b, c, PRIMARY KEY (a, b DESC) ON CONFLICT ROLLBACK, CONSTRAINT u1 UNIQUE (c COLLATE nocase), ' +
        'CHECK (a <> b) FOREIGN KEY (b, c) REFERENCES p (x, y) ON DELETE CASCADE)',
    );
    expect(t.constraints).toEqual([
      {
        kind: 'primaryKey',
        columns: [{ expr: { kind: 'column', name: 'a' } }, { expr: { kind: 'column', name: 'b' }, direction: 'DESC' }],
        onConflict: 'ROLLBACK',
      },
      { name: 'u1', kind: 'unique', columns: [{ expr: { kind: 'column', name: 'c' }, collate: 'nocase' }] },
      { kind: 'check', expr: { kind: 'binary', op: '!=', left: { kind: 'column', name: 'a' }, right: { kind: 'column', name: 'b' } }, text: 'a <> b' },
      { kind: 'foreignKey', columns: ['b', 'c'], ref: { table: 'p', columns: ['x', 'y'], onDelete: 'CASCADE' } },
    ]);
    expect(table('CREATE TABLE t(a INTEGER, PRIMARY KEY (a AUTOINCREMENT))').constraints[0]).toMatchObject({ autoincrement: true });
  });

  it('WITHOUT ROWID, STRICT, AS SELECT', () => {
    expect(table('CREATE TABLE t(a PRIMARY KEY) WITHOUT ROWID, STRICT')).toMatchObject({ withoutRowid: true, strict: true });
    expect(table('CREATE TABLE t AS SELECT 1 AS a')).toMatchObject({ columns: [], asSelect: { kind: 'query' } });
    expect(() => parse('CREATE TABLE t(a) WITHOUT foo')).toThrow(/unknown table option: foo/);
    expect(() => parse('CREATE TABLE t(a) SPEEDY')).toThrow(/unknown table option: SPEEDY/);
  });

  it('quoted and keyword names', () => {
    const t = table('CREATE TABLE "my table"([key] TEXT, `action` INT, date DATE, replace INT, \'str\' TEXT)');
    expect(t.name).toBe('my table');
    expect(t.columns.map((c) => c.name)).toEqual(['key', 'action', 'date', 'replace', 'str']);
  });
});

describe('indexes, views, triggers, DROP', () => {
  it('CREATE INDEX', () => {
    expect(one('CREATE UNIQUE INDEX IF NOT EXISTS main.i ON t (a DESC, b COLLATE nocase ASC, lower(c)) WHERE a > 0')).toEqual({
      kind: 'createIndex',
      schema: 'main',
      name: 'i',
      table: 't',
      unique: true,
      ifNotExists: true,
      columns: [
        { expr: { kind: 'column', name: 'a' }, direction: 'DESC' },
        { expr: { kind: 'column', name: 'b' }, collate: 'nocase', direction: 'ASC' },
        { expr: { kind: 'function', name: 'lower', args: [{ kind: 'column', name: 'c' }], distinct: false, star: false }, text: 'lower(c)' },
      ],
      where: { kind: 'binary', op: '>', left: { kind: 'column', name: 'a' }, right: { kind: 'literal', value: 0n, text: '0' } },
      whereText: 'a > 0',
      sql: 'CREATE UNIQUE INDEX IF NOT EXISTS main.i ON t (a DESC, b COLLATE nocase ASC, lower(c)) WHERE a > 0',
    });
  });

  it('CREATE VIEW', () => {
    expect(one('CREATE TEMP VIEW IF NOT EXISTS v (x, y) AS SELECT a, b FROM t')).toMatchObject({
      kind: 'createView',
      name: 'v',
      temporary: true,
      ifNotExists: true,
      columns: ['x', 'y'],
      query: { body: { kind: 'select' } },
    });
  });

  it('CREATE TRIGGER: timing, events, UPDATE OF, FOR EACH ROW, WHEN, body statements with their own text', () => {
    const s = one(
      'CREATE TRIGGER IF NOT EXISTS tr AFTER UPDATE OF a, b ON t FOR EACH ROW WHEN new.a > old.a BEGIN\n' +
        "  INSERT INTO log VALUES (new.a); UPDATE t2 SET n = n + 1;\n  DELETE FROM t3 WHERE x = old.a; SELECT RAISE(ABORT, 'no;pe');\nEND",
    );
    expect(s).toMatchObject({
      kind: 'createTrigger',
      name: 'tr',
      ifNotExists: true,
      timing: 'AFTER',
      event: 'UPDATE',
      updateOf: ['a', 'b'],
      table: 't',
      forEachRow: true,
      when: { kind: 'binary', op: '>' },
    });
    if (s.kind !== 'createTrigger') throw new Error();
    expect(s.body.map((b) => [b.kind, b.sql])).toEqual([
      ['insert', 'INSERT INTO log VALUES (new.a)'],
      ['update', 'UPDATE t2 SET n = n + 1'],
      ['delete', 'DELETE FROM t3 WHERE x = old.a'],
      ['select', "SELECT RAISE(ABORT, 'no;pe')"],
    ]);
    expect(s.sql.endsWith('END')).toBe(true);
  });

  it('trigger defaults and other timings', () => {
    expect(one('CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END')).toMatchObject({ timing: 'BEFORE', event: 'UPDATE', forEachRow: false });
    expect(one('CREATE TEMP TRIGGER r BEFORE DELETE ON t BEGIN SELECT 1; END')).toMatchObject({ timing: 'BEFORE', event: 'DELETE', temporary: true });
    expect(one('CREATE TRIGGER r INSTEAD OF INSERT ON v BEGIN SELECT 1; END')).toMatchObject({ timing: 'INSTEAD OF', event: 'INSERT' });
  });

  it('DROP TABLE / INDEX / VIEW / TRIGGER', () => {
    expect(one('DROP TABLE IF EXISTS main.t')).toEqual({ kind: 'drop', objectType: 'table', schema: 'main', name: 't', ifExists: true, sql: 'DROP TABLE IF EXISTS main.t' });
    expect(one('DROP INDEX i')).toMatchObject({ objectType: 'index', name: 'i', ifExists: false });
    expect(one('DROP VIEW v')).toMatchObject({ objectType: 'view' });
    expect(one('DROP TRIGGER IF EXISTS r')).toMatchObject({ objectType: 'trigger', ifExists: true });
  });
});

describe('ALTER TABLE', () => {
  it('SQLite forms', () => {
    expect(alter('RENAME TO u')).toEqual({ kind: 'renameTable', to: 'u' });
    expect(alter('RENAME COLUMN a TO b')).toEqual({ kind: 'renameColumn', from: 'a', to: 'b' });
    expect(alter('RENAME a TO b')).toEqual({ kind: 'renameColumn', from: 'a', to: 'b' });
    expect(alter("ADD COLUMN c TEXT DEFAULT 'x' NOT NULL")).toEqual({
      kind: 'addColumn',
      column: { name: 'c', type: { name: 'TEXT', args: [] }, constraints: [{ kind: 'default', expr: { kind: 'literal', value: 'x' }, text: "'x'" }, { kind: 'notNull' }] },
    });
    expect(alter('ADD c JSONB')).toMatchObject({ kind: 'addColumn', column: { name: 'c', type: { name: 'JSONB' } } });
    expect(alter('DROP COLUMN c')).toEqual({ kind: 'dropColumn', name: 'c' });
    expect(alter('DROP c')).toEqual({ kind: 'dropColumn', name: 'c' });
    expect(alter('DROP COLUMN IF EXISTS c')).toEqual({ kind: 'dropColumn', name: 'c', ifExists: true });
    expect(one('ALTER TABLE main.t RENAME TO u')).toMatchObject({ kind: 'alterTable', schema: 'main', table: 't' });
  });

  it('ALTER COLUMN: TYPE, SET/DROP NOT NULL, SET/DROP DEFAULT', () => {
    expect(alter('ALTER COLUMN a TYPE BIGINT')).toEqual({ kind: 'alterColumnType', name: 'a', type: { name: 'BIGINT', args: [] } });
    expect(alter('ALTER COLUMN a SET DATA TYPE varchar(50)')).toEqual({ kind: 'alterColumnType', name: 'a', type: { name: 'VARCHAR', args: [50] } });
    expect(alter('ALTER a TYPE INTEGER USING CAST(a AS INTEGER)')).toMatchObject({ kind: 'alterColumnType', using: { kind: 'cast' } });
    expect(alter('ALTER COLUMN a SET NOT NULL')).toEqual({ kind: 'setNotNull', name: 'a' });
    expect(alter('ALTER COLUMN a DROP NOT NULL')).toEqual({ kind: 'dropNotNull', name: 'a' });
    expect(alter('ALTER COLUMN a SET DEFAULT 0')).toEqual({ kind: 'setDefault', name: 'a', expr: { kind: 'literal', value: 0n, text: '0' }, text: '0' });
    expect(alter("ALTER COLUMN a SET DEFAULT (datetime('now'))")).toMatchObject({ kind: 'setDefault', text: "datetime('now')" });
    expect(alter('ALTER COLUMN a DROP DEFAULT')).toEqual({ kind: 'dropDefault', name: 'a' });
  });

  it('ADD/DROP CONSTRAINT and primary-key changes', () => {
    expect(alter('ADD CONSTRAINT pos CHECK (a > 0)')).toEqual({
      kind: 'addConstraint',
      constraint: { name: 'pos', kind: 'check', expr: { kind: 'binary', op: '>', left: { kind: 'column', name: 'a' }, right: { kind: 'literal', value: 0n, text: '0' } }, text: 'a > 0' },
    });
    expect(alter('ADD UNIQUE (a, b)')).toMatchObject({ kind: 'addConstraint', constraint: { kind: 'unique' } });
    expect(alter('ADD FOREIGN KEY (a) REFERENCES p(id)')).toMatchObject({ kind: 'addConstraint', constraint: { kind: 'foreignKey', columns: ['a'] } });
    expect(alter('ADD PRIMARY KEY (a, b)')).toMatchObject({ kind: 'addConstraint', constraint: { kind: 'primaryKey', columns: [{}, {}] } });
    expect(alter('DROP CONSTRAINT pos')).toEqual({ kind: 'dropConstraint', name: 'pos' });
    expect(alter('DROP CONSTRAINT IF EXISTS pos')).toEqual({ kind: 'dropConstraint', name: 'pos', ifExists: true });
    expect(alter('DROP PRIMARY KEY')).toEqual({ kind: 'dropPrimaryKey' });
  });
});

describe('transactions and administration', () => {
  it('BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE', () => {
    expect(one('BEGIN')).toEqual({ kind: 'begin', sql: 'BEGIN' });
    expect(one('BEGIN IMMEDIATE TRANSACTION')).toMatchObject({ kind: 'begin', mode: 'IMMEDIATE' });
    expect(one('BEGIN DEFERRED')).toMatchObject({ mode: 'DEFERRED' });
    expect(one('BEGIN EXCLUSIVE')).toMatchObject({ mode: 'EXCLUSIVE' });
    expect(one('COMMIT TRANSACTION')).toMatchObject({ kind: 'commit' });
    expect(one('END')).toMatchObject({ kind: 'commit' });
    expect(one('ROLLBACK')).toEqual({ kind: 'rollback', sql: 'ROLLBACK' });
    expect(one('ROLLBACK TRANSACTION TO SAVEPOINT sp1')).toMatchObject({ kind: 'rollback', savepoint: 'sp1' });
    expect(one('ROLLBACK TO sp1')).toMatchObject({ kind: 'rollback', savepoint: 'sp1' });
    expect(one('SAVEPOINT sp1')).toMatchObject({ kind: 'savepoint', name: 'sp1' });
    expect(one('RELEASE SAVEPOINT sp1')).toMatchObject({ kind: 'release', name: 'sp1' });
    expect(one('RELEASE sp1')).toMatchObject({ kind: 'release', name: 'sp1' });
  });

  it('PRAGMA forms', () => {
    expect(one('PRAGMA table_info(t)')).toEqual({ kind: 'pragma', name: 'table_info', value: { kind: 'literal', value: 't' }, sql: 'PRAGMA table_info(t)' });
    expect(one('PRAGMA main.foreign_keys = ON')).toMatchObject({ schema: 'main', name: 'foreign_keys', value: { value: 'ON' } });
    expect(one('PRAGMA cache_size = -2000')).toMatchObject({ value: { kind: 'literal', value: -2000n } });
    expect(one("PRAGMA journal_mode = 'wal'")).toMatchObject({ value: { value: 'wal' } });
    expect(one('PRAGMA user_version')).not.toHaveProperty('value');
  });

  it('EXPLAIN and EXPLAIN QUERY PLAN wrap any statement', () => {
    expect(one('EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1')).toMatchObject({
      kind: 'explain',
      queryPlan: true,
      statement: { kind: 'select', sql: 'SELECT * FROM t WHERE a = 1' },
      sql: 'EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1',
    });
    expect(one('EXPLAIN DELETE FROM t')).toMatchObject({ kind: 'explain', queryPlan: false, statement: { kind: 'delete' } });
  });

  it('ANALYZE, VACUUM, REINDEX', () => {
    expect(one('ANALYZE')).toEqual({ kind: 'analyze', sql: 'ANALYZE' });
    expect(one('ANALYZE main.t')).toMatchObject({ kind: 'analyze', target: 'main.t' });
    expect(one('VACUUM')).toMatchObject({ kind: 'vacuum' });
    expect(one('REINDEX t1i1')).toMatchObject({ kind: 'reindex', target: 't1i1' });
  });
});

describe('scripts', () => {
  it('splits on ;, skips empty statements, gives each statement its own text and position', () => {
    const script = ';; CREATE TABLE t(a);\n\n-- comment\nINSERT INTO t VALUES (1) ;;\n  /* x */ SELECT a FROM t;';
    const statements: Statement[] = parse(script);
    expect(statements.map((s) => [s.kind, s.sql])).toEqual([
      ['createTable', 'CREATE TABLE t(a)'],
      ['insert', 'INSERT INTO t VALUES (1)'],
      ['select', 'SELECT a FROM t'],
    ]);
    expect(statements[1]!.pos).toEqual({ line: 4, column: 1, offset: script.indexOf('INSERT') });
    expect(statements[2]!.pos).toEqual({ line: 5, column: 11, offset: script.indexOf('SELECT') });
  });

  it('an empty script or one of comments only has no statements', () => {
    expect(parse('')).toEqual([]);
    expect(parse(' ; ;\n-- nothing\n/* at all */')).toEqual([]);
    expect(parse('SELECT 1 /* unterminated comment')).toHaveLength(1);
  });

  it('trigger bodies keep their semicolons inside BEGIN … END', () => {
    const s = all('CREATE TRIGGER r AFTER INSERT ON t BEGIN INSERT INTO u VALUES (1); INSERT INTO u VALUES (2); END; SELECT 1');
    expect(s.map((x) => x.kind)).toEqual(['createTrigger', 'select']);
  });

  it('CHECK text re-parses to the same expression', () => {
    const t = table("CREATE TABLE t(a CHECK (a BETWEEN 1 AND 10 AND a <> 5), b DEFAULT (a || 'x'))");
    const check = t.columns[0]!.constraints[0]!;
    if (check.kind !== 'check') throw new Error(check.kind);
    expect(render(check.expr)).toBe('(AND (BETWEEN a 1 10) (!= a 5))');
    expect(check.text).toBe('a BETWEEN 1 AND 10 AND a <> 5');
    expect(render(parseExpression(check.text))).toBe(render(check.expr));
  });
});
