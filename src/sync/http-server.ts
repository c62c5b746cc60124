/**
 * The sync HTTP server (`serve`): node:http, bound to 127.0.0.1 unless told otherwise,
 * endpoints as in http-protocol.ts. Reads are open; writes (`/put`, `/ref`) need the bearer
 * token when one is set, and a read-only server refuses them. Every pushed chunk is re-hashed
 * before anything of its batch is stored. Ref updates go through `host.updateRef` (the API
 * layer passes one that also refreshes its open branch state), default `applyRefUpdate`.
 *
 * A push's requests carry the client's session id (`x-heliosdb-session`); while the session is
 * open, garbage collection waits (see push-sessions.ts). `/has` answers with GC in mind: while
 * a collection runs, a stored chunk counts as present only if that collection will keep it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { bytesMatchCid, cidKey } from '../hash/index.js';
import { ChunkMismatchError, HeliosError } from '../errors/index.js';
import type { ChunkStore } from '../store/index.js';
import { WriteBarrier } from '../gc/index.js';
import type { RefStore } from '../refs/index.js';
import { applyRefUpdate, refListOf } from './ref-update.js';
import { decodeChunks, decodeCidList, encodeBlobs, encodeChunks, refListToJson, refUpdateFromJson, walkRequestFromJson } from './http-protocol.js';
import { MAX_WALK, walkCommits } from './commit-walk.js';
import type { RefUpdate } from './transport.js';
import { PushSessions } from './push-sessions.js';

/** The request header naming a push session. */
export const SESSION_HEADER = 'x-heliosdb-session';

export interface SyncHost {
  chunks: ChunkStore;
  refs: RefStore;
  /** Apply a pushed ref update (default: `applyRefUpdate(refs, u)`). */
  updateRef?: (u: RefUpdate) => Promise<void>;
}

export interface ServeOptions {
  /** Port (default 0: any free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Refuse pushes. */
  readOnly?: boolean;
  /** Bearer token pushes must present. */
  token?: string;
  /** Largest request body (default 256 MiB). */
  maxBodyBytes?: number;
  /** A push session idle this long (no request in flight) stops holding GC off (default 60 s). */
  sessionIdleMs?: number;
  /** Most push sessions open at once (default 64). */
  maxSessions?: number;
}

