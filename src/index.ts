/**
 * HeliosDB Nano's public entry point: the only module applications import.
 */
export * from './errors/index.js';
export * from './api/index.js';
export { Decimal } from './objects/index.js';
