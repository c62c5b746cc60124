/**
 * Errors of sync: remotes, transports, transfers, push/pull, the sync server.
 */
import { HeliosError } from './base.js';

/** A push (or pull) that is not a fast-forward and was not forced. */
export class NonFastForwardError extends HeliosError {
  readonly ref: string;
  constructor(ref: string, detail: string) {
    super(
      'NON_FAST_FORWARD',
      `Rejected update of ${JSON.stringify(ref)}: not a fast-forward (${detail}); fetch and merge first, or force it`,
    );
    this.ref = ref;
  }
}

/** A chunk received from a peer does not hash to the CID it was sent under. */
export class ChunkMismatchError extends HeliosError {
  readonly cid: string;
  constructor(cid: string, from: string) {
    super('CHUNK_MISMATCH', `Chunk ${cid} received from ${from} does not match its content id; nothing was updated`);
    this.cid = cid;
  }
}

/** No remote of that name is configured, or a remote location does not exist. */
export class RemoteNotFoundError extends HeliosError {
  readonly remote: string;
  constructor(remote: string, detail = 'no such remote; add it with `remote add <name> <url>`') {
    super('REMOTE_NOT_FOUND', `Remote ${JSON.stringify(remote)}: ${detail}`);
    this.remote = remote;
  }
}

/** A remote of that name is already configured. */
export class RemoteExistsError extends HeliosError {
  constructor(remote: string) {
    super('REMOTE_EXISTS', `Remote ${JSON.stringify(remote)} already exists; remove it first`);
  }
}

/** The peer failed or answered something unexpected (network error, bad status, bad framing). */
export class RemoteError extends HeliosError {
  readonly status: number | undefined;
  constructor(url: string, detail: string, status?: number, options?: { cause?: unknown }) {
    super('REMOTE_ERROR', `Remote ${url}: ${detail}`, options);
    this.status = status;
  }
}

/** The server refused a write: a missing/wrong token, or a read-only server. */
export class RemoteRefusedError extends HeliosError {
  constructor(code: 'UNAUTHORIZED' | 'REMOTE_READ_ONLY', detail: string) {
    super(code, detail);
  }
}

/** `clone` into a folder that already holds something. */
export class CloneTargetExistsError extends HeliosError {
  constructor(dir: string) {
    super('CLONE_TARGET_EXISTS', `Cannot clone into ${dir}: the folder exists and is not empty`);
  }
}
