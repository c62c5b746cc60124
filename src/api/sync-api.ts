/**
 * The sync half of the public API, behind `Database`: `db.remotes.*`, `db.fetch`, `db.pull`,
 * `db.push`, `db.bundle.create/import`, `db.serve`, and the exported `clone(remote, dir)`.
 *
 * A remote is a configured name (`origin`) or a location given directly: a database folder,
 * an `http://` URL served by `db.serve()` / `heliosdb-nano serve`, or a `.car` bundle file.
 * Fetch writes remote-tracking refs `<remote>/<branch>` (resolvable like any ref; `prune` drops
 * those of branches gone from the remote) and local tags (never `<remote>/<tag>`: the tags on
 * the fetched history, or all with `tags`; a tag never moves once it exists); pull
 * fast-forwards, or merges through the merge engine when histories diverged; push is
 * fast-forward only unless forced. Moving a local branch also refreshes the state its open
 * sessions see.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { cidKey, type CID } from '../hash/index.js';
import { CloneTargetExistsError, NonFastForwardError, RemoteError, RemoteNotFoundError } from '../errors/index.js';
import { openStorage, type ChunkStore, type MetaStore } from '../store/index.js';
import { RefStore } from '../refs/index.js';
import { WriteBarrier } from '../gc/index.js';
import {
  CarBundleWriter,
  CarTransport,
  RemoteConfig,
  applyRefUpdate,
  chunkLinks,
  normalizeRemoteUrl,
  openTransport,
  startSyncServer,
  transfer,
  type ChunkSink,
  type ChunkSource,
  type RefList,
  type RefUpdate,
  type RemoteInfo,
  type ServeOptions,
  type SyncServer,
  type TransferOptions,
  type TransferProgress,
  type TransferResult,
  type Transport,
} from '../sync/index.js';
import type { VersionControl } from '../sql/index.js';

export type { RemoteInfo, ServeOptions, SyncServer, TransferProgress };

/** Options every network call takes. */
export interface SyncCallOptions {
  /** Progress of the chunk transfer (chunks, bytes, rate). */
  onProgress?: (p: TransferProgress) => void;
  /** Bearer token for pushes to an HTTP server. */
  token?: string;
  /** Cancels the transfer; what arrived stays and the next run resumes from there. */
  signal?: AbortSignal;
  /** Chunks per request / write batch (default 1024). */
  batchChunks?: number;
}

/**
 * Batches when one side is a bundle file (or the local store writing one): local reads need
 * no deep read-ahead, and small batches keep memory at a few MiB whatever the bundle's size.
 */
const BUNDLE_BATCH: Partial<TransferOptions> = { batchChunks: 256, prefetchBytes: 1 << 20, batchBytes: 1 << 20 };

/** Transfer options for `source` → `dest` with the caller's progress, signal and batch size. */
function transferOptions(source: ChunkSource, dest: ChunkSink, heads: CID[], o: SyncCallOptions, extra: Partial<TransferOptions> = {}): TransferOptions {
  const tr: TransferOptions = { ...(source instanceof CarTransport || dest instanceof CarBundleWriter ? BUNDLE_BATCH : {}), ...extra, source, dest, heads };
  if (o.onProgress) tr.onProgress = o.onProgress;
  if (o.signal) tr.signal = o.signal;
  if (o.batchChunks) tr.batchChunks = o.batchChunks;
  return tr;
}

/**
 * Commits this database holds with their DAGs, for a fetch's commit walk to stop at: the
 * remote's tracking refs first, then the branches, then the tags (at most 256).
 */
function localHeads(refs: RefStore, remote: string | undefined): CID[] {
  const out = new Map<string, CID>();
  const add = (c: CID): void => {
    if (out.size < 256) out.set(cidKey(c), c);
  };
  if (remote !== undefined) for (const r of refs.listRemoteRefs(remote)) add(r.head);
  for (const b of refs.listBranches()) add(b.head);
  for (const t of refs.listTags()) add(t.commit);
  return [...out.values()];
}

