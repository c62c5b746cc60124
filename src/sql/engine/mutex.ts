/**
 * A FIFO async mutex: the single-writer lock of a database (writers are serialised; readers
 * never take it).
 */
export class Mutex {
  private locked = false;
  private waiters: (() => void)[] = [];

  get isLocked(): boolean {
    return this.locked;
  }

  /** Resolves when the lock is held by the caller. */
  acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Take the lock only if it is free. */
  tryAcquire(): boolean {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}
