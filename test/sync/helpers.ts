/** Shared fixtures of the sync tests: temporary folders, small databases, table snapshots. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type Database } from '../../src/index.js';

/** A fresh temporary folder, removed by `cleanup()`. */
export class TempDirs {
  private readonly dirs: string[] = [];
  make(prefix = 'hdb-sync-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }
  /** A path inside a fresh temporary folder that does not exist yet. */
  path(name: string): string {
    return join(this.make(), name);
  }
  cleanup(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** A database in `dir` with table `t(id INTEGER PRIMARY KEY, v TEXT)` holding `rows` rows. */
export async function seeded(dir: string, rows: number, tag = 'r'): Promise<Database> {
  const db = await open(dir, { synchronous: 'normal' });
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  await insertRows(db, 1, rows, tag);
  return db;
}

/** Insert ids from..to (inclusive) into t in one transaction. */
export async function insertRows(db: Database, from: number, to: number, tag = 'r'): Promise<void> {
  if (to < from) return;
  await db.transaction(async () => {
    const st = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    for (let i = from; i <= to; i++) await st.run(i, `${tag}-${i}-${'x'.repeat(i % 17)}`);
  })();
}

/** Every row of `table`, ordered by id, as JSON text. */
export async function snapshot(db: Database, table = 't'): Promise<string> {
  return JSON.stringify(await db.query(`SELECT * FROM ${table} ORDER BY 1`));
}

/** The head commit id of a branch. */
export async function headOf(db: Database, branch = 'main'): Promise<string> {
  return (await db.resolve(branch)).id;
}