export interface TransferStats {
  /** Chunks sent / received. */
  chunks: number;
  bytes: number;
  /** Chunks the other side already had (each a whole skipped subtree). */
  skipped: number;
  elapsedMs: number;
}

export interface RefChange {
  /** Local ref written: `origin/main`, or a tag name. */
  ref: string;
  from: string | null;
  to: string;
}

export interface FetchOptions extends SyncCallOptions {
  /**
   * Fetch every tag of the remote. Without it a fetch takes the tags that point at commits it
   * brings (or this database already has on the fetched history), like git's tag auto-follow.
   */
  tags?: boolean;
  /** Delete the remote-tracking refs `<remote>/<branch>` whose branch no longer exists on the remote. */
  prune?: boolean;
}

export interface FetchResult extends TransferStats {
  remote: string;
  updated: RefChange[];
  /** Remote-tracking refs deleted (`prune`). */
  pruned: string[];
  /**
   * Remote tags not taken: a local tag of that name points elsewhere (tags never move), or a
   * local branch has that name. `from` is the local commit, `to` the remote's.
   */
  rejected: RefChange[];
}

export interface PushOptions extends SyncCallOptions {
  /** Overwrite the remote branch even when it is not a fast-forward (and, with `tags`, remote tags that differ). */
  force?: boolean;
  /**
   * Also send every local tag. A tag the remote lacks is created; one it has at another commit
   * is refused (`NON_FAST_FORWARD`, nothing sent) unless `force`.
   */
  tags?: boolean;
}

export interface PushResult extends TransferStats {
  remote: string;
  branch: string;
  from: string | null;
  to: string;
  /** Nothing was sent: the remote branch (and, with `tags`, every tag) was already there. */
  upToDate: boolean;
  /** Tags created or (forced) moved on the remote. */
  tags: RefChange[];
}

export interface PullResult {
  fetch: FetchResult;
  /**
   * What happened to the local branch: `merge` = a merge commit was recorded; `conflicts` = the
   * merge stopped with conflicts (a merge in progress on the branch, see `db.conflicts()`).
   */
  kind: 'up-to-date' | 'fast-forward' | 'merge' | 'conflicts';
  /** The merge engine's result, when a merge ran. */
  merge?: unknown;
  branch: string;
  head: string;
}

export interface BundleCreateOptions {
  /** Refs the receiver already has: their history is left out (a thin, incremental bundle). */
  since?: string[];
  onProgress?: (p: TransferProgress) => void;
  /** Cancels the write; the target file is left as it was. */
  signal?: AbortSignal;
}

export interface BundleResult extends TransferStats {
  file: string;
  refs: RefChange[];
}

/** What the sync API needs from the database. */
export interface SyncHostDeps {
  chunks: ChunkStore;
  meta: MetaStore;
  vc: VersionControl;
  /** The branch of the default connection. */
  currentBranch(): string;
  /** Merge `src` (ref text) into branch `into`; provided by the merge engine. */
  merge(src: string, into: string): Promise<unknown>;
}

function stats(r: TransferResult): TransferStats {
  return { chunks: r.chunks, bytes: r.bytes, skipped: r.skipped, elapsedMs: r.elapsedMs };
}

function text(c: CID | null | undefined): string | null {
  return c ? c.toString() : null;
}

function looksLikeLocation(s: string): boolean {
  return /^https?:\/\//i.test(s) || /\.car$/i.test(s) || s.includes('/') || s.includes('\\') || s.startsWith('.');
}

