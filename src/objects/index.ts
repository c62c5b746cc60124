/**
 * Encoded objects: SQL values, codecs, the prolly tree and the value objects built on it.
 */
export * from './value.js';
export * from './tree-types.js';
