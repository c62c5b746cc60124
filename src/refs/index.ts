/**
 * Refs: branches, tags, remote-tracking refs, merge-in-progress records, the default branch,
 * the per-branch ref log with AS OF lookups, the SCN and transaction counters, ref resolution
 * and commit-graph walks (log, ancestry, merge base). Imports errors, hash, store and objects.
 *
 * ## Durability: what is synced to disk, and when
 *
 * Contract with callers: **a ref moves only after (or together with) every chunk it reaches.**
 * Either the caller writes (flushes) the tree chunks before it calls `commit()`/`moveBranch()`,
 * or it hands `commit()` its NodeStore (`pending`): then the tree chunks, the commit object and
 * the ref move with its ref-log entry, counters and index keys are ONE atomic batch (where the
 * chunk and meta stores share a LevelDB, as `openStorage` sets them up; elsewhere the chunks
 * are written first). Without `pending`, `commit()` writes the commit object and the move in
 * one batch.
 *
 * Every ref change — branch create/move/drop/rename/metadata, tag create/drop, remote-tracking
 * ref update, merge-in-progress record, default branch — is ONE atomic `MetaStore.batch` written
 * with `{sync: true}` (unless the store was opened with `sync: false`), and the call returns only
 * after it completed. A move's batch holds the branch record (new head), its ref-log entry, the
 * counters (SCN, transaction id, branch id), the transaction→SCN index entry and the commit-index
 * key: after a crash either all of them are there or none. Nothing else is ever synced: commit
 * objects (`writeCommit`) and commit-index keys (`indexCommits`) are plain writes that a later
 * synced ref move makes durable. With `sync: false` (`synchronous: 'normal'`) a commit's batch
 * goes through the store's redo log (src/store/redo-log.ts): appended with one synchronous
 * write, so it survives a crash of the process once `commit()` returns, and applied to LevelDB
 * in the background.
 *
 * What classic-level (LevelDB 1.20, bundled) guarantees, checked in its source:
 * - every write (sync or not) is appended to the write-ahead log and handed to the OS with
 *   `fflush` before the call returns, so a **process crash** (SIGKILL) loses no completed write;
 *   writes reach the log in the order LevelDB received them;
 * - `sync: true` additionally `fdatasync`s the log file before returning, so an **OS crash or
 *   power loss** keeps that batch and every earlier write in the same log file — which, when
 *   chunks and refs live in one LevelDB (as `openStorage` sets them up), includes the chunks
 *   written before the move. One caveat: when LevelDB rotates its log (memtable full:
 *   `writeBufferSize`, 4 MiB by default) the old log is closed without fsync; until its memtable
 *   is flushed to a synced table file, a power loss could drop writes of the old log while
 *   keeping a later synced move. A caller that must be safe against power loss in that window
 *   writes its chunk batch with `{sync: true}` too (one more fsync per commit). If chunks and
 *   refs live in two separate LevelDB instances, the chunk batch must be synced for the same
 *   reason.
 * - memory stores are not durable at all.
 *
 * ## Concurrency
 *
 * All writes of one `RefStore` run one at a time through an in-process queue, so a
 * compare-and-swap check and its batch are never interleaved: of concurrent moves from the same
 * expected head exactly one succeeds, the others fail with `REF_MOVED`. Reads (`resolve`,
 * `getBranch`, `headAt` on a loaded ref log) do not wait for the queue. Only one process opens a
 * database (LevelDB holds a lock), so the in-process queue is the whole story.
 *
 * ## SCN and transaction ids
 *
 * The SCN is one counter for the database. `commit()` allocates one SCN inside the move and
 * stamps it on both the commit object and the ref-log entry; every other ref change (branch
 * create/move/drop, tag create/drop, remote-tracking update) takes a new one. So ref-log SCNs
 * increase in the order moves became durable, and `AS OF SCN n` never changes once n exists.
 * Transaction ids come from `allocateTxn()`; a move made by transaction n records n → SCN, so
 * `AS OF TRANSACTION n` is "the state at the SCN where n committed". Allocated counter values are
 * persisted with the next ref write (a crash may reuse ids that were never recorded).
 */
export * from './names.js';
export * from './graph.js';
export type { ReflogEntry } from './reflog.js';
export * from './ref-store.js';
export { cidText } from './meta.js';
