/**
 * Encoded objects: SQL values, codecs, the prolly tree and the value objects built on it.
 */
export * from './value.js';
export * from './tree-types.js';
export * from './schema.js';
export * from './table.js';
export * from './root.js';
export * from './commit.js';
export { encodeCanonical } from './cbor-writer.js';
export * from './codec.js';
export * from './node-store.js';
export * from './prolly/index.js';
// compareBytes (memcmp) is also defined in key-codec.ts; the prolly tree's identical one is exported above.
export { encodeKey, decodeKey, decodeKeyInto, prefixUpperBound, KEY_MAX_DECIMAL_SCALE } from './key-codec.js';
export * from './row-codec.js';
