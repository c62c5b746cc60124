/**
 * Registry of sqllogictest engine adapters, by the name `--engine` takes.
 * The CLI's default is `heliosdb` when registered, else `better-sqlite3`.
 */
import type { EngineFactory } from '../engine.js';
import { betterSqlite3Engine } from './better-sqlite3.js';
import { heliosdbEngine } from './heliosdb.js';

export const engines: Record<string, EngineFactory> = {
  'better-sqlite3': betterSqlite3Engine,
  heliosdb: heliosdbEngine,
};

/** The engine the CLI uses when `--engine` is not given. */
export function defaultEngineName(): string {
  return 'heliosdb' in engines ? 'heliosdb' : 'better-sqlite3';
}
