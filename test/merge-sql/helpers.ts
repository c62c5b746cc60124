import { open, type Database, type Session } from '../../src/index.js';

export async function setup(ddl: string, seed?: string): Promise<{ db: Database; dev: Session }> {
  const db = await open(undefined, { author: 'tester' });
  await db.exec(ddl);
  if (seed) await db.exec(seed);
  await db.exec('CREATE BRANCH dev');
  const dev = await db.session({ branch: 'dev' });
  return { db, dev };
}

export async function rows(c: { query(sql: string): Promise<Record<string, unknown>[]> }, sql: string): Promise<Record<string, unknown>[]> {
  return c.query(sql);
}

export async function head(db: Database, branch = 'main'): Promise<string> {
  return db.branches.get(branch)!.head;
}

export async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}
