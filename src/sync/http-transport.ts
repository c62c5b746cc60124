/**
 * A remote served over HTTP by `heliosdb-nano serve` (see http-protocol.ts), through
 * node:http with a keep-alive agent (several times faster than `fetch` for multi-MB binary
 * bodies). Server errors come back as the same typed errors
 * (`NON_FAST_FORWARD`, `UNAUTHORIZED`, `REMOTE_READ_ONLY`, `CHUNK_MISMATCH`), anything else as
 * `REMOTE_ERROR`. Received chunks are verified by the transfer, not here.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CID } from '../hash/index.js';
import { ChunkMismatchError, ChunkNotFoundError, NonFastForwardError, RemoteError, RemoteRefusedError } from '../errors/index.js';
import type { Chunk } from '../store/index.js';
import { decodeBlobs, decodeChunks, encodeChunks, encodeCidList, refListFromJson, refUpdateToJson, walkRequestToJson } from './http-protocol.js';
import type { RefList, RefUpdate, Transport } from './transport.js';

export interface HttpTransportOptions {
  /** Bearer token for pushes. */
  token?: string;
  /** Cancels every request in flight. */
  signal?: AbortSignal;
}

interface HttpResponse {
  status: number;
  statusText: string;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });

function send(url: string, method: string, headers: Record<string, string>, body: Uint8Array | string | undefined, signal: AbortSignal | undefined): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const req = (https ? httpsRequest : httpRequest)(url, { method, headers, agent: https ? httpsAgent : agent, ...(signal ? { signal } : {}) }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      req.end(body);
    } else req.end();
  });
}

/** The push-session request header (see http-server.ts). */
const SESSION_HEADER = 'x-heliosdb-session';

export class HttpTransport implements Transport {
  readonly url: string;
  /** This transport's push session; the server holds GC off from its first write-side request to `close()`. */
  private readonly session = randomUUID();
  private sessionUsed = false;
  /** The server answered 404 to `/walk` (an older server). */
  private noWalk = false;

  constructor(
    url: string,
    private readonly options: HttpTransportOptions = {},
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  private async request(path: string, body?: Uint8Array | string, context?: string): Promise<Uint8Array> {
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (path === '/has' || path === '/put' || path === '/ref' || path === '/done') {
      headers[SESSION_HEADER] = this.session;
      this.sessionUsed = path !== '/done';
    }
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    else if (body) headers['content-type'] = 'application/octet-stream';
    let res: HttpResponse;
    try {
      res = await send(this.url + path, body === undefined ? 'GET' : 'POST', headers, body, this.options.signal);
    } catch (err) {
      if (this.options.signal?.aborted) throw err;
      throw new RemoteError(this.url, `request ${path} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
    }
    if (res.status >= 200 && res.status < 300) return new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.byteLength);
    let code = '';
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = JSON.parse(res.body.toString('utf8')) as { code?: unknown; message?: unknown };
      if (typeof j.code === 'string') code = j.code;
      if (typeof j.message === 'string') message = j.message;
    } catch {
      // not a JSON error body
    }
    if (code === 'NON_FAST_FORWARD') {
      const err = new NonFastForwardError(context ?? '', 'rejected by the server');
      err.message = message;
      throw err;
    }
    if (code === 'UNAUTHORIZED' || code === 'REMOTE_READ_ONLY') throw new RemoteRefusedError(code, `${this.url}: ${message}`);
    if (code === 'CHUNK_MISMATCH') throw new ChunkMismatchError(context ?? '?', `the client (server: ${message})`);
    if (code === 'CHUNK_NOT_FOUND') throw new ChunkNotFoundError(context ?? '?', `remote ${this.url}`);
    throw new RemoteError(this.url, `${path}: ${code ? code + ': ' : ''}${message}`, res.status);
  }

  async listRefs(): Promise<RefList> {
    const b = await this.request('/refs');
    let j: unknown;
    try {
      j = JSON.parse(new TextDecoder().decode(b));
    } catch {
      throw new RemoteError(this.url, '/refs did not answer JSON; is this a HeliosDB Nano server?');
    }
    return refListFromJson(j);
  }

  async hasMany(cids: readonly CID[]): Promise<boolean[]> {
    if (cids.length === 0) return [];
    const b = await this.request('/has', encodeCidList(cids));
    if (b.length !== cids.length) throw new RemoteError(this.url, `/has answered ${b.length} flags for ${cids.length} ids`);
    return Array.from(b, (x) => x === 1);
  }

  async getMany(cids: readonly CID[]): Promise<Uint8Array[]> {
    if (cids.length === 0) return [];
    const b = await this.request('/get', encodeCidList(cids), cids[0]?.toString());
    try {
      return decodeBlobs(b, cids.length);
    } catch (err) {
      throw new RemoteError(this.url, `/get: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The server walks its commit graph (`/walk`, one round trip a wave); undefined from a server without it. */
  async walkCommits(heads: readonly CID[], stop: readonly CID[], limit: number): Promise<Chunk[] | undefined> {
    if (this.noWalk || heads.length === 0) return heads.length === 0 ? [] : undefined;
    try {
      return decodeChunks(await this.request('/walk', walkRequestToJson(heads, stop, limit)));
    } catch (err) {
      if (err instanceof RemoteError && err.status === 404) {
        this.noWalk = true;
        return undefined;
      }
      throw err;
    }
  }

  async putMany(chunks: Iterable<Chunk>): Promise<void> {
    const body = encodeChunks(chunks);
    if (body.length === 0) return;
    await this.request('/put', body);
  }

  async updateRef(update: RefUpdate): Promise<void> {
    await this.request('/ref', JSON.stringify(refUpdateToJson(update)), update.name);
  }

  /** Ends the push session, if one was used (the shared keep-alive agent closes idle sockets by itself). */
  async close(): Promise<void> {
    if (!this.sessionUsed) return;
    try {
      await this.request('/done', '');
    } catch {
      // the server ends an idle session by itself
    }
  }
}
