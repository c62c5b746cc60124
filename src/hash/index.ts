/**
 * Content ids and hashing. Imports only `src/errors`.
 */
export * from './cid.js';
export * from './sha256.js';
