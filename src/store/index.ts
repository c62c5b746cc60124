/**
 * Chunk stores: the `ChunkStore` interface and its implementations.
 */
export * from './chunk-store.js';
export * from './memory-store.js';
export * from './meta-store.js';
export * from './memory-meta-store.js';
export * from './level-store.js';
export * from './level-meta-store.js';
export * from './open-storage.js';
export { type LevelOpenOptions, type LevelTarget } from './level-db.js';
export * from './packs.js';
export { RedoLog, REDO_FILE, decodeRedo, encodeRedo } from './redo-log.js';
export type { RawOp } from './level-db.js';
