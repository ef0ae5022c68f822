/**
 * Runs stuck in RUNNING: a detection message that went to the dead-letter queue leaves its run
 * RUNNING for ever. The nightly job ends such runs FAILED, saying why, and re-queues their object
 * once (the moment it fails the run: `failRun` takes effect only once).
 *
 * A run's last progress is the later of its start and the write time of its newest checkpoint
 * (`checkpoints/<runId>/…`, written at each continuation). It is stuck when that is more than
 * {@link STUCK_AFTER_MS} ago. Six hours is safely past what a live run can go quiet for: one
 * detection invocation lasts at most 15 min, and a message that keeps failing is dead-lettered
 * after maxReceiveCount (3) × the visibility timeout (6 × 15 min) = 4.5 h.
 */
import { STUCK_REASON_PREFIX, type ObjectStore, type ResultReader, type RunRecord, type RunWriter } from '../../ports.ts';
import { CHECKPOINTS_PREFIX } from './layout.ts';

export const STUCK_AFTER_MS = 6 * 3_600_000;
/** How far back RUNNING runs are looked for: a night that did not run is caught up the next. */
export const STUCK_LOOKBACK_MS = 7 * 86_400_000;

export interface StuckRun {
  runId: string;
  key: string;
  lastProgress: number;
  reason: string;
}

/** The last sign of life of a run: its start, or its newest checkpoint's write. */
export async function lastProgress(objects: ObjectStore, run: RunRecord): Promise<number> {
  const checkpoints = await objects.list(`${CHECKPOINTS_PREFIX}${run.runId}/`);
  return Math.max(run.startedAt, ...checkpoints.map((c) => c.lastModified ?? 0));
}

/**
 * Finds `source`'s runs still RUNNING with no progress for {@link STUCK_AFTER_MS} before `now`
 * and ends them FAILED. Returns only the runs this call failed (a run failed by another caller
 * meanwhile is left out, so its object is re-queued once).
 */
export async function failStuckRuns(
  ports: { objects: ObjectStore; reader: ResultReader; runs: RunWriter }, source: string, now: number, stuckAfterMs = STUCK_AFTER_MS,
): Promise<StuckRun[]> {
  const running = (await ports.reader.listRuns(source, { from: now - STUCK_LOOKBACK_MS, to: now - stuckAfterMs })).filter((r) => r.status === 'RUNNING');
  const failed: StuckRun[] = [];
  for (const run of running) {
    const progress = await lastProgress(ports.objects, run);
    if (now - progress < stuckAfterMs) continue;
    const reason = `${STUCK_REASON_PREFIX}${new Date(progress).toISOString()}: the detection message probably went to the dead-letter queue. `
      + `The nightly job re-queued ${run.input.key} once; if this repeats, look at the detection dead-letter queue and the detect function's logs`;
    const { status: _status, ...start } = run;
    if (await ports.runs.failRun(start, reason, now)) failed.push({ runId: run.runId, key: run.input.key, lastProgress: progress, reason });
  }
  return failed;
}
