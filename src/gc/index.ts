/**
 * Retention and garbage collection: retention policies (database and per branch), the set of
 * pruned commits, reachability marking from every root, the sweep (safe against concurrent
 * writers and crashes), and fsck. The layers above pass down what only they know (the roots
 * open transactions pin, a way to quiesce writers) through `GcHost`.
 */
export * from './policy.js';
export { GcState, type OldestKept } from './state.js';
export { WriteBarrier } from './barrier.js';
export { chunkLinks, scanCids, type ChunkLinks } from './links.js';
export { computeRetention, type RetentionResult } from './retention.js';
export { collect, type GcHost, type GcOptions, type GcReport } from './collector.js';
export { fsck, type FsckProblem, type FsckReport } from './fsck.js';
