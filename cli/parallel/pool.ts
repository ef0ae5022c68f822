/**
 * A fixed set of parsing worker threads (worker.ts). Chunks go to the least busy worker; each
 * result comes back as a promise, so the caller can consume them strictly in order.
 */
import { Worker } from 'node:worker_threads';
import type { MinerState } from '../../shared/templates/state.ts';
import type { ChunkMessage, ChunkResult, FromWorker, ToWorker, WorkerSetup } from './protocol.ts';
import type { WorkerEntry } from './worker-entry.ts';

/** A worker failed (its code threw, or the thread died): the run cannot give a complete result. */
export class WorkerFailedError extends Error {
  override name = 'WorkerFailedError';
}

interface Pending { resolve: (result: ChunkResult) => void; reject: (error: Error) => void }

interface Slot { worker: Worker; pending: Map<number, Pending>; failed?: Error }

export class WorkerPool {
  private readonly slots: Slot[];
  private nextId = 0;

  constructor(readonly size: number, entry: WorkerEntry, setup: WorkerSetup) {
    this.slots = Array.from({ length: size }, () => this.start(entry, setup));
  }

  private start(entry: WorkerEntry, setup: WorkerSetup): Slot {
    const worker = new Worker(entry.url, { workerData: setup });
    // An idle worker never keeps the process alive (a command that fails half-way still exits);
    // a busy one does, while the main thread awaits its result.
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (message: FromWorker) => {
      const pending = slot.pending.get(message.id);
      if (!pending) return;
      slot.pending.delete(message.id);
      if (slot.pending.size === 0) worker.unref();
      if ('error' in message) pending.reject(new WorkerFailedError(`a parsing worker failed: ${message.error}`));
      else pending.resolve(message);
    });
    const fail = (error: Error): void => {
      slot.failed = new WorkerFailedError(`a parsing worker stopped: ${error.message}`);
      for (const pending of slot.pending.values()) pending.reject(slot.failed);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (slot.pending.size > 0) fail(new Error(`it exited with code ${code}`));
    });
    return slot;
  }

  /** Every later chunk's records are matched against this miner's clusters (null: parse only). */
  useMiner(state: MinerState | null): void {
    // Messages to a worker are handled in order, so no chunk sent after this sees the old miner.
    for (const slot of this.slots) this.post(slot, { type: 'miner', state });
  }

  /** Reads one chunk on the least busy worker; its bytes are moved there (`chunk.bytes` is unusable after). */
  read(chunk: Omit<ChunkMessage, 'type' | 'id'>): Promise<ChunkResult> {
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = this.nextId++;
    return new Promise<ChunkResult>((resolve, reject) => {
      if (slot.failed) {
        reject(slot.failed);
        return;
      }
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      this.post(slot, { type: 'chunk', id, ...chunk }, [chunk.bytes.buffer as ArrayBuffer, chunk.ends.buffer as ArrayBuffer]);
    });
  }

  private post(slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    slot.worker.postMessage(message, transfer);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