/** Move a local branch head and refresh the state its sessions see. */
async function moveLocalBranch(vc: VersionControl, branch: string, expected: CID | null, next: CID, message: string): Promise<void> {
  if (expected === null) {
    await vc.refs.createBranch(branch, next, { createdFrom: message, message });
    return;
  }
  const engine = await vc.engine(branch);
  await engine.writeLock.acquire();
  try {
    if (vc.mode === 'manual') {
      const h = await vc.heads(branch);
      if (!h.working.equals(h.headRoot)) {
        throw new NonFastForwardError(branch, 'the branch has uncommitted changes; commit or reset them first');
      }
    }
    await vc.refs.moveBranch(branch, expected, next, { message });
    engine.reset(vc.catalogAt(vc.rootOf(next)));
  } finally {
    engine.writeLock.release();
  }
}

/** A ref update received from a pusher, applied so that open sessions see it. */
async function receiveRefUpdate(vc: VersionControl, u: RefUpdate): Promise<void> {
  if (u.kind !== 'branch' || vc.refs.getBranch(u.name) === undefined) {
    await applyRefUpdate(vc.refs, u);
    return;
  }
  const engine = await vc.engine(u.name);
  await engine.writeLock.acquire();
  try {
    if (vc.mode === 'manual') {
      const h = await vc.heads(u.name);
      if (!h.working.equals(h.headRoot)) throw new NonFastForwardError(u.name, 'the branch has uncommitted changes on the remote');
    }
    await applyRefUpdate(vc.refs, u);
    const head = vc.refs.requireBranch(u.name).head;
    engine.reset(vc.catalogAt(vc.rootOf(head)));
  } finally {
    engine.writeLock.release();
  }
}

/** A sink that reports the chunks reachable from `basis` as present (thin bundles). */
class BasisSink implements ChunkSink {
  constructor(
    private readonly inner: ChunkSink,
    private readonly known: Set<string>,
  ) {}
  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    const r = await this.inner.hasMany(cids);
    return r.map((h, i) => h || this.known.has((cids[i] as CID).toString()));
  }
  putMany(chunks: Iterable<{ cid: CID; bytes: Uint8Array }>): Promise<void> {
    return this.inner.putMany(chunks);
  }
}

/**
 * The local store as a transfer's destination under a GC hold: while a collection runs, a chunk
 * counts as present only when the collection will not sweep it (see `WriteBarrier.hasManyTrusted`).
 */
function gcSafeSink(store: ChunkStore): ChunkSink {
  const barrier = WriteBarrier.install(store);
  return {
    hasMany: (cids) => barrier.hasManyTrusted(cids),
    putMany: (chunks) => store.putMany(chunks),
  };
}

