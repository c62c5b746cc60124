/**
 * Chunk stores: the `ChunkStore` interface and its implementations.
 */
export * from './chunk-store.js';
export * from './memory-store.js';
