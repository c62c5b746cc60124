/**
 * Errors of version control: refs, commits, AS OF resolution, branches and merge.
 *
 * Codes are stable (documented in the README); messages say what was wrong and what to do.
 * Other version-control layers (merge, gc) append their classes at the end of this file.
 */
import { HeliosError } from './base.js';

/** A branch, tag, remote-tracking ref or commit named by the user does not exist. */
export class RefNotFoundError extends HeliosError {
  readonly ref: string;
  constructor(ref: string, detail?: string) {
    super('REF_NOT_FOUND', `Unknown ref ${JSON.stringify(ref)}${detail ? `: ${detail}` : ''}`);
    this.ref = ref;
  }
}

/** A commit-id prefix matches more than one commit. */
export class AmbiguousRefError extends HeliosError {
  readonly ref: string;
  readonly candidates: readonly string[];
  constructor(ref: string, candidates: readonly string[]) {
    super(
      'AMBIGUOUS_REF',
      `Commit id prefix ${JSON.stringify(ref)} is ambiguous: it matches ${candidates.slice(0, 5).join(', ')}` +
        `${candidates.length > 5 ? ', …' : ''}; give more characters`,
    );
    this.ref = ref;
    this.candidates = candidates;
  }
}

/** A branch, tag or remote name (or a ref expression) breaks the naming rules. */
export class InvalidRefNameError extends HeliosError {
  readonly ref: string;
  constructor(ref: string, reason: string) {
    super('INVALID_REF_NAME', `Invalid ref name ${JSON.stringify(ref)}: ${reason}`);
    this.ref = ref;
  }
}

/** A branch or tag of that name already exists. */
export class RefExistsError extends HeliosError {
  readonly ref: string;
  constructor(kind: 'branch' | 'tag' | 'remote', ref: string, existingKind: 'branch' | 'tag' | 'remote' = kind) {
    super(
      'REF_EXISTS',
      existingKind === kind
        ? `A ${kind} named ${JSON.stringify(ref)} already exists`
        : `Cannot create ${kind} ${JSON.stringify(ref)}: a ${existingKind} of that name exists`,
    );
    this.ref = ref;
  }
}

