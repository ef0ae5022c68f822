/**
 * The nightly job for one UTC day, one job per source (same code wherever it is bound; I/O through
 * ports). Each source's job runs three separate steps; one failing does not stop the others, and
 * the outcome reports each:
 *
 *  1. `requeue` (nightly-requeue.ts): runs stuck in RUNNING are ended FAILED and their object is
 *     queued again once; objects under `logs/<source>/` of the 24 h before `now` with no run for
 *     their key and ETag are sent to the detection queue (an S3 event lost on the way is caught here);
 *  2. `roll` (nightly-roll.ts): the model current on that day is rolled forward with the day's logs,
 *     incidents left out (roll-exclusion.ts); a past day does not move today's `current` pointer;
 *  3. `digest` (nightly-digest.ts): the day's digest highlights and `reports/<day>/<source>.html`.
 *
 * Deadline-aware: before each step the job checks the time left (`remainingMs`); when a step's
 * reserve is not left and something already ran, the remaining steps are handed back (the caller
 * re-queues them) instead of being cut off. Objects are chosen with the same rule as the bucket
 * notifications' handlers ({@link isLogObjectKey}) and read as `config/<source>.json` says.
 *
 * Idempotent per day: a day already rolled is not rolled again, digest highlights and the report
 * are recomputed from the same data into the same values, and the report is only written when
 * its bytes differ. Running twice for the same day changes nothing.
 */
import type { DigestStore, JobQueue, ModelRegistry, ObjectStore, ResultReader, RunWriter } from '../../ports.ts';
import type { ModelStore } from '../../model/model-store.ts';
import { isLogObjectKey, LOGS_PREFIX, MODELS_PREFIX } from './layout.ts';
import { writeDayDigest, type DigestOutcome } from './nightly-digest.ts';
import { requeueMissed } from './nightly-requeue.ts';
import { rollDay, type RollOutcome } from './nightly-roll.ts';
import type { StuckRun } from './stuck-runs.ts';

export { daySliceKey, rebuiltDayKey, REPORTS_PREFIX, reportKey, ROLLING_PREFIX } from './nightly-layout.ts';
export type { RollOutcome } from './nightly-roll.ts';

const DAY_MS = 86_400_000;

export type NightlyStep = 'requeue' | 'roll' | 'digest';
export const NIGHTLY_STEPS: readonly NightlyStep[] = ['requeue', 'roll', 'digest'];

/** Time a step needs at least before it starts (the roll retrains a model: most of a 15-minute Lambda). */
export const STEP_RESERVE_MS: Record<NightlyStep, number> = { requeue: 60_000, roll: 600_000, digest: 120_000 };

export interface NightlyPorts {
  objects: ObjectStore;
  models: ModelStore;
  /** The day's runs and anomalies. */
  reader: ResultReader;
  /** Ends stuck runs FAILED. */
  runs: RunWriter;
  digests: DigestStore;
  /** Where rolled-forward models are recorded. */
  modelRegistry: ModelRegistry;
  /**
   * Where missed uploads go: the detection job queue (one message per object key). The object of
   * a run failed as stuck carries `retryOf` (that run's id), sent once, when the run was failed.
   */
  missed: JobQueue<{ key: string; retryOf?: string }>;
}

export interface NightlyJob {
  /** The UTC day to summarise and roll (YYYY-MM-DD). */
  day: string;
  /** Epoch ms the job was started: the 24 h window for missed uploads ends here; rolled models are dated with it. */
  now: number;
  /** Days of statistics merged on top of the anchor (default 7). */
  historyDays?: number;
  /** Top anomalies per source in the digest and the report (default 10). */
  top?: number;
}

/** One source's job: which steps are left (default all), and the time left to do them in. */
export interface SourceJob extends NightlyJob {
  source: string;
  steps?: readonly NightlyStep[];
  /** Milliseconds left before the caller must stop (a Lambda's remaining time); Infinity when absent. */
  remainingMs?: () => number;
  /**
   * Run the first step whatever the time left (default true: a fresh job handing everything back
   * would loop for ever). False when other work already used this invocation's time.
   */
  firstStepAlways?: boolean;
}

/** What a step did: its result, or why it failed (written for a person). */
export type StepResult = 'DONE' | 'FAILED' | 'HANDED_BACK' | 'NOT_ASKED';

