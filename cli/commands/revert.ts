/**
 * `heliosdb-nano revert <commit>`: a new commit that undoes the row changes of a commit. Uses
 * `CALL heliosdb_revert('ref')` when the SQL engine has it; otherwise applies the inverse of the
 * commit's row diff (keyed by primary key) in one transaction, failing when a row changed since.
 */
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.js';
import { changesBetween, shortId } from '../history-view.js';
import { ident, lit } from '../sql-runner.js';
import { HeliosError, type Database } from '../../src/index.js';

async function pkColumns(db: Database, table: string): Promise<string[]> {
  const info = await db.query<{ name: string; pk: number }>(`PRAGMA table_info(${lit(table)})`);
  return info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('revert')
    .description('create a commit that undoes a commit')
    .argument('<commit>', 'the commit to undo (id, prefix, tag, ref~k)')
    .option('-m, --message <message>', 'message of the new commit')
    .addHelpText('after', '\nExample:\n  $ heliosdb-nano revert main~1')
    .action(
      ctx.action(async (ref: string, o: { message?: string }) => {
        await ctx.withDb(async (db) => {
          const target = await db.resolve(ref);
          const [c] = await db.log(target.id, { limit: 1 });
          if (!c) throw new CliError(`no commit ${ref}`);
          const message = o.message ?? `Revert "${c.message.split('\n')[0]}"\n\nThis reverts commit ${c.id}.`;
          try {
            await db.query(`CALL heliosdb_revert(${lit(target.id)})`);
          } catch (e) {
            if (!(e instanceof HeliosError) || !(['NOT_SUPPORTED', 'NO_SUCH_FUNCTION', 'SQL_SYNTAX', 'NO_SUCH_PROCEDURE'].includes(e.code) || /no such procedure/i.test(e.message))) throw e;
            const parent = c.parents[0];
            if (!parent) throw new CliError('cannot revert the first commit');
            if (c.parents.length > 1) throw new CliError('cannot revert a merge commit');
            const { changes } = await changesBetween(db, parent, c.id);
            if (changes.length === 0) throw new CliError(`commit ${shortId(c.id)} changed no rows (schema-only commits cannot be reverted yet)`);
            const pks = new Map<string, string[]>();
            for (const ch of changes) if (!pks.has(ch.table)) pks.set(ch.table, await pkColumns(db, ch.table));
            const apply = db.transaction(
              async () => {
                for (const ch of changes) {
                  const t = ident(ch.table);
                  const keyCols = pks.get(ch.table)!;
                  const whereOf = (row: Record<string, unknown>) => {
                    const cols = keyCols.length ? keyCols : Object.keys(row);
                    return { sql: cols.map((k) => (row[k] === null ? `${ident(k)} IS NULL` : `${ident(k)} = ?`)).join(' AND '), params: cols.filter((k) => row[k] !== null).map((k) => row[k]) };
                  };
                  if (ch.type === 'added') {
                    const w = whereOf(ch.to!);
                    const r = await db.run(`DELETE FROM ${t} WHERE ${w.sql}`, w.params);
                    if (r.changes === 0) throw new CliError(`cannot revert: a row added by ${shortId(c.id)} in ${ch.table} is gone`);
                  } else if (ch.type === 'removed') {
                    const cols = Object.keys(ch.from!);
                    await db.run(`INSERT INTO ${t} (${cols.map(ident).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((k) => ch.from![k]));
                  } else {
                    const cols = Object.keys(ch.from!);
                    const w = whereOf(ch.to!);
                    const r = await db.run(`UPDATE ${t} SET ${cols.map((k) => `${ident(k)} = ?`).join(', ')} WHERE ${w.sql}`, [...cols.map((k) => ch.from![k]), ...w.params]);
                    if (r.changes === 0) throw new CliError(`cannot revert: a row modified by ${shortId(c.id)} in ${ch.table} is gone`);
                  }
                }
              },
              { message },
            );
            await apply();
            if (db.versioning === 'manual') await db.commit({ message });
          }
          const [head] = await db.log(undefined, { limit: 1 });
          if (ctx.json) ctx.printJson({ reverted: c.id, commit: head?.id ?? null });
          else ctx.print(`[${db.branch} ${head ? shortId(head.id) : ''}] ${message.split('\n')[0]}`);
        });
      }),
    );
}