export interface SyncServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (b: Buffer) => {
      n += b.length;
      if (n > max) {
        reject(new HttpFailure(413, 'BODY_TOO_LARGE', `request body over ${max} bytes`));
        req.destroy();
        return;
      }
      parts.push(b);
    });
    req.on('end', () => {
      const buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
      resolve(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Uint8Array | string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, status, JSON.stringify({ code, message }), 'application/json');
}

function statusOf(code: string): number {
  switch (code) {
    case 'NON_FAST_FORWARD':
    case 'REF_EXISTS':
    case 'REF_MOVED':
      return 409;
    case 'CHUNK_NOT_FOUND':
      return 404;
    case 'CHUNK_MISMATCH':
    case 'INVALID_CID':
    case 'INVALID_REF_NAME':
      return 400;
    case 'READ_ONLY_BRANCH':
      return 403;
    default:
      return 500;
  }
}

/** Start serving `host`'s database. */
export function startSyncServer(host: SyncHost, options: ServeOptions = {}): Promise<SyncServer> {
  const max = options.maxBodyBytes ?? 256 << 20;
  const token = options.token !== undefined && options.token !== '' ? Buffer.from(options.token) : undefined;
  const updateRef = host.updateRef ?? ((u: RefUpdate) => applyRefUpdate(host.refs, u));
  const barrier = WriteBarrier.install(host.chunks);
  const sessions = new PushSessions(barrier, options.sessionIdleMs ?? 60_000, options.maxSessions ?? 64);

  function writeRefusal(req: IncomingMessage): HttpFailure | undefined {
    if (options.readOnly) return new HttpFailure(403, 'REMOTE_READ_ONLY', 'this server is read-only; pushes are refused');
    if (token === undefined) return undefined;
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7) : '');
    if (given.length !== token.length || !timingSafeEqual(given, token)) {
      return new HttpFailure(401, 'UNAUTHORIZED', 'pushing needs the server token (--token)');
    }
    return undefined;
  }

  function checkWrite(req: IncomingMessage): void {
    const refusal = writeRefusal(req);
    if (refusal) throw refusal;
  }

  /** The push session of `req`, entered (only for clients allowed to push). */
  async function enterSession(req: IncomingMessage): Promise<(() => void) | undefined> {
    const id = req.headers[SESSION_HEADER];
    if (typeof id !== 'string' || id === '' || id.length > 128 || writeRefusal(req)) return undefined;
    try {
      return await sessions.enter(id);
    } catch (err) {
      if (err instanceof RangeError) throw new HttpFailure(503, 'BUSY', err.message);
      throw err;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method === 'GET' && path === '/refs') {
      send(res, 200, JSON.stringify(refListToJson(refListOf(host.refs))), 'application/json');
      return;
    }
    if (req.method !== 'POST') throw new HttpFailure(404, 'NOT_FOUND', `no endpoint ${req.method} ${path}`);
    if (path === '/put' || path === '/ref') checkWrite(req);
    if (path === '/done') {
      const id = req.headers[SESSION_HEADER];
      if (typeof id === 'string') sessions.end(id);
      res.writeHead(204).end();
      return;
    }
    const leave = path === '/has' || path === '/put' || path === '/ref' ? await enterSession(req) : undefined;
    try {
      await answer(path, await readBody(req, max), res);
    } finally {
      leave?.();
    }
  }

  async function answer(path: string | undefined, body: Uint8Array, res: ServerResponse): Promise<void> {
    switch (path) {
      case '/has': {
        const cids = decodeCidList(body);
        const has = await barrier.hasManyTrusted(cids);
        const out = new Uint8Array(has.length);
        for (let i = 0; i < has.length; i++) out[i] = has[i] ? 1 : 0;
        send(res, 200, out, 'application/octet-stream');
        return;
      }
      case '/walk': {
        const w = walkRequestFromJson(new TextDecoder().decode(body));
        const stop = new Set(w.stop.map((c) => cidKey(c)));
        send(res, 200, encodeChunks(await walkCommits(host.chunks, w.heads, stop, Math.min(w.limit, MAX_WALK))), 'application/octet-stream');
        return;
      }
      case '/get': {
        const cids = decodeCidList(body);
        send(res, 200, encodeBlobs(await host.chunks.getMany(cids)), 'application/octet-stream');
        return;
      }
      case '/put': {
        const chunks = decodeChunks(body);
        for (const c of chunks) if (!bytesMatchCid(c.cid, c.bytes)) throw new ChunkMismatchError(c.cid.toString(), 'the client');
        await host.chunks.putMany(chunks);
        res.writeHead(204).end();
        return;
      }
      case '/ref': {
        let u: RefUpdate;
        try {
          u = refUpdateFromJson(JSON.parse(new TextDecoder().decode(body)));
        } catch (err) {
          if (err instanceof HeliosError) throw err;
          throw new HttpFailure(400, 'BAD_REQUEST', err instanceof Error ? err.message : String(err));
        }
        await updateRef(u);
        res.writeHead(204).end();
        return;
      }
      default:
        throw new HttpFailure(404, 'NOT_FOUND', `no endpoint POST ${path}`);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpFailure) sendError(res, err.status, err.code, err.message);
      else if (err instanceof HeliosError) sendError(res, statusOf(err.code), err.code, err.message);
      else if (err instanceof RangeError || err instanceof TypeError) sendError(res, 400, 'BAD_REQUEST', err.message);
      else sendError(res, 500, 'INTERNAL', err instanceof Error ? err.message : String(err));
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const hostText = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${hostText}:${addr.port}`,
        port: addr.port,
        server,
        close: () =>
          new Promise<void>((res2) => {
            sessions.close();
            server.close(() => res2());
            server.closeAllConnections();
          }),
      });
    });
  });
}
