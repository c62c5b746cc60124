/**
 * Typed errors with stable codes. Every layer throws these; nothing here imports another layer.
 */
export * from './base.js';
export * from './storage.js';
export * from './sql.js';
export * from './version.js';
export * from './sync.js';
