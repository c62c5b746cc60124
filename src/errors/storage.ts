/**
 * Errors of the storage layers: content ids, chunk stores, encoded objects and prolly trees.
 */
import { HeliosError } from './base.js';

/** A chunk that should exist is not in the store. */
export class ChunkNotFoundError extends HeliosError {
  readonly cid: string;
  constructor(cid: string, detail?: string) {
    super('CHUNK_NOT_FOUND', `Chunk ${cid} is missing from the store${detail ? ` (${detail})` : ''}`);
    this.cid = cid;
  }
}

/** A chunk's bytes do not hash to its CID, or cannot be decoded. */
export class ChunkCorruptError extends HeliosError {
  readonly cid: string;
  constructor(cid: string, detail: string) {
    super('CHUNK_CORRUPT', `Chunk ${cid} is corrupt: ${detail}`);
    this.cid = cid;
  }
}

/** Text that should be a content id is not one. */
export class InvalidCidError extends HeliosError {
  constructor(text: string, detail?: string) {
    super('INVALID_CID', `Not a valid content id: ${JSON.stringify(text)}${detail ? ` (${detail})` : ''}`);
  }
}

/** An operation was attempted on a store (or tree, or database) that is closed. */
export class StoreClosedError extends HeliosError {
  constructor(what = 'store') {
    super('STORE_CLOSED', `The ${what} is closed`);
  }
}

/** The underlying storage engine failed (I/O error, lock held by another process, …). */
export class StorageError extends HeliosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_ERROR', message, options);
  }
}

/** A key or value is larger than the documented limit of the prolly tree. */
export class EntryTooLargeError extends HeliosError {
  constructor(what: 'key' | 'value', size: number, limit: number) {
    super(
      what === 'key' ? 'KEY_TOO_LARGE' : 'VALUE_TOO_LARGE',
      `The ${what} is ${size} bytes; the limit is ${limit} bytes`,
    );
  }
}

/** Entries given to a bulk build are not strictly ascending by key. */
export class UnsortedInputError extends HeliosError {
  constructor(index: number) {
    super('UNSORTED_INPUT', `Entries must be sorted by key with no duplicates; entry ${index} is not greater than the one before it`);
  }
}

/** Bytes that should encode an object (node, row, schema, commit) do not. */
export class DecodeError extends HeliosError {
  constructor(what: string, detail: string) {
    super('DECODE_ERROR', `Cannot decode ${what}: ${detail}`);
  }
}
