/**
 * The database configuration (`heliosdb.toml`): parsing with smol-toml, validation (unknown keys
 * are warnings, invalid values are errors naming the key and the expected form), and the
 * mapping to `open()` options. The CLI reads the file from the database folder; applications
 * may pass the same settings to `open()` (`versioning`, `author`, `timeTravel`, `retention`).
 *
 * Keys: `database.path`, `storage.time_travel_enabled`, `snapshot.min_retention_seconds`,
 * `snapshot.max_snapshots`, `snapshot.auto_gc_enabled`, `versioning`, `author`,
 * `statement_timeout_ms` (default time limit of a statement; 0: none).
 */
import { parse as parseToml, stringify as stringifyToml, TomlError } from 'smol-toml';
import { isDeepStrictEqual } from 'node:util';
import { HeliosError } from '../errors/index.js';
import { editTomlKey } from './config-edit.js';
import type { VersioningMode } from '../sql/index.js';

/** An invalid configuration value or file. Code `INVALID_CONFIG`. */
export class ConfigError extends HeliosError {
  /** The dotted key at fault, when one is. */
  readonly key: string | undefined;
  constructor(message: string, key?: string) {
    super('INVALID_CONFIG', message);
    this.key = key;
  }
}

/** Retention of past versions (implemented by GC): how far back `AS OF` can reach. */
export interface RetentionOptions {
  /** Keep every version younger than this many seconds. */
  minRetentionSeconds?: number;
  /** Keep at most this many past versions per branch (beyond the age window). */
  maxSnapshots?: number;
  /** Run GC automatically (default false). */
  autoGc?: boolean;
}

/** The validated settings of `heliosdb.toml`. */
export interface HeliosConfig {
  database: {
    /** Where the data lives, relative to the config file's folder (default: that folder). */
    path?: string;
  };
  storage: {
    /** Keep past versions for AS OF (default true). */
    timeTravelEnabled: boolean;
  };
  snapshot: {
    minRetentionSeconds?: number;
    maxSnapshots?: number;
    autoGcEnabled: boolean;
  };
  versioning: VersioningMode;
  author?: string;
  /** Default time limit of a statement in ms (0 or unset: none). */
  statementTimeoutMs?: number;
}

/** A parsed configuration with the warnings it produced (unknown keys). */
export interface LoadedConfig {
  config: HeliosConfig;
  warnings: string[];
}

interface KeySpec {
  /** Expected form, for messages. */
  form: string;
  check(v: unknown): boolean;
}

const bool: KeySpec = { form: 'true or false', check: (v) => typeof v === 'boolean' };
const nonNegInt: KeySpec = { form: 'a whole number ≥ 0', check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n) };
const posInt: KeySpec = { form: 'a whole number ≥ 1', check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1) || (typeof v === 'bigint' && v >= 1n) };
const text: KeySpec = { form: 'a non-empty string', check: (v) => typeof v === 'string' && v.length > 0 };
const mode: KeySpec = { form: '"transaction" or "manual"', check: (v) => v === 'transaction' || v === 'manual' };

/** Every known key with its expected form. */
export const CONFIG_KEYS: Readonly<Record<string, KeySpec>> = {
  versioning: mode,
  author: text,
  'database.path': text,
  'storage.time_travel_enabled': bool,
  'snapshot.min_retention_seconds': nonNegInt,
  'snapshot.max_snapshots': posInt,
  'snapshot.auto_gc_enabled': bool,
  statement_timeout_ms: nonNegInt,
};

/** Keys of the use-case documents that have no effect in HeliosDB Nano: accepted with a note. */
const IGNORED_SECTIONS = new Set(['monitoring', 'server', 'container', 'branching', 'compliance', 'sync']);

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(key in CONFIG_KEYS)) flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
}

/** The defaults (no file). */
export function defaultConfig(): HeliosConfig {
  return { database: {}, storage: { timeTravelEnabled: true }, snapshot: { autoGcEnabled: false }, versioning: 'transaction' };
}

