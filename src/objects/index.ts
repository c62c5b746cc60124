/**
 * Encoded objects: SQL values, codecs, the prolly tree and the value objects built on it.
 */
export * from './value.js';
export * from './tree-types.js';
export * from './commit.js';
export { encodeKey, decodeKey, decodeKeyInto, prefixUpperBound, compareBytes, KEY_MAX_DECIMAL_SCALE } from './key-codec.js';
export * from './row-codec.js';
