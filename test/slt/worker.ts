/**
 * sqllogictest worker thread: runs the files the pool (./pool.ts) hands it, one at a time,
 * publishing progress in a SharedArrayBuffer so the pool's watchdog can see a hung record
 * even while this thread is blocked inside a synchronous engine call.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { EngineFactory } from './engine.js';
import { engines } from './engines/index.js';
import { parseSlt } from './parser.js';
import { runRecords, type Failure } from './runner.js';
import { Slot, State, type EngineRef, type JobMessage, type WorkerReply } from './protocol.js';

async function resolveEngine(ref: EngineRef): Promise<EngineFactory> {
  if ('name' in ref) {
    const f = engines[ref.name];
    if (!f) throw new Error(`unknown engine '${ref.name}' (known: ${Object.keys(engines).join(', ')})`);
    return f;
  }
  const mod = (await import(pathToFileURL(ref.module).href)) as Record<string, unknown>;
  const f = mod[ref.exportName ?? 'default'];
  if (typeof f !== 'function') throw new Error(`${ref.module} has no engine factory '${ref.exportName ?? 'default'}'`);
  return f as EngineFactory;
}

async function runJob(job: JobMessage): Promise<void> {
  const port = parentPort!;
  const s = new Int32Array(job.sab);
  const set = (slot: Slot, v: number): void => {
    Atomics.store(s, slot, v);
  };
  const beat = (): void => {
    Atomics.add(s, Slot.Beat, 1);
  };
  const reply = (m: WorkerReply): void => port.postMessage(m);
  try {
    set(Slot.State, State.Opening);
    beat();
    const factory = await resolveEngine(job.engine);
    const records = parseSlt(await readFile(job.path, 'utf8'));
    let counted = 0;
    for (const r of records) if (r.kind === 'statement' || r.kind === 'query' || r.kind === 'invalid') counted++;
    set(Slot.Total, counted);
    const replayBefore = job.resume?.replayBefore ?? 0;
    const result = await runRecords(records, job.path, factory, {
      engineName: job.engineName,
      failFast: job.failFast,
      maxFailureDetails: 0, // details travel as messages
      resume: job.resume,
      onRecordStart(index, line) {
        set(Slot.Index, index);
        set(Slot.Line, line);
        set(Slot.State, index < replayBefore ? State.Replaying : State.Running);
        beat();
      },
      onRecordEnd(index, outcome, failure?: Failure) {
        Atomics.add(s, outcome === 'passed' ? Slot.Passed : outcome === 'failed' ? Slot.Failed : Slot.Skipped, 1);
        set(Slot.State, State.Between);
        beat();
        if (failure) reply({ type: 'failure', id: job.id, index, failure });
      },
      onClosing() {
        set(Slot.State, State.Closing);
        beat();
      },
    });
    set(Slot.State, State.Done);
    beat();
    reply({ type: 'done', id: job.id, ms: result.ms });
  } catch (e) {
    set(Slot.State, State.Done);
    beat();
    reply({ type: 'error', id: job.id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

// Jobs arrive one at a time; the pool waits for `done`/`error` before sending the next.
parentPort!.on('message', (job: JobMessage) => {
  void runJob(job);
});
parentPort!.postMessage({ type: 'ready' } satisfies WorkerReply);