export interface SourceOutcome {
  source: string;
  day: string;
  steps: Record<NightlyStep, StepResult>;
  /** Failures by step. */
  errors: Partial<Record<NightlyStep, string>>;
  /** Steps left for a follow-up job (the deadline was near). */
  handedBack: NightlyStep[];
  missed: string[];
  stuck: StuckRun[];
  roll?: RollOutcome | { status: 'FAILED'; reason: string };
  digest?: DigestOutcome;
}

export interface NightlyOutcome {
  day: string;
  sources: SourceOutcome[];
}

/** The day's start (epoch ms) of a YYYY-MM-DD; throws on anything else. */
export function dayStartOf(day: string): number {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(start)) throw new Error(`not a day: ${day} (expected YYYY-MM-DD)`);
  return start;
}

/** The sources a nightly job covers: every one with a model, or a digest that day. */
export async function nightlySources(ports: Pick<NightlyPorts, 'objects' | 'digests'>, day: string): Promise<string[]> {
  const modelSources = (await ports.objects.list(MODELS_PREFIX)).filter((o) => o.key.endsWith('/current')).map((o) => o.key.slice(MODELS_PREFIX.length, -'/current'.length));
  const digestSources = (await ports.digests.listDigests(day)).map((d) => d.source);
  return [...new Set([...modelSources, ...digestSources])].sort();
}

/**
 * Every source's job one after another, in this process (a by-hand rebuild of one day). With
 * `remainingMs`, steps without time left are handed back in each source's outcome.
 */
export async function runNightly(ports: NightlyPorts, job: NightlyJob & { remainingMs?: () => number }): Promise<NightlyOutcome> {
  const sources: SourceOutcome[] = [];
  for (const source of await nightlySources(ports, job.day)) sources.push(await runNightlySource(ports, { ...job, source, firstStepAlways: sources.length === 0 }));
  return { day: job.day, sources };
}

/** One source's steps for `job.day`. Step failures are caught and reported; the steps after still run. */
export async function runNightlySource(ports: NightlyPorts, job: SourceJob): Promise<SourceOutcome> {
  const historyDays = job.historyDays ?? 7;
  const dayStart = dayStartOf(job.day);
  const dayEnd = dayStart + DAY_MS;
  const asked = new Set(job.steps ?? NIGHTLY_STEPS);
  const remaining = job.remainingMs ?? (() => Infinity);
  const outcome: SourceOutcome = {
    source: job.source, day: job.day, steps: { requeue: 'NOT_ASKED', roll: 'NOT_ASKED', digest: 'NOT_ASKED' }, errors: {}, handedBack: [], missed: [], stuck: [],
  };
  let logs: Awaited<ReturnType<ObjectStore['list']>> | undefined;
  const sourceLogs = async () => (logs ??= (await ports.objects.list(`${LOGS_PREFIX}${job.source}/`)).filter((o) => o.size > 0 && isLogObjectKey(o.key)));

  const work: Record<NightlyStep, () => Promise<void>> = {
    requeue: async () => {
      const { missed, stuck } = await requeueMissed(ports, job.source, await sourceLogs(), job.now);
      Object.assign(outcome, { missed, stuck });
    },
    roll: async () => {
      const dayLogs = (await sourceLogs()).filter((o) => o.lastModified !== undefined && o.lastModified >= dayStart && o.lastModified < dayEnd);
      outcome.roll = await rollDay(ports, { source: job.source, day: job.day, dayStart, dayEnd, dayLogs, now: job.now, historyDays });
    },
    digest: async () => {
      outcome.digest = await writeDayDigest(ports, { source: job.source, day: job.day, dayStart, dayEnd, top: job.top ?? 10, historyDays });
    },
  };
  let ran = 0;
  for (const step of NIGHTLY_STEPS.filter((s) => asked.has(s))) {
    if ((ran > 0 || job.firstStepAlways === false) && remaining() < STEP_RESERVE_MS[step]) {
      outcome.steps[step] = 'HANDED_BACK';
      outcome.handedBack.push(step);
      continue;
    }
    ran++;
    try {
      await work[step]();
      outcome.steps[step] = 'DONE';
    } catch (error) {
      outcome.steps[step] = 'FAILED';
      outcome.errors[step] = error instanceof Error ? error.message : String(error);
      if (step === 'roll') outcome.roll = { status: 'FAILED', reason: outcome.errors[step] };
    }
  }
  return outcome;
}
