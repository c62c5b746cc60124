/**
 * Messages and shared-memory layout between the sqllogictest pool (./pool.ts) and its worker
 * threads (./worker.ts).
 */
import type { Failure } from './runner.js';

/** Which engine a worker runs: a name from ./engines/index.ts, or a module exporting a factory. */
export type EngineRef = { name: string } | { module: string; exportName?: string };

/** Int32 slots of the per-job SharedArrayBuffer. */
export const Slot = {
  State: 0,
  /** Index (into the parsed records) of the record being executed. */
  Index: 1,
  /** Line of that record. */
  Line: 2,
  /** Bumped on every state change; the watchdog measures time since it last moved. */
  Beat: 3,
  Passed: 4,
  Failed: 5,
  Skipped: 6,
  /** Number of statement/query records in the file (progress display). */
  Total: 7,
} as const;
export type Slot = (typeof Slot)[keyof typeof Slot];
export const SLOT_COUNT = 8;

export const State = {
  Opening: 0,
  Running: 1,
  Between: 2,
  Replaying: 3,
  Closing: 4,
  Done: 5,
} as const;

export interface JobMessage {
  id: number;
  path: string;
  engine: EngineRef;
  engineName?: string;
  failFast?: boolean;
  resume?: { replayBefore: number; skip: number[] };
  sab: SharedArrayBuffer;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'failure'; id: number; index: number; failure: Failure }
  | { type: 'done'; id: number; ms: number }
  | { type: 'error'; id: number; message: string };
