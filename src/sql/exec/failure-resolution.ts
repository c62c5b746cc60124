/**
 * How a failed statement is resolved, marked on the error it throws: `FAIL` keeps the changes
 * the statement made before the failure (`OR FAIL`, `RAISE(FAIL, …)`), `ROLLBACK` ends the
 * whole transaction (`OR ROLLBACK`, `RAISE(ROLLBACK, …)`); unmarked errors undo the statement
 * (ABORT). The session reads the mark when a statement throws.
 */
const resolutions = new WeakMap<object, 'FAIL' | 'ROLLBACK'>();

/** The resolution marked on a statement's error, if any. */
export function failedStatementResolution(e: unknown): 'FAIL' | 'ROLLBACK' | undefined {
  return typeof e === 'object' && e !== null ? resolutions.get(e) : undefined;
}

/** Mark `e` (unless an inner failure already marked it). */
export function markResolution(e: object, how: 'FAIL' | 'ROLLBACK'): void {
  if (!resolutions.has(e)) resolutions.set(e, how);
}
