/**
 * The version-control statements: USE BRANCH, CREATE/DROP/ALTER BRANCH, SHOW, CREATE/DROP
 * TAG, MERGE BRANCH / CONTINUE / ABORT, RESOLVE CONFLICTS, CALL; and the rule that every
 * version-control word stays usable as a name.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/sql/parser/index.js';
import { one } from './helpers.js';

describe('branches', () => {
  it('USE BRANCH [AS OF …]', () => {
    expect(one('USE BRANCH dev')).toEqual({ kind: 'useBranch', name: 'dev', sql: 'USE BRANCH dev' });
    expect(one("USE BRANCH 'feature/x' AS OF TRANSACTION 42")).toMatchObject({
      name: 'feature/x',
      asOf: { kind: 'transaction', expr: { kind: 'literal', value: 42n } },
    });
    expect(one("USE BRANCH main FOR SYSTEM_TIME AS OF TIMESTAMP '2024-06-30'")).toMatchObject({ asOf: { kind: 'timestamp' } });
  });

  it('CREATE BRANCH with every option', () => {
    expect(one('CREATE BRANCH dev')).toEqual({ kind: 'createBranch', name: 'dev', ifNotExists: false, readOnly: false, sql: 'CREATE BRANCH dev' });
    expect(one("CREATE BRANCH IF NOT EXISTS audit_2024 FROM main AS OF TIMESTAMP '2024-12-31 23:59:59' READ ONLY COMMENT 'year-end audit'")).toEqual({
      kind: 'createBranch',
      name: 'audit_2024',
      ifNotExists: true,
      from: 'main',
      asOf: { kind: 'timestamp', expr: { kind: 'literal', value: '2024-12-31 23:59:59' } },
      readOnly: true,
      comment: 'year-end audit',
      sql: "CREATE BRANCH IF NOT EXISTS audit_2024 FROM main AS OF TIMESTAMP '2024-12-31 23:59:59' READ ONLY COMMENT 'year-end audit'",
    });
    expect(one("CREATE BRANCH b FROM 'v1.0' AS OF SCN 10")).toMatchObject({ from: 'v1.0', asOf: { kind: 'scn' } });
    expect(one("CREATE BRANCH b AS OF 'main~3'")).toMatchObject({ asOf: { kind: 'ref', expr: { value: 'main~3' } } });
  });

  it('DROP BRANCH and ALTER BRANCH', () => {
    expect(one('DROP BRANCH IF EXISTS dev')).toEqual({ kind: 'dropBranch', name: 'dev', ifExists: true, sql: 'DROP BRANCH IF EXISTS dev' });
    expect(one('DROP BRANCH dev')).toMatchObject({ ifExists: false });
    expect(one('ALTER BRANCH q1 SET READ ONLY')).toMatchObject({ kind: 'alterBranch', name: 'q1', action: { kind: 'setReadOnly', readOnly: true } });
    expect(one('ALTER BRANCH q1 SET READ WRITE')).toMatchObject({ action: { kind: 'setReadOnly', readOnly: false } });
    expect(one('ALTER BRANCH q1 RENAME TO q1_closed')).toMatchObject({ action: { kind: 'rename', to: 'q1_closed' } });
    expect(one("ALTER BRANCH q1 SET COMMENT 'closed'")).toMatchObject({ action: { kind: 'setComment', comment: 'closed' } });
  });

  it('SHOW BRANCHES | TAGS | TABLES [AS OF …]', () => {
    expect(one('SHOW BRANCHES')).toEqual({ kind: 'show', what: 'branches', sql: 'SHOW BRANCHES' });
    expect(one('show tags')).toMatchObject({ what: 'tags' });
    expect(one("SHOW TABLES AS OF 'v1'")).toMatchObject({ what: 'tables', asOf: { kind: 'ref' } });
  });
});

describe('tags', () => {
  it('CREATE TAG and DROP TAG', () => {
    expect(one("CREATE TAG v1 FROM main AS OF TRANSACTION 9 MESSAGE 'release 1'")).toEqual({
      kind: 'createTag',
      name: 'v1',
      from: 'main',
      asOf: { kind: 'transaction', expr: { kind: 'literal', value: 9n, text: '9' } },
      message: 'release 1',
      sql: "CREATE TAG v1 FROM main AS OF TRANSACTION 9 MESSAGE 'release 1'",
    });
    expect(one('CREATE TAG v2')).toEqual({ kind: 'createTag', name: 'v2', sql: 'CREATE TAG v2' });
    expect(one('DROP TAG v1')).toEqual({ kind: 'dropTag', name: 'v1', ifExists: false, sql: 'DROP TAG v1' });
    expect(one('DROP TAG IF EXISTS v1')).toMatchObject({ ifExists: true });
  });
});

describe('merge', () => {
  it('MERGE BRANCH with and without INTO and options', () => {
    expect(one('MERGE BRANCH feature')).toEqual({ kind: 'mergeBranch', source: 'feature', options: {}, sql: 'MERGE BRANCH feature' });
    expect(one("MERGE BRANCH feature INTO main WITH (NO_FF, SQUASH, MESSAGE 'merge it', STRATEGY THEIRS, FORCE, DRY_RUN)")).toMatchObject({
      source: 'feature',
      into: 'main',
      options: { noFastForward: true, squash: true, message: 'merge it', strategy: 'THEIRS', force: true, dryRun: true },
    });
    expect(one('merge branch a into b with (strategy ours)')).toMatchObject({ options: { strategy: 'OURS' } });
  });

  it('rejects unknown or malformed MERGE options', () => {
    expect(() => parse('MERGE BRANCH a WITH (FAST)')).toThrow(/unknown MERGE option: FAST/);
    expect(() => parse('MERGE BRANCH a WITH (STRATEGY MINE)')).toThrow(/near "MINE": syntax error/);
    expect(() => parse('MERGE BRANCH a WITH (MESSAGE)')).toThrow(/MESSAGE needs a string/);
    expect(() => parse('MERGE BRANCH a WITH (SQUASH yes)')).toThrow(/near "yes": syntax error/);
  });

  it('MERGE CONTINUE, MERGE ABORT, RESOLVE CONFLICTS', () => {
    expect(one('MERGE CONTINUE')).toEqual({ kind: 'mergeContinue', sql: 'MERGE CONTINUE' });
    expect(one('MERGE ABORT')).toEqual({ kind: 'mergeAbort', sql: 'MERGE ABORT' });
    expect(one('RESOLVE CONFLICTS USING OURS')).toEqual({ kind: 'resolveConflicts', using: 'OURS', sql: 'RESOLVE CONFLICTS USING OURS' });
    expect(one('RESOLVE CONFLICTS ON accounts WHERE id BETWEEN 1 AND 9 USING THEIRS')).toMatchObject({
      table: 'accounts',
      where: { kind: 'between' },
      using: 'THEIRS',
    });
  });
});

describe('CALL', () => {
  it('procedures with arguments', () => {
    expect(one("CALL heliosdb_commit('fix balances')")).toEqual({
      kind: 'call',
      name: 'heliosdb_commit',
      args: [{ kind: 'literal', value: 'fix balances' }],
      sql: "CALL heliosdb_commit('fix balances')",
    });
    expect(one('CALL heliosdb_gc()')).toMatchObject({ name: 'heliosdb_gc', args: [] });
    expect(one('CALL heliosdb_gc')).toMatchObject({ name: 'heliosdb_gc', args: [] });
  });
});

describe('version-control words stay names', () => {
  const words = [
    'branch', 'branches', 'tag', 'tags', 'merge', 'show', 'use', 'resolve', 'conflicts', 'call', 'scn', 'timestamp',
    'transaction', 'system_time', 'ours', 'theirs', 'comment', 'message', 'read', 'only', 'write', 'continue', 'tables',
    'data', 'type', 'abort',
  ];
  it('as table names, column names, aliases and in every statement kind', () => {
    for (const w of words) {
      const script = [
        `CREATE TABLE ${w} (${w} INTEGER PRIMARY KEY, x ${w === 'abort' ? 'TEXT' : w})`,
        `INSERT INTO ${w} (${w}) VALUES (1)`,
        `UPDATE ${w} SET ${w} = ${w} + 1 WHERE ${w} > 0`,
        `SELECT ${w}, ${w}.${w} AS ${w} FROM ${w} ${w} WHERE ${w} = 1 ORDER BY ${w}`,
        `DELETE FROM ${w} WHERE ${w} IS NULL`,
        `CREATE INDEX ${w}_i ON ${w} (${w})`,
        `DROP TABLE ${w}`,
      ].join(';\n');
      const statements = parse(script);
      expect(statements.map((s) => s.kind), w).toEqual(['createTable', 'insert', 'update', 'select', 'delete', 'createIndex', 'drop']);
      expect(statements[3], w).toMatchObject({
        query: { body: { columns: [{ expr: { kind: 'column', name: w } }, { alias: w }], from: { name: w, alias: w } } },
      });
    }
  });
});
