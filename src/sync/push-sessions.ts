/**
 * Push sessions of the sync server. A push arrives as several requests (`/has`, `/put`, then
 * `/ref`), and until the last one no ref reaches the chunks it sent — nor the stored chunks
 * the client skipped because `/has` said the server has them. A garbage collection starting
 * in between could sweep either. So each session (the client's `x-heliosdb-session` header)
 * holds the GC write barrier (`WriteBarrier.acquire`) from its first request until the
 * client ends it (`/done`) or it has had no request in flight for `idleMs`.
 */
import type { WriteBarrier } from '../gc/index.js';

interface Session {
  release: () => void;
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
}

export class PushSessions {
  private readonly open = new Map<string, Session>();
  private readonly opening = new Map<string, Promise<Session>>();
  private closed = false;

  constructor(
    private readonly barrier: WriteBarrier,
    private readonly idleMs: number,
    private readonly maxSessions: number,
  ) {}

  /** Sessions currently holding the barrier. */
  get size(): number {
    return this.open.size;
  }

  /**
   * A request of session `id` starts: opens the session (waiting for a collection that is
   * about to start) and stops its idle clock. Call the returned function when the request ends.
   * Throws a `RangeError` when `maxSessions` are already open.
   */
  async enter(id: string): Promise<() => void> {
    const s = this.open.get(id) ?? (await this.start(id));
    s.inFlight++;
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      s.inFlight--;
      if (s.inFlight === 0 && this.open.get(id) === s) this.arm(id, s);
    };
  }

  /** The client is done: release the barrier (a no-op for an unknown or expired id). */
  end(id: string): void {
    const s = this.open.get(id);
    if (s === undefined) return;
    if (s.timer !== undefined) clearTimeout(s.timer);
    this.open.delete(id);
    s.release();
  }

  /** End every session (the server is closing). */
  close(): void {
    this.closed = true;
    for (const id of [...this.open.keys()]) this.end(id);
  }

  private start(id: string): Promise<Session> {
    const pending = this.opening.get(id);
    if (pending) return pending;
    if (this.open.size + this.opening.size >= this.maxSessions) {
      return Promise.reject(new RangeError(`too many push sessions in progress (${this.maxSessions}); try again later`));
    }
    const p = this.barrier
      .acquire()
      .then((release) => {
        const s: Session = { release, inFlight: 0, timer: undefined };
        if (this.closed) release();
        else this.open.set(id, s);
        return s;
      })
      .finally(() => this.opening.delete(id));
    this.opening.set(id, p);
    return p;
  }

  private arm(id: string, s: Session): void {
    s.timer = setTimeout(() => this.end(id), this.idleMs);
    s.timer.unref();
  }
}