/** Check one value for a key; throws ConfigError naming the key and expected form. */
export function validateConfigValue(key: string, value: unknown): void {
  const spec = CONFIG_KEYS[key];
  if (!spec) throw new ConfigError(`unknown configuration key '${key}' (known: ${Object.keys(CONFIG_KEYS).join(', ')})`, key);
  if (!spec.check(value)) throw new ConfigError(`invalid value for '${key}': expected ${spec.form}, got ${describe(value)}`, key);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Validate a plain object (as parsed from TOML) into a HeliosConfig. */
export function parseConfigObject(obj: Record<string, unknown>, source = 'heliosdb.toml'): LoadedConfig {
  const flat = new Map<string, unknown>();
  flatten(obj, '', flat);
  const warnings: string[] = [];
  const c = defaultConfig();
  for (const [key, value] of flat) {
    if (!(key in CONFIG_KEYS)) {
      const section = key.split('.')[0]!;
      warnings.push(IGNORED_SECTIONS.has(section) || ['database.memory_limit_mb', 'database.enable_wal', 'database.page_size', 'database.cache_mb'].includes(key) ? `${source}: '${key}' has no effect in HeliosDB Nano (ignored)` : `${source}: unknown key '${key}' (ignored)`);
      continue;
    }
    try {
      validateConfigValue(key, value);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${source}: ${e.message}`, key);
      throw e;
    }
    const num = typeof value === 'bigint' ? Number(value) : value;
    switch (key) {
      case 'versioning':
        c.versioning = num as VersioningMode;
        break;
      case 'author':
        c.author = num as string;
        break;
      case 'database.path':
        c.database.path = num as string;
        break;
      case 'storage.time_travel_enabled':
        c.storage.timeTravelEnabled = num as boolean;
        break;
      case 'snapshot.min_retention_seconds':
        c.snapshot.minRetentionSeconds = num as number;
        break;
      case 'snapshot.max_snapshots':
        c.snapshot.maxSnapshots = num as number;
        break;
      case 'snapshot.auto_gc_enabled':
        c.snapshot.autoGcEnabled = num as boolean;
        break;
      case 'statement_timeout_ms':
        c.statementTimeoutMs = num as number;
        break;
    }
  }
  return { config: c, warnings };
}

/** Parse and validate the text of a heliosdb.toml (undefined: defaults). */
export function loadConfigFile(textOrUndefined: string | undefined, source = 'heliosdb.toml'): LoadedConfig {
  if (textOrUndefined === undefined) return { config: defaultConfig(), warnings: [] };
  let obj: Record<string, unknown>;
  try {
    obj = parseToml(textOrUndefined) as Record<string, unknown>;
  } catch (e) {
    const msg = e instanceof TomlError ? `${e.message.split('\n')[0]} (line ${e.line}, column ${e.column})` : String(e);
    throw new ConfigError(`${source}: not valid TOML: ${msg}`);
  }
  return parseConfigObject(obj, source);
}

/** The `open()` options a configuration asks for. */
export function configToOpenOptions(c: HeliosConfig): { versioning: VersioningMode; author?: string; timeTravel: boolean; retention: RetentionOptions; statementTimeoutMs?: number } {
  const retention: RetentionOptions = { autoGc: c.snapshot.autoGcEnabled };
  if (c.snapshot.minRetentionSeconds !== undefined) retention.minRetentionSeconds = c.snapshot.minRetentionSeconds;
  if (c.snapshot.maxSnapshots !== undefined) retention.maxSnapshots = c.snapshot.maxSnapshots;
  return { versioning: c.versioning, ...(c.author !== undefined ? { author: c.author } : {}), timeTravel: c.storage.timeTravelEnabled, retention, ...(c.statementTimeoutMs ? { statementTimeoutMs: c.statementTimeoutMs } : {}) };
}

/** Parse a command-line text as a value for `key` (`true`, numbers, strings). */
export function parseConfigValueText(key: string, raw: string): unknown {
  const spec = CONFIG_KEYS[key];
  if (!spec) throw new ConfigError(`unknown configuration key '${key}' (known: ${Object.keys(CONFIG_KEYS).join(', ')})`, key);
  let v: unknown = raw;
  if (spec === bool) v = raw === 'true' ? true : raw === 'false' ? false : raw;
  else if (spec === nonNegInt || spec === posInt) v = /^-?\d+$/.test(raw) ? Number(raw) : raw;
  validateConfigValue(key, v);
  return v;
}

/**
 * Set a key in the TOML text (validated); returns the new text. Only the key's line changes (or
 * one line is inserted into its section, or the section appended): comments and formatting
 * stay. A file beyond the line editor (the key in an inline table) is rewritten whole.
 */
export function setConfigValue(textOrUndefined: string | undefined, key: string, raw: string): string {
  const value = parseConfigValueText(key, raw);
  const obj = textOrUndefined === undefined ? {} : (parseToml(textOrUndefined) as Record<string, unknown>);
  const parts = key.split('.');
  let cur: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === undefined || next === null || typeof next !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
  parseConfigObject(obj);
  const edited = editTomlKey(textOrUndefined ?? '', key, value as string | number | boolean);
  // The edit must mean exactly the rewritten document; otherwise fall back to the rewrite.
  if (edited !== undefined && tomlMeans(edited, obj)) return edited;
  return stringifyToml(obj);
}

/** A parsed TOML value as plain data (prototype-free comparison). */
function plain(v: unknown): unknown {
  if (v instanceof Date) return `date:${v.toISOString()}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** True when `text` parses to the same document as `obj`. */
function tomlMeans(text: string, obj: Record<string, unknown>): boolean {
  try {
    return isDeepStrictEqual(plain(parseToml(text)), plain(obj));
  } catch {
    return false;
  }
}

/** The value of a dotted key in a configuration (undefined when unset). */
export function getConfigValue(c: HeliosConfig, key: string): string | number | boolean | undefined {
  switch (key) {
    case 'versioning':
      return c.versioning;
    case 'author':
      return c.author;
    case 'database.path':
      return c.database.path;
    case 'storage.time_travel_enabled':
      return c.storage.timeTravelEnabled;
    case 'snapshot.min_retention_seconds':
      return c.snapshot.minRetentionSeconds;
    case 'snapshot.max_snapshots':
      return c.snapshot.maxSnapshots;
    case 'snapshot.auto_gc_enabled':
      return c.snapshot.autoGcEnabled;
    case 'statement_timeout_ms':
      return c.statementTimeoutMs;
    default:
      throw new ConfigError(`unknown configuration key '${key}' (known: ${Object.keys(CONFIG_KEYS).join(', ')})`, key);
  }
}
