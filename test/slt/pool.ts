/**
 * Parallel, isolated sqllogictest runs: a pool of worker threads (./worker.ts), each running
 * one file at a time, plus a watchdog. Engines run synchronously inside their calls, so a hung
 * record blocks its thread; the watchdog sees that through shared memory, terminates the
 * worker, reports the record as a failure, and resumes the file in a fresh worker from the
 * next record (replaying the earlier records silently to rebuild the database).
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseSlt } from './parser.js';
import { SLOT_COUNT, Slot, State, type EngineRef, type JobMessage, type WorkerReply } from './protocol.js';
import type { Failure, FileResult } from './runner.js';

export type { EngineRef } from './protocol.js';

export interface PoolOptions {
  engine: EngineRef;
  /** Engine name for skipif/onlyif (default `sqlite`). */
  engineName?: string;
  /** Worker threads (default: available parallelism). */
  jobs?: number;
  /** A record that runs longer than this is failed and skipped (default 30 000 ms). */
  timeoutMs?: number;
  /** Stop each file at its first failure, and start no new file after a failure. */
  failFast?: boolean;
  /** Failure details kept per file (counts are always complete). Default 10 000. */
  maxFailureDetails?: number;
  /** Called as each file finishes. */
  onFileDone?: (result: FileResult) => void;
}

/** Progress of a file being run. */
export interface ActiveFile {
  file: string;
  /** Counted records finished so far. */
  done: number;
  total: number;
  line: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const WORKER_URL = pathToFileURL(join(here, 'worker.ts')).href;
const TSX_API = pathToFileURL(
  createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs'),
).href;
/** The worker is TypeScript: register tsx's loader in the thread, then load it. */
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;
const WATCH_INTERVAL_MS = 100;

interface Job {
  id: number;
  file: string;
  sab: SharedArrayBuffer;
  s: Int32Array;
  failures: Failure[];
  /** Records failed by the watchdog (not run again on resume). */
  skip: number[];
  t0: number;
  lastBeat: number;
  lastBeatAt: number;
  finish: (r: FileResult) => void;
}

class Lane {
  worker!: Worker;
  job: Job | undefined;
  private readyWait: Promise<void> = Promise.resolve();
  private dead = false;

  constructor(private readonly pool: SltPool) {
    this.spawn();
  }

  spawn(): void {
    const w = new Worker(BOOTSTRAP, { eval: true });
    this.worker = w;
    this.readyWait = new Promise<void>((resolve, reject) => {
      const onMsg = (m: WorkerReply): void => {
        if (m.type === 'ready') {
          w.off('message', onMsg);
          w.off('error', onErr);
          resolve();
        }
      };
      const onErr = (e: Error): void => reject(e);
      w.on('message', onMsg);
      w.once('error', onErr);
    });
    this.readyWait.catch(() => undefined); // awaited in send(); never an unhandled rejection
    w.on('message', (m: WorkerReply) => {
      if (w === this.worker) this.pool.onReply(this, m);
    });
    w.on('error', (e: Error) => {
      if (w === this.worker) this.pool.onCrash(this, `worker error: ${e.message}`);
    });
    w.on('exit', (code) => {
      if (w === this.worker) this.pool.onCrash(this, `worker exited with code ${code}`);
    });
  }

  /** Drop the current worker (it may be stuck in native code: never wait for it) and start another. */
  replace(): void {
    const old = this.worker;
    this.spawn();
    old.unref();
    void old.terminate().catch(() => undefined);
  }

  async send(msg: JobMessage): Promise<void> {
    if (this.dead) {
      this.dead = false;
      this.spawn();
    }
    await this.readyWait;
    this.worker.postMessage(msg);
  }

  /** The worker died while idle: start a new one when the next job comes. */
  markDead(): void {
    this.dead = true;
  }

  close(): Promise<number> {
    const w = this.worker;
    this.worker = undefined as unknown as Worker; // ignore its exit event
    return w.terminate();
  }
}

export class SltPool {
  private readonly opts: Required<Omit<PoolOptions, 'onFileDone' | 'engineName'>> & PoolOptions;
  private lanes: Lane[] = [];
  private nextId = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(options: PoolOptions) {
    this.opts = {
      jobs: Math.max(1, options.jobs ?? availableParallelism()),
      timeoutMs: options.timeoutMs ?? 30_000,
      failFast: options.failFast ?? false,
      maxFailureDetails: options.maxFailureDetails ?? 10_000,
      ...options,
    };
  }