/** Every chunk reachable from `heads` in `store`. */
async function reachable(store: ChunkStore, heads: readonly CID[]): Promise<Set<string>> {
  const seen = new Set<string>();
  let frontier = [...heads];
  while (frontier.length > 0) {
    const fresh = frontier.filter((c) => {
      const k = c.toString();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    frontier = [];
    for (let i = 0; i < fresh.length; i += 1024) {
      const part = fresh.slice(i, i + 1024);
      for (const b of await store.getMany(part)) frontier.push(...chunkLinks(b));
    }
  }
  return seen;
}

export class SyncApi {
  private readonly config: RemoteConfig;
  private readonly servers = new Set<SyncServer>();

  constructor(private readonly d: SyncHostDeps) {
    this.config = new RemoteConfig(d.meta);
  }

  /** `db.remotes`: configured remotes. */
  readonly remotes = {
    add: (name: string, url: string): Promise<RemoteInfo> => this.config.add(name, url),
    remove: async (name: string): Promise<void> => {
      await this.config.remove(name);
      for (const r of this.d.vc.refs.listRemoteRefs(name)) await this.d.vc.refs.putRemoteRef(r.name, null);
    },
    list: (): Promise<RemoteInfo[]> => this.config.list(),
    get: (name: string): Promise<RemoteInfo | undefined> => this.config.get(name),
  };

  /** `db.bundle`: CAR bundle files for offline transfer. */
  readonly bundle = {
    create: (file: string, refs?: string[], options: BundleCreateOptions = {}): Promise<BundleResult> => this.bundleCreate(file, refs, options),
    /** Every branch as `<as>/<branch>` and every tag the bundle names (unless `tags: false`). */
    import: (file: string, options: FetchOptions & { as?: string } = {}): Promise<FetchResult> => this.fetchFrom(options.as ?? 'bundle', normalizeRemoteUrl(file), undefined, { tags: true, ...options }),
  };

  /** The location of a remote name (or the location itself when one is given). */
  private async locate(remote: string): Promise<{ name: string | undefined; url: string }> {
    if (typeof remote !== 'string' || remote === '') throw new TypeError('Expected a remote name or location');
    const r = await this.config.get(remote);
    if (r) return { name: r.name, url: r.url };
    if (looksLikeLocation(remote)) return { name: undefined, url: remote };
    throw new RemoteNotFoundError(remote);
  }

  private transport(url: string, o: SyncCallOptions): Transport {
    const t: { token?: string; signal?: AbortSignal } = {};
    if (o.token !== undefined) t.token = o.token;
    if (o.signal !== undefined) t.signal = o.signal;
    return openTransport(url, t);
  }

  /** Fetch branches (all, or `branches`) of a remote into remote-tracking refs, and its tags (see `FetchOptions`). */
  async fetch(remote = 'origin', branches?: string[], options: FetchOptions = {}): Promise<FetchResult> {
    const loc = await this.locate(remote);
    return this.fetchFrom(loc.name, loc.url, branches, options);
  }

  /**
   * Fetch under the GC write barrier's hold: the chunks written (and the subtrees skipped as
   * present) are not reachable from any ref until the remote-tracking refs move, so no
   * collection may run in between (one in progress is waited for; one starting waits).
   */
  private fetchFrom(name: string | undefined, url: string, branches: string[] | undefined, o: FetchOptions): Promise<FetchResult & { heads: Record<string, CID> }> {
    return WriteBarrier.install(this.d.chunks).hold(() => this.fetchHeld(name, url, branches, o));
  }

  private async fetchHeld(name: string | undefined, url: string, branches: string[] | undefined, o: FetchOptions): Promise<FetchResult & { heads: Record<string, CID> }> {
    const refs = this.d.vc.refs;
    const t = this.transport(url, o);
    try {
      const list = await t.listRefs();
      const wanted: Record<string, CID> = {};
      for (const [b, head] of Object.entries(list.branches)) if (branches === undefined || branches.includes(b)) wanted[b] = head;
      if (branches) for (const b of branches) if (!(b in wanted)) throw new RemoteError(url, `no branch ${JSON.stringify(b)}`);
      // Tags never move: a remote tag whose name is taken locally (by another commit, or a branch) is rejected.
      const tags: [string, CID][] = [];
      const rejected: RefChange[] = [];
      for (const [n, c] of Object.entries(list.tags)) {
        const local = refs.getTag(n)?.commit ?? refs.getBranch(n)?.head;
        if (local === undefined) tags.push([n, c]);
        else if (!local.equals(c) || refs.getTag(n) === undefined) rejected.push({ ref: n, from: local.toString(), to: c.toString() });
      }
      const heads = [...Object.values(wanted), ...(o.tags ? tags.map(([, c]) => c) : [])];
      const r = await transfer(transferOptions(t, gcSafeSink(this.d.chunks), heads, o, { sourceName: url, haves: localHeads(refs, name) }));
      await refs.indexCommits(r.commits);
      const updated: RefChange[] = [];
      if (name !== undefined) {
        for (const [b, head] of Object.entries(wanted)) {
          const ref = `${name}/${b}`;
          const cur = refs.getRemoteRef(ref)?.head ?? null;
          if (cur !== null && cur.equals(head)) continue;
          await refs.putRemoteRef(ref, head);
          updated.push({ ref, from: text(cur), to: head.toString() });
        }
      }
      // Auto-follow: without `tags`, the tags on the fetched history.
      const fetched = Object.values(wanted);
      for (const [n, c] of tags) {
        if (!o.tags && !(refs.hasCommit(c) && fetched.some((h) => h.equals(c) || refs.isAncestor(c, h)))) continue;
        await refs.createTag(n, c, { message: `fetched from ${url}` });
        updated.push({ ref: n, from: null, to: c.toString() });
      }
      const pruned: string[] = [];
      if (o.prune && name !== undefined) {
        for (const rr of refs.listRemoteRefs(name)) {
          if (rr.name.slice(name.length + 1) in list.branches) continue;
          await refs.putRemoteRef(rr.name, null);
          pruned.push(rr.name);
        }
      }
      return { remote: name ?? url, updated, pruned, rejected, ...stats(r), heads: wanted };
    } finally {
      await t.close();
    }
  }

  /** Fetch `branch` from a remote and bring the local branch of that name up to it. */
  async pull(remote = 'origin', branch?: string, options: SyncCallOptions = {}): Promise<PullResult> {
    // Held until the local branch moved: from a location with no remote name, no
    // remote-tracking ref reaches the fetched chunks before that.
    return WriteBarrier.install(this.d.chunks).hold(() => this.pullHeld(remote, branch, options));
  }

  private async pullHeld(remote: string, branch: string | undefined, options: SyncCallOptions): Promise<PullResult> {
    const b = branch ?? this.d.currentBranch();
    const loc = await this.locate(remote);
    const f = await this.fetchHeld(loc.name, loc.url, [b], options);
    const refs = this.d.vc.refs;
    const theirs = f.heads[b] as CID;
    const { heads: _h, ...fetchResult } = f;
    void _h;
    const local = refs.getBranch(b);
    if (local === undefined) {
      await moveLocalBranch(this.d.vc, b, null, theirs, `pull ${loc.name ?? loc.url}`);
      return { fetch: fetchResult, kind: 'fast-forward', branch: b, head: theirs.toString() };
    }
    const ours = local.head;
    if (ours.toString() === theirs.toString() || refs.isAncestor(theirs, ours)) return { fetch: fetchResult, kind: 'up-to-date', branch: b, head: ours.toString() };
    if (refs.isAncestor(ours, theirs)) {
      await moveLocalBranch(this.d.vc, b, ours, theirs, `pull ${loc.name ?? loc.url}: fast-forward`);
      return { fetch: fetchResult, kind: 'fast-forward', branch: b, head: theirs.toString() };
    }
    const m = await this.d.merge(loc.name !== undefined ? `${loc.name}/${b}` : theirs.toString(), b);
    const status = m !== null && typeof m === 'object' && 'status' in m ? (m as { status: unknown }).status : undefined;
    return { fetch: fetchResult, kind: status === 'conflicts' ? 'conflicts' : 'merge', branch: b, head: refs.requireBranch(b).head.toString(), merge: m };
  }

  /** Send a local branch (and with `tags` every local tag) to a remote; fast-forward only unless `force`. */
  async push(remote = 'origin', branch?: string, options: PushOptions = {}): Promise<PushResult> {
    const b = branch ?? this.d.currentBranch();
    const refs = this.d.vc.refs;
    const local = refs.requireBranch(b).head;
    const loc = await this.locate(remote);
    const t = this.transport(loc.url, options);
    try {
      const list = await t.listRefs();
      const theirs = list.branches[b] ?? null;
      const base = { remote: loc.name ?? loc.url, branch: b, from: text(theirs), to: local.toString() };
      const branchDone = theirs !== null && theirs.equals(local);
      if (!branchDone && theirs !== null && !options.force) {
        if (!refs.hasCommit(theirs)) throw new NonFastForwardError(b, 'the remote has commits this database does not have; fetch and merge first');
        if (!refs.isAncestor(theirs, local)) throw new NonFastForwardError(b, 'the remote branch has diverged; fetch and merge first');
      }
      // Tags never move: one the remote has at another commit is refused before anything is sent.
      const tagUpdates: RefUpdate[] = [];
      for (const tag of options.tags ? refs.listTags() : []) {
        const cur = list.tags[tag.name] ?? null;
        if (cur !== null && cur.equals(tag.commit)) continue;
        if (cur !== null && !options.force) {
          throw new NonFastForwardError(tag.name, `the remote has tag ${tag.name} at ${cur.toString()}, this database at ${tag.commit.toString()}; tags never move (force overwrites)`);
        }
        if (list.branches[tag.name] !== undefined) throw new NonFastForwardError(tag.name, `the remote has a branch named ${tag.name}`);
        tagUpdates.push({ kind: 'tag', name: tag.name, expected: cur, next: tag.commit, force: cur !== null });
      }
      if (branchDone && tagUpdates.length === 0) {
        if (loc.name !== undefined) await refs.putRemoteRef(`${loc.name}/${b}`, local);
        return { ...base, upToDate: true, tags: [], chunks: 0, bytes: 0, skipped: 0, elapsedMs: 0 };
      }
      const heads = [...(branchDone ? [] : [local]), ...tagUpdates.map((u) => u.next)];
      // The remote's refs are heads it holds: the commit walk stops there without asking.
      const haves = [...Object.values(list.branches), ...Object.values(list.tags)];
      const r = await transfer(transferOptions(this.d.chunks, t, heads, options, { verify: false, haves }));
      if (!branchDone) await t.updateRef({ kind: 'branch', name: b, expected: theirs, next: local, force: options.force === true, commits: r.commits });
      const tags: RefChange[] = [];
      for (const u of tagUpdates) {
        await t.updateRef(branchDone && tags.length === 0 ? { ...u, commits: r.commits } : u);
        tags.push({ ref: u.name, from: text(u.expected), to: u.next.toString() });
      }
      if (loc.name !== undefined) await refs.putRemoteRef(`${loc.name}/${b}`, local);
      return { ...base, upToDate: false, tags, ...stats(r) };
    } finally {
      await t.close();
    }
  }

  private async bundleCreate(file: string, refNames: string[] | undefined, o: BundleCreateOptions): Promise<BundleResult> {
    const refs = this.d.vc.refs;
    const names = refNames && refNames.length > 0 ? refNames : [this.d.currentBranch()];
    const entries: { kind: 'branch' | 'tag'; name: string; head: CID }[] = [];
    for (const n of names) {
      const r = await refs.resolve(n);
      if (r.kind === 'tag') entries.push({ kind: 'tag', name: n, head: r.commit });
      else if (r.kind === 'branch') entries.push({ kind: 'branch', name: n, head: r.commit });
      else if (r.kind === 'remote') entries.push({ kind: 'branch', name: n.slice(n.indexOf('/') + 1), head: r.commit });
      else throw new TypeError(`bundle refs must be branch, tag or remote-tracking names (got ${JSON.stringify(n)})`);
    }
    const path = normalizeRemoteUrl(file);
    const list: RefList = { branches: {}, tags: {} };
    for (const e of entries) {
      (e.kind === 'branch' ? list.branches : list.tags)[e.name] = e.head;
      if (e.kind === 'branch') list.defaultBranch ??= e.name;
    }
    // A new file, streamed: the header and manifest first, then every chunk once.
    const car = await CarBundleWriter.create(path, list);
    let r: TransferResult;
    try {
      let dest: ChunkSink = car;
      if (o.since && o.since.length > 0) {
        const basis: CID[] = [];
        for (const s of o.since) basis.push((await refs.resolve(s)).commit);
        dest = new BasisSink(car, await reachable(this.d.chunks, basis));
      }
      const call: SyncCallOptions = {};
      if (o.onProgress) call.onProgress = o.onProgress;
      if (o.signal) call.signal = o.signal;
      r = await transfer(transferOptions(this.d.chunks, dest, entries.map((e) => e.head), call, { ...BUNDLE_BATCH, verify: false }));
      // A thin bundle may not hold the heads themselves when the receiver has them already.
      const heads = entries.map((e) => e.head);
      await car.putMany((await this.d.chunks.getMany(heads)).map((bytes, i) => ({ cid: heads[i] as CID, bytes })));
      o.signal?.throwIfAborted();
      await car.close();
    } catch (err) {
      await car.abort();
      throw err;
    }
    const out: RefChange[] = entries.map((e) => ({ ref: e.name, from: null, to: e.head.toString() }));
    return { file: path, refs: out, ...stats(r) };
  }

  /** Serve this database to other nodes over HTTP (127.0.0.1 unless `host` says otherwise). */
  async serve(options: ServeOptions = {}): Promise<SyncServer> {
    const vc = this.d.vc;
    const s = await startSyncServer({ chunks: this.d.chunks, refs: vc.refs, updateRef: (u) => receiveRefUpdate(vc, u) }, options);
    this.servers.add(s);
    const close = s.close.bind(s);
    const servers = this.servers;
    return {
      url: s.url,
      port: s.port,
      server: s.server,
      async close() {
        servers.delete(s);
        await close();
      },
    };
  }

  /** Stop every server this database started. */
  async closeServers(): Promise<void> {
    for (const s of [...this.servers]) await s.close();
    this.servers.clear();
  }
}

export interface CloneOptions extends SyncCallOptions {
  /** Name of the remote in the new database (default `origin`). */
  remoteName?: string;
}

/**
 * Copy a remote database into the new folder `dir`: every branch as a remote-tracking ref, the
 * remote's default branch as a local branch (and default), every tag, and the remote configured
 * as `origin`. Returns nothing; open the folder with `open(dir)`.
 */
export async function cloneInto(remote: string, dir: string, options: CloneOptions = {}): Promise<FetchResult & { defaultBranch: string }> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('Expected the destination folder as a string');
  const target = resolvePath(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new CloneTargetExistsError(target);
  const url = normalizeRemoteUrl(remote);
  const name = options.remoteName ?? 'origin';
  const t: { token?: string; signal?: AbortSignal } = {};
  if (options.token !== undefined) t.token = options.token;
  if (options.signal !== undefined) t.signal = options.signal;
  const source = openTransport(url, t);
  const storage = await openStorage(target);
  try {
    const refs = await RefStore.open(storage.meta, storage.chunks);
    try {
      const list = await source.listRefs();
      const branchNames = Object.keys(list.branches);
      if (branchNames.length === 0) throw new RemoteError(url, 'has no branches to clone');
      const r = await transfer(transferOptions(source, storage.chunks, [...Object.values(list.branches), ...Object.values(list.tags)], options, { sourceName: url, destEmpty: true }));
      await refs.indexCommits(r.commits);
      const updated: RefChange[] = [];
      for (const [b, head] of Object.entries(list.branches)) {
        await refs.putRemoteRef(`${name}/${b}`, head);
        updated.push({ ref: `${name}/${b}`, from: null, to: head.toString() });
      }
      const def = list.defaultBranch !== undefined && list.defaultBranch in list.branches ? list.defaultBranch : 'main' in list.branches ? 'main' : (branchNames[0] as string);
      await refs.createBranch(def, list.branches[def] as CID, { createdFrom: `${name}/${def}`, message: `clone from ${url}` });
      await refs.setDefaultBranch(def);
      for (const [n, c] of Object.entries(list.tags)) {
        await refs.createTag(n, c, { message: `cloned from ${url}` });
        updated.push({ ref: n, from: null, to: c.toString() });
      }
      await new RemoteConfig(storage.meta).set(name, url);
      return { remote: name, updated, pruned: [], rejected: [], ...stats(r), defaultBranch: def };
    } finally {
      await refs.close();
    }
  } finally {
    await storage.close();
    await source.close();
  }
}
