/**
 * Statement time limits and cancellation (SQLite's sqlite3_interrupt / progress handler).
 *
 * The executor is synchronous, so nothing can interrupt it from outside: instead its row loops
 * call `tick()`, which decrements one module counter and, every `CHECK_EVERY` calls, asks the
 * guard of the statement running now (`StatementGuard`) whether its deadline has passed or its
 * signal was aborted; if so the guard throws `StatementTimeoutError` / `InterruptedError` from
 * inside the loop, and the session undoes the statement like any other failed statement.
 *
 * The guard is installed only around synchronous stretches of execution (`guarded`, and every
 * row pull of a guarded result via `guardPull`), so statements interleaved on other
 * connections (between the pulls of a lazy iterator) are checked against their own guard.
 * A signal's `abort` event cannot fire while the loop runs: guards read `signal.aborted`,
 * which an `AbortController` sets at once when aborted from an earlier await point, and
 * which the CLI backs with a SharedArrayBuffer flag set from another thread (Ctrl-C).
 */
import { InterruptedError, StatementTimeoutError } from '../../errors/index.js';
import type { Pull } from './types.js';

/** What a statement's cancellation is read from: an `AbortSignal`, or anything with `aborted`. */
export interface InterruptSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Rows (loop iterations) between two looks at the clock and the signal. */
const CHECK_EVERY = 512;

/** The time limit and cancellation signal of one statement (or one `exec` script). */
export class StatementGuard {
  /** Wall-clock time (ms since the epoch) after which the statement fails; Infinity: none. */
  readonly deadline: number;
  constructor(
    /** The time limit in ms (undefined or ≤ 0: none). */
    readonly timeoutMs: number | undefined,
    readonly signal: InterruptSignal | undefined,
  ) {
    this.deadline = timeoutMs !== undefined && timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  }

  /** A guard, or undefined when there is nothing to check. */
  static of(timeoutMs: number | undefined, signal: InterruptSignal | undefined): StatementGuard | undefined {
    if ((timeoutMs === undefined || !(timeoutMs > 0)) && signal === undefined) return undefined;
    return new StatementGuard(timeoutMs, signal);
  }

  /** Throw when the statement must stop. */
  check(): void {
    const s = this.signal;
    if (s !== undefined && s.aborted) throw new InterruptedError(s.reason);
    if (this.deadline !== Infinity && Date.now() >= this.deadline) throw new StatementTimeoutError(this.timeoutMs!);
  }
}

let current: StatementGuard | undefined;
/** The countdown to the next look (a const object: no TDZ check on the hot path). */
const clock = { n: CHECK_EVERY };

function poll(): void {
  clock.n = CHECK_EVERY;
  if (current !== undefined) current.check();
}

/** Call once per row / loop iteration in the executor: cheap except every CHECK_EVERY calls. */
export function tick(): void {
  if (--clock.n <= 0) poll();
}

/** Run `fn` (synchronous) with `guard` active; checks the guard first. */
export function guarded<T>(guard: StatementGuard | undefined, fn: () => T): T {
  if (guard === undefined) return fn();
  guard.check();
  const prev = current;
  current = guard;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** A row source that runs with `guard` active on every pull. */
export function guardPull(guard: StatementGuard | undefined, pull: Pull): Pull {
  if (guard === undefined) return pull;
  const signal = guard.signal;
  return () => {
    // A signal aborted between two pulls (an `iterate` loop) stops at the next row.
    if (signal !== undefined && signal.aborted) throw new InterruptedError(signal.reason);
    const prev = current;
    current = guard;
    try {
      return pull();
    } finally {
      current = prev;
    }
  };
}
