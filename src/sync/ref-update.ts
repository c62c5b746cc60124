/**
 * Applying a `RefUpdate` to a `RefStore`: the receiving side of a push (folder transport and
 * HTTP server). Fast-forward only unless forced; a head that moved since the pusher looked
 * (a concurrent push won) is a `NON_FAST_FORWARD` error, decided under the RefStore's write
 * queue, so of two concurrent pushes from one head exactly one succeeds.
 */
import type { CID } from '../hash/index.js';
import { ChunkNotFoundError, HeliosError, NonFastForwardError } from '../errors/index.js';
import type { RefStore } from '../refs/index.js';
import type { RefUpdate } from './transport.js';

function same(a: CID | null, b: CID | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function describe(c: CID | null): string {
  return c === null ? '(none)' : c.toString();
}

/** Apply `u` to `refs`. Every chunk `u.next` reaches must already be stored. */
export async function applyRefUpdate(refs: RefStore, u: RefUpdate): Promise<void> {
  if (!refs.hasCommit(u.next)) throw new ChunkNotFoundError(u.next.toString(), 'pushed commit');
  if (u.commits && u.commits.length > 0) await refs.indexCommits(u.commits.filter((c) => refs.hasCommit(c)));
  if (u.kind === 'tag') {
    const t = refs.getTag(u.name);
    if (t !== undefined) {
      if (t.commit.equals(u.next)) return;
      if (!u.force) throw new NonFastForwardError(u.name, `tag exists at ${t.commit.toString()}`);
      await refs.dropTag(u.name);
    }
    await refs.createTag(u.name, u.next, { message: 'pushed' });
    return;
  }
  const b = refs.getBranch(u.name);
  const current = b?.head ?? null;
  if (!u.force) {
    if (!same(current, u.expected)) {
      throw new NonFastForwardError(u.name, `the remote head is ${describe(current)}, expected ${describe(u.expected)}`);
    }
    if (current !== null && !refs.isAncestor(current, u.next)) {
      throw new NonFastForwardError(u.name, `${u.next.toString()} does not descend from ${current.toString()}`);
    }
  }
  try {
    if (current === null) await refs.createBranch(u.name, u.next, { createdFrom: 'push', message: 'push' });
    else if (!current.equals(u.next)) await refs.moveBranch(u.name, current, u.next, { message: u.force ? 'forced push' : 'push' });
  } catch (err) {
    if (err instanceof HeliosError && (err.code === 'REF_MOVED' || err.code === 'REF_EXISTS')) {
      throw new NonFastForwardError(u.name, 'another update won the race');
    }
    throw err;
  }
}

/** The refs a `RefStore` publishes. */
export function refListOf(refs: RefStore): { branches: Record<string, CID>; tags: Record<string, CID>; defaultBranch?: string } {
  const branches: Record<string, CID> = {};
  for (const b of refs.listBranches()) branches[b.name] = b.head;
  const tags: Record<string, CID> = {};
  for (const t of refs.listTags()) tags[t.name] = t.commit;
  const d = refs.defaultBranch;
  return d === undefined ? { branches, tags } : { branches, tags, defaultBranch: d };
}
