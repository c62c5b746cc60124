/**
 * Ctrl-C for the interactive shell: cancel the running statement instead of killing the shell.
 *
 * The SQL executor runs synchronously, so a SIGINT handler of the main thread could only run
 * after the statement ended. Instead, a worker thread starts a tiny helper process in the
 * shell's process group; the terminal delivers Ctrl-C (SIGINT) to every process of the group,
 * the helper reports it on its stdout, and the worker — whose event loop is free — sets a flag
 * in a SharedArrayBuffer. The executor reads that flag through the statement's `signal`
 * (`{ aborted }`) every few hundred rows and stops with `INTERRUPTED`.
 *
 * While a statement runs the terminal leaves raw mode (so Ctrl-C is a signal, not a byte
 * readline reads later) and the main thread ignores SIGINT; at the prompt readline's own Ctrl-C
 * handling is unchanged (it ends the shell). A SIGINT from outside at the prompt (`kill -INT`)
 * also ends the shell, as before.
 */
import { Worker } from 'node:worker_threads';
import type { InterruptSignal } from '../src/index.js';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const flag = new Int32Array(workerData);
const helper = "process.on('SIGINT', () => process.stdout.write('i')); process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();";
const c = spawn(process.execPath, ['-e', helper], { stdio: ['pipe', 'pipe', 'ignore'] });
c.stdout.on('data', () => { Atomics.store(flag, 0, 1); });
c.on('spawn', () => parentPort.postMessage({ pid: c.pid }));
c.on('error', () => parentPort.postMessage({ pid: 0 }));
parentPort.on('message', (m) => { if (m === 'stop') { try { c.kill(); } catch {} process.exit(0); } });
`;

/** Cancels statements on Ctrl-C; `run(fn)` runs one statement with `signal` armed. */
export class CtrlC {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private worker: Worker | undefined;
  private ready: Promise<void>;
  private running = false;
  private lastEnd = 0;
  private readonly onSigint = (): void => {
    // The main thread sees a Ctrl-C only once the statement it cancelled has ended.
    if (this.running || Date.now() - this.lastEnd < 500) return;
    this.onIdleSigint();
  };
  /** What `run`'s callback passes to the statement as `signal`. */
  readonly signal: InterruptSignal;

  constructor(
    private readonly input: NodeJS.ReadStream,
    /** A SIGINT that arrives at the prompt (from `kill`, or with no terminal). */
    private readonly onIdleSigint: () => void,
  ) {
    const flag = this.flag;
    this.signal = {
      get aborted() {
        return Atomics.load(flag, 0) === 1;
      },
      reason: 'Ctrl-C',
    };
    const w = new Worker(WORKER, { eval: true, workerData: flag.buffer });
    this.worker = w;
    w.unref();
    this.ready = new Promise<void>((resolve) => {
      w.once('message', () => resolve());
      w.once('error', () => resolve());
      w.once('exit', () => resolve());
    });
    process.on('SIGINT', this.onSigint);
  }

  /** Run one statement: Ctrl-C while it runs cancels it. */
  async run<T>(fn: (signal: InterruptSignal) => Promise<T>): Promise<T> {
    await this.ready;
    Atomics.store(this.flag, 0, 0);
    const tty = this.input.isTTY === true && typeof this.input.setRawMode === 'function';
    const wasRaw = tty && this.input.isRaw;
    if (wasRaw) this.input.setRawMode(false);
    this.running = true;
    try {
      return await fn(this.signal);
    } finally {
      this.running = false;
      this.lastEnd = Date.now();
      if (wasRaw) this.input.setRawMode(true);
    }
  }

  /** Stop the worker and its helper process. */
  async close(): Promise<void> {
    process.off('SIGINT', this.onSigint);
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    w.postMessage('stop');
    await Promise.race([new Promise((r) => w.once('exit', r)), new Promise((r) => setTimeout(r, 500).unref())]);
    await w.terminate();
  }
}
