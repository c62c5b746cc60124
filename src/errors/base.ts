/**
 * The root of every error HeliosDB Nano raises on purpose.
 *
 * Every failure a user can cause is a `HeliosError` subclass with a stable string `code`
 * (documented in the README). Code that catches errors should branch on `code`, never on the
 * message text. API misuse (a wrong argument type) raises a plain `TypeError` instead.
 */
export class HeliosError extends Error {
  /** Stable, machine-readable identifier, e.g. `CHUNK_NOT_FOUND`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
