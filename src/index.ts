/**
 * HeliosDB Nano's public entry point: the only module applications import.
 */
export * from './errors/index.js';