/** A compare-and-swap ref move found another head than the one expected. */
export class RefMovedError extends HeliosError {
  readonly ref: string;
  readonly expected: string | null;
  readonly actual: string | null;
  constructor(ref: string, expected: string | null, actual: string | null) {
    super(
      'REF_MOVED',
      `Branch ${JSON.stringify(ref)} moved: expected head ${expected ?? '(none)'}, found ${actual ?? '(none)'}; ` +
        `re-read the branch and retry`,
    );
    this.ref = ref;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A write on a read-only branch (or a session pinned to a past version). */
export class ReadOnlyBranchError extends HeliosError {
  readonly branch: string;
  constructor(branch: string) {
    super('READ_ONLY_BRANCH', `Cannot modify read-only branch: ${branch}`);
    this.branch = branch;
  }
}

/** AS OF a time or SCN before the branch existed. */
export class AsOfBeforeBranchError extends HeliosError {
  readonly branch: string;
  constructor(branch: string, asked: string, createdAt: string) {
    super(
      'AS_OF_BEFORE_BRANCH',
      `Branch ${JSON.stringify(branch)} did not exist at ${asked}; its history starts at ${createdAt}`,
    );
    this.branch = branch;
  }
}

/** AS OF a transaction or SCN that has not happened yet. */
export class AsOfInFutureError extends HeliosError {
  constructor(asked: string, latest: string) {
    super('AS_OF_IN_FUTURE', `${asked} does not exist yet; the latest is ${latest}`);
  }
}

/** AS OF TRANSACTION n where transaction n exists but recorded no commit. */
export class TransactionNotCommittedError extends HeliosError {
  readonly transaction: number;
  constructor(transaction: number) {
    super(
      'TRANSACTION_NOT_COMMITTED',
      `Transaction ${transaction} recorded no commit (it is still running, rolled back, or changed nothing)`,
    );
    this.transaction = transaction;
  }
}

/** A version outside the retention window (reserved for the GC layer). */
export class VersionPrunedError extends HeliosError {
  readonly policy: string;
  readonly oldestKept: string;
  constructor(asked: string, policy: string, oldestKept: string) {
    super(
      'VERSION_PRUNED',
      `${asked} is outside the retention window (${policy}); the oldest version kept is ${oldestKept}`,
    );
    this.policy = policy;
    this.oldestKept = oldestKept;
  }
}

/** Dropping the database's default branch. */
export class BranchInUseError extends HeliosError {
  readonly branch: string;
  constructor(branch: string, why: string) {
    super('BRANCH_IN_USE', `Cannot drop branch ${JSON.stringify(branch)}: ${why}`);
    this.branch = branch;
  }
}

/** An AS OF clause whose value is not a usable time, transaction id, SCN or ref text. */
export class InvalidAsOfError extends HeliosError {
  constructor(detail: string) {
    super('INVALID_AS_OF', `Invalid AS OF: ${detail}`);
  }
}

// ───────────────────────────── merge (src/sql/version/merge) ─────────────────────────────

/** A merge into a branch that already has a merge in progress. */
export class MergeInProgressError extends HeliosError {
  readonly branch: string;
  constructor(branch: string) {
    super(
      'MERGE_IN_PROGRESS',
      `Branch ${JSON.stringify(branch)} has a merge in progress; resolve its conflicts and run MERGE CONTINUE, or MERGE ABORT it first`,
    );
    this.branch = branch;
  }
}

/** MERGE CONTINUE / ABORT / RESOLVE CONFLICTS on a branch with no merge in progress. */
export class NoMergeInProgressError extends HeliosError {
  readonly branch: string;
  constructor(branch: string) {
    super('NO_MERGE_IN_PROGRESS', `Branch ${JSON.stringify(branch)} has no merge in progress`);
    this.branch = branch;
  }
}

/** MERGE CONTINUE while data or schema conflicts remain. */
export class MergeConflictsError extends HeliosError {
  readonly dataConflicts: number;
  readonly schemaConflicts: number;
  constructor(branch: string, dataConflicts: number, schemaConflicts: number) {
    super(
      'MERGE_CONFLICTS',
      `The merge into ${JSON.stringify(branch)} still has ${dataConflicts} data conflict(s) and ${schemaConflicts} schema conflict(s); ` +
        `list them with heliosdb_conflicts, resolve them (RESOLVE CONFLICTS … USING OURS|THEIRS, or write the wanted rows), or MERGE ABORT`,
    );
    this.dataConflicts = dataConflicts;
    this.schemaConflicts = schemaConflicts;
  }
}

/** MERGE CONTINUE while the merged result still violates constraints (and FORCE was not given). */
export class MergeConstraintViolationsError extends HeliosError {
  readonly violations: number;
  constructor(branch: string, violations: number) {
    super(
      'MERGE_CONSTRAINT_VIOLATIONS',
      `The merge into ${JSON.stringify(branch)} still breaks ${violations} constraint(s); list them with heliosdb_constraint_violations, ` +
        `fix the rows, or merge WITH (FORCE)`,
    );
    this.violations = violations;
  }
}

/** MERGE into a branch whose uncommitted work (manual versioning) would be lost. */
export class UncommittedChangesError extends HeliosError {
  readonly branch: string;
  constructor(branch: string) {
    super('UNCOMMITTED_CHANGES', `Branch ${JSON.stringify(branch)} has uncommitted changes; commit them or reset before merging`);
    this.branch = branch;
  }
}

/** A merge that cannot run as asked (merging a branch into itself, squash of nothing, …). */
export class InvalidMergeError extends HeliosError {
  constructor(detail: string) {
    super('INVALID_MERGE', detail);
  }
}
