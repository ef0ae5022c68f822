/**
 * The nightly re-queue step: runs stuck in RUNNING are ended FAILED (and their object re-queued
 * once, see stuck-runs.ts), then objects of the last 24 h that no run covers go to the detection queue.
 */
import type { JobQueue, ObjectInfo, ObjectStore, ResultReader, RunWriter } from '../../ports.ts';
import { failStuckRuns, lastProgress, STUCK_AFTER_MS, type StuckRun } from './stuck-runs.ts';

const DAY_MS = 86_400_000;

export interface RequeuePorts {
  objects: ObjectStore;
  reader: ResultReader;
  runs: RunWriter;
  /** The detection job queue (one message per object key; `retryOf` names the stuck run a message retries). */
  missed: JobQueue<{ key: string; retryOf?: string }>;
}

export interface RequeueOutcome {
  /** Keys queued because no run covers them (their S3 event was probably lost). */
  missed: string[];
  /** Runs this step ended FAILED as stuck; each one's object was queued again. */
  stuck: StuckRun[];
}

/** Fails stuck runs, then queues `logs` of the 24 h before `now` with no live or finished run for their key and ETag. */
export async function requeueMissed(ports: RequeuePorts, source: string, logs: ObjectInfo[], now: number): Promise<RequeueOutcome> {
  const stuck = await failStuckRuns(ports, source, now);
  if (stuck.length > 0) await ports.missed.send(stuck.map(({ key, runId }) => ({ key, retryOf: runId })));
  const requeued = new Set(stuck.map((s) => s.key));

  const recent = logs.filter((o) => o.lastModified !== undefined && o.lastModified > now - DAY_MS && o.lastModified <= now);
  if (recent.length === 0) return { missed: [], stuck };
  // A run starts after its object was written: runs since the window's start cover every recent object.
  const runs = await ports.reader.listRuns(source, { from: Math.min(...recent.map((o) => o.lastModified!)) - 60_000 });
  const seen = new Set<string>();
  for (const run of runs) {
    // A RUNNING run with no progress past the limit does not cover its object (even when failing it above did not happen).
    if (run.status === 'RUNNING' && now - await lastProgress(ports.objects, run) >= STUCK_AFTER_MS) continue;
    seen.add(`${run.input.key}\u0000${run.input.etag}`);
  }
  const missed = recent.filter((o) => !seen.has(`${o.key}\u0000${o.etag}`) && !requeued.has(o.key)).map((o) => o.key);
  if (missed.length > 0) await ports.missed.send(missed.map((key) => ({ key })));
  return { missed, stuck };
}
