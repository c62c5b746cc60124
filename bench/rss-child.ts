/**
 * Child process for the "RSS after loading 1M rows" benchmark: loads 1M rows of the SQL suite's
 * `accounts` table into a fresh database in a fresh process (so earlier suites' heap does not
 * count), runs a full GC and prints the resident set size in MB on stdout.
 * Usage: `node --import tsx bench/rss-child.ts <dir> heliosdb|sqlite [rows]`.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import BetterSqlite3 from 'better-sqlite3';
import { open } from '../src/index.js';

const DDL = 'CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT, balance REAL, updated INTEGER)';
const [dir, engine, rowsArg] = process.argv.slice(2);
if (dir === undefined || (engine !== 'heliosdb' && engine !== 'sqlite')) {
  console.error('usage: rss-child.ts <dir> heliosdb|sqlite [rows]');
  process.exit(2);
}
const total = Number(rowsArg ?? 1_000_000);
const batch = 100_000;

function rssMb(): number {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
  return Math.round(process.memoryUsage().rss / (1024 * 1024));
}

if (engine === 'heliosdb') {
  const db = await open(join(dir, 'helios-1m'), { synchronous: 'normal' });
  await db.exec(DDL);
  const ins = db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
  for (let b = 0; b < total; b += batch) {
    await db.transaction(async () => {
      for (let i = b; i < Math.min(total, b + batch); i++) await ins.run(i + 1, `name-${i + 1}`, i / 100, 1_700_000_000 + i);
    })();
  }
  process.stdout.write(`${rssMb()}\n`);
  await db.close();
} else {
  const s = new BetterSqlite3(join(dir, 'sqlite-1m.db'));
  s.pragma('journal_mode = WAL');
  s.pragma('synchronous = NORMAL');
  s.exec(DDL);
  const ins = s.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?)');
  for (let b = 0; b < total; b += batch) {
    s.transaction(() => {
      for (let i = b; i < Math.min(total, b + batch); i++) ins.run(i + 1, `name-${i + 1}`, i / 100, 1_700_000_000 + i);
    })();
  }
  process.stdout.write(`${rssMb()}\n`);
  s.close();
}
