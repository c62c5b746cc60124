/**
 * Remotes: named locations (`origin` → a folder path, an `http://` URL or a `.car` file) kept
 * in the database's MetaStore under `sync:remote:<name>`, and `openTransport(url)`, which picks
 * the transport for a location.
 */
import { resolve } from 'node:path';
import { RemoteExistsError, RemoteNotFoundError } from '../errors/index.js';
import { checkRefName } from '../refs/index.js';
import type { MetaStore } from '../store/index.js';
import { CarTransport } from './car-transport.js';
import { FolderTransport } from './folder-transport.js';
import { HttpTransport } from './http-transport.js';
import type { Transport } from './transport.js';

const P_REMOTE_URL = 'sync:remote:';
const enc = new TextEncoder();
const dec = new TextDecoder();

export interface RemoteInfo {
  name: string;
  url: string;
}

export type RemoteKind = 'folder' | 'http' | 'car';

/** What kind of location `url` names. */
export function remoteKind(url: string): RemoteKind {
  if (/^https?:\/\//i.test(url)) return 'http';
  if (/\.car$/i.test(url)) return 'car';
  return 'folder';
}

/** Normalise a location: URLs as given; `file://` and relative paths made absolute. */
export function normalizeRemoteUrl(url: string): string {
  if (typeof url !== 'string' || url === '') throw new TypeError('A remote URL must be a non-empty string');
  if (remoteKind(url) === 'http') return url.replace(/\/+$/, '');
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return resolve(path);
}

export interface OpenTransportOptions {
  /** Bearer token (HTTP pushes). */
  token?: string;
  signal?: AbortSignal;
  /** Folder remotes: create the database folder if missing. */
  create?: boolean;
}

/** The transport for a location. */
export function openTransport(url: string, options: OpenTransportOptions = {}): Transport {
  const u = normalizeRemoteUrl(url);
  switch (remoteKind(u)) {
    case 'http': {
      const o: { token?: string; signal?: AbortSignal } = {};
      if (options.token !== undefined) o.token = options.token;
      if (options.signal !== undefined) o.signal = options.signal;
      return new HttpTransport(u, o);
    }
    case 'car':
      return new CarTransport(u);
    default:
      return new FolderTransport(u, options.create ? { create: true } : {});
  }
}

/** The remotes configured in one database. */
export class RemoteConfig {
  constructor(private readonly meta: MetaStore) {}

  async add(name: string, url: string): Promise<RemoteInfo> {
    checkRefName(name);
    if (name.includes('/')) throw new TypeError('A remote name cannot contain "/"');
    const u = normalizeRemoteUrl(url);
    const ok = await this.meta.compareAndSwap(P_REMOTE_URL + name, undefined, enc.encode(u), { sync: true });
    if (!ok) throw new RemoteExistsError(name);
    return { name, url: u };
  }

  /** Set (add or replace) a remote's URL. */
  async set(name: string, url: string): Promise<RemoteInfo> {
    checkRefName(name);
    const u = normalizeRemoteUrl(url);
    await this.meta.batch([{ type: 'put', key: P_REMOTE_URL + name, value: enc.encode(u) }], { sync: true });
    return { name, url: u };
  }

  async remove(name: string): Promise<void> {
    const cur = await this.meta.get(P_REMOTE_URL + name);
    if (cur === undefined) throw new RemoteNotFoundError(name);
    await this.meta.batch([{ type: 'del', key: P_REMOTE_URL + name }], { sync: true });
  }

  async get(name: string): Promise<RemoteInfo | undefined> {
    const v = await this.meta.get(P_REMOTE_URL + name);
    return v === undefined ? undefined : { name, url: dec.decode(v) };
  }

  async list(): Promise<RemoteInfo[]> {
    const out: RemoteInfo[] = [];
    for await (const [k, v] of this.meta.entries(P_REMOTE_URL)) out.push({ name: k.slice(P_REMOTE_URL.length), url: dec.decode(v) });
    return out;
  }
}