  /** Run the files (largest first); results come back in the order of `files`. */
  async run(files: readonly string[]): Promise<FileResult[]> {
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    const order = files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]!);
    const results: FileResult[] = new Array<FileResult>(files.length);
    const nLanes = Math.min(this.opts.jobs, files.length);
    this.lanes = Array.from({ length: nLanes }, () => new Lane(this));
    this.timer = setInterval(() => this.watch(), WATCH_INTERVAL_MS);
    let next = 0;
    try {
      await Promise.all(
        this.lanes.map(async (lane) => {
          while (next < order.length && !this.stopped) {
            const idx = order[next++]!;
            const r = await this.runOn(lane, files[idx]!);
            results[idx] = r;
            this.opts.onFileDone?.(r);
            if (r.failed > 0 && this.opts.failFast) this.stopped = true;
          }
        }),
      );
    } finally {
      clearInterval(this.timer);
      await Promise.all(this.lanes.map((l) => l.close().catch(() => 0)));
      this.lanes = [];
    }
    return results.filter((r) => r !== undefined);
  }

  /** Files being run now, with their progress. */
  active(): ActiveFile[] {
    const out: ActiveFile[] = [];
    for (const lane of this.lanes) {
      const j = lane.job;
      if (!j) continue;
      const s = j.s;
      out.push({
        file: j.file,
        done: Atomics.load(s, Slot.Passed) + Atomics.load(s, Slot.Failed) + Atomics.load(s, Slot.Skipped),
        total: Atomics.load(s, Slot.Total),
        line: Atomics.load(s, Slot.Line),
      });
    }
    return out;
  }

  private runOn(lane: Lane, file: string): Promise<FileResult> {
    return new Promise<FileResult>((resolve) => {
      const sab = new SharedArrayBuffer(SLOT_COUNT * 4);
      const job: Job = {
        id: this.nextId++,
        file,
        sab,
        s: new Int32Array(sab),
        failures: [],
        skip: [],
        t0: performance.now(),
        lastBeat: -1,
        lastBeatAt: performance.now(),
        finish: resolve,
      };
      lane.job = job;
      this.dispatch(lane, job, this.message(job));
    });
  }

  private dispatch(lane: Lane, job: Job, msg: JobMessage): void {
    lane.send(msg).catch((e: unknown) => {
      if (lane.job !== job) return;
      lane.markDead();
      Atomics.add(job.s, Slot.Failed, 1);
      const message = e instanceof Error ? e.message : String(e);
      this.addFailure(job, { line: 0, sql: '', expected: '', actual: message, reason: 'worker failed to start' });
      this.complete(lane, job);
    });
  }

  private message(job: Job, resume?: { replayBefore: number; skip: number[] }): JobMessage {
    const m: JobMessage = { id: job.id, path: job.file, engine: this.opts.engine, sab: job.sab };
    if (this.opts.engineName !== undefined) m.engineName = this.opts.engineName;
    if (this.opts.failFast) m.failFast = true;
    if (resume) m.resume = resume;
    return m;
  }

  /** `ms`: the worker's own timing of the file, used when the file ran in one go. */
  private complete(lane: Lane, job: Job, ms?: number): void {
    if (lane.job !== job) return;
    lane.job = undefined;
    const s = job.s;
    job.finish({
      file: job.file,
      passed: Atomics.load(s, Slot.Passed),
      failed: Atomics.load(s, Slot.Failed),
      skipped: Atomics.load(s, Slot.Skipped),
      failures: job.failures.sort((a, b) => a.line - b.line),
      ms: ms !== undefined && job.skip.length === 0 ? ms : performance.now() - job.t0,
    });
  }

  private addFailure(job: Job, f: Failure): void {
    if (job.failures.length < this.opts.maxFailureDetails) job.failures.push(f);
  }

  /** @internal */
  onReply(lane: Lane, m: WorkerReply): void {
    const job = lane.job;
    if (m.type === 'ready' || !job || m.id !== job.id) return;
    if (m.type === 'failure') this.addFailure(job, m.failure);
    else if (m.type === 'done') this.complete(lane, job, m.ms);
    else {
      // The file could not run (engine did not open, unreadable file, ...): one failure.
      Atomics.add(job.s, Slot.Failed, 1);
      this.addFailure(job, { line: 0, sql: '', expected: '', actual: m.message, reason: 'file aborted' });
      this.complete(lane, job);
    }
  }

  /** @internal The worker died: treat like a hang of whatever it was doing. */
  onCrash(lane: Lane, why: string): void {
    if (!lane.job) {
      lane.markDead();
      return;
    }
    void this.recover(lane, lane.job, why);
  }

  private watch(): void {
    const now = performance.now();
    for (const lane of this.lanes) {
      const job = lane.job;
      if (!job) continue;
      const beat = Atomics.load(job.s, Slot.Beat);
      if (beat !== job.lastBeat) {
        job.lastBeat = beat;
        job.lastBeatAt = now;
      } else if (now - job.lastBeatAt > this.opts.timeoutMs) {
        job.lastBeatAt = Infinity; // recover once
        void this.recover(lane, job, `timed out after ${this.opts.timeoutMs} ms`);
      }
    }
  }

  /** Replace the lane's worker; fail the record it was stuck on and resume after it. */
  private async recover(lane: Lane, job: Job, why: string): Promise<void> {
    const s = job.s;
    const state = Atomics.load(s, Slot.State);
    lane.replace();
    if (lane.job !== job) return;
    if (state === State.Closing || state === State.Done) {
      this.complete(lane, job);
      return;
    }
    if (state !== State.Running) {
      const what = state === State.Opening ? 'opening the engine' : state === State.Replaying ? 'replaying earlier records' : 'between records';
      Atomics.add(s, Slot.Failed, 1);
      this.addFailure(job, {
        line: Atomics.load(s, Slot.Line),
        sql: '',
        expected: '',
        actual: '',
        reason: `${why} while ${what}; rest of file not run`,
      });
      this.complete(lane, job);
      return;
    }
    const index = Atomics.load(s, Slot.Index);
    let sql = '';
    let line = Atomics.load(s, Slot.Line);
    try {
      const rec = parseSlt(await readFile(job.file, 'utf8'))[index];
      if (rec && (rec.kind === 'statement' || rec.kind === 'query')) {
        sql = rec.sql;
        line = rec.line;
      }
    } catch {
      // keep what we have
    }
    Atomics.add(s, Slot.Failed, 1);
    this.addFailure(job, { line, sql, expected: '', actual: '', reason: `${why}; worker restarted, file resumed after this record` });
    job.skip.push(index);
    job.lastBeat = -1;
    job.lastBeatAt = performance.now();
    this.dispatch(lane, job, this.message(job, { replayBefore: index, skip: [...job.skip] }));
  }
}

/** Convenience: run files in a pool and return their results (in the order given). */
export async function runFilesIsolated(files: readonly string[], options: PoolOptions): Promise<FileResult[]> {
  return new SltPool(options).run(files);
}
