/**
 * The detection stage: one uploaded object × its source's current model → a run with its anomalies,
 * their sessions, and one explain message per anomaly group. Same code for the detection Lambda and
 * the CLI; I/O only through ports, time only through `now` and `remainingMs`.
 *
 * Ordered conditional writes instead of transactions (see docs/data-model.md): run RUNNING
 * (create-if-absent, here) → {@link recordDetection} (sessions → anomalies → explain messages →
 * explainQueued → run DONE), the write sequence the CLI's embedded store shares. Every write is keyed
 * deterministically, so a redelivery that repeats any prefix of this sequence rewrites identical
 * items; the DONE/FAILED run makes later deliveries stop at the first step.
 */
import { LogsleuthError, ModelError } from '../../errors.ts';
import { ingest, type IngestOptions } from '../../ingest/ingest.ts';
import { IngestReport } from '../../ingest/report.ts';
import type {
  ContinueDetectionMessage, ExplainMessage, JobQueue, ObjectStore, ResultStore, RunCounts, RunRecord, SourceObject,
} from '../../ports.ts';
import { Detector, type DetectOptions } from '../detector.ts';
import { checkpointKey, classifyKey, isLogObjectKey, LOGS_PREFIX, runIdFor, sourceConfigKey } from './layout.ts';
import type { ModelStore } from './model-store.ts';
import { recordDetection } from './record.ts';
import { loadSourceConfig, parseSourceConfig, settingsOf, withIngestOptions, type LoadedSourceConfig } from './source-config.ts';

export { explainGroups, sessionsOf } from './record.ts';

export interface DetectionPorts {
  objects: ObjectStore;
  models: ModelStore;
  results: ResultStore;
  explainQueue: JobQueue<ExplainMessage>;
  /** Where a follow-up goes when the deadline is near (the detection job queue). */
  followUps: JobQueue<ContinueDetectionMessage>;
}

/** A new object to check, or a run to continue. */
export type DetectionJob = { kind: 'object'; key: string } | ContinueDetectionMessage;

export interface DetectionContext {
  /** Epoch ms at the start of this invocation. */
  now: number;
  /** Milliseconds left before the caller must stop (a Lambda's remaining time); Infinity locally. */
  remainingMs: () => number;
  /** Stop and checkpoint when fewer than this many ms remain (default 20 000): enough to write the checkpoint. */
  reserveMs?: number;
  /** On top of the source's `config/<source>.json` (these win where both say something). */
  detect?: Omit<DetectOptions, 'runId'>;
  /** On top of the source's `config/<source>.json`, key by key. */
  ingest?: IngestOptions;
}

export type DetectionOutcome =
  | { status: 'DONE'; runId: string; counts: RunCounts; explainGroups: number }
  | { status: 'FAILED'; runId: string; reason: string }
  | { status: 'DUPLICATE'; runId: string; existing: RunRecord['status'] }
  | { status: 'CONTINUED'; runId: string; continuation: number; phase: string; position: number }
  | { status: 'IGNORED'; reason: string };

const DEFAULT_RESERVE_MS = 20_000;

/**
 * Runs (or continues) one detection, reading the object as `config/<source>.json` says. Permanent
 * problems (an invalid config, no model, a model trained with another config, nothing readable, a
 * damaged model) end in a FAILED run and a `FAILED` outcome; transient ones are thrown, leaving the
 * run RUNNING for the queue's next delivery. Keys that are clearly not logs ({@link isLogObjectKey})
 * are IGNORED.
 *
 * The config read at the start is the run's: its tag is part of the run id (a fixed or changed
 * config makes a new run of the same object) and its text travels in follow-up messages, so a
 * continuation reads the rest of the object exactly like the start did, whatever the bucket holds now.
 */
export async function runDetection(ports: DetectionPorts, job: DetectionJob, ctx: DetectionContext): Promise<DetectionOutcome> {
  const key = job.key;
  const target = classifyKey(key);
  if (target?.kind !== 'logs') return { status: 'IGNORED', reason: `${key} is not under ${LOGS_PREFIX}<source>/` };
  if (!isLogObjectKey(key)) return { status: 'IGNORED', reason: `${key} is not a log object (folder marker, checksum, digest or manifest)` };
  const { source } = target;

  let etag: string;
  let size: number;
  let modelId: string;
  let trainedWith: string | undefined;
  let config: LoadedSourceConfig;
  if (job.kind === 'continue-detection') {
    ({ etag, modelId } = job);
    size = (await ports.objects.head(key))?.size ?? 0;
    config = parseSourceConfig(sourceConfigKey(source), job.configText);
  } else {
    const info = await ports.objects.head(key);
    if (!info) return { status: 'IGNORED', reason: `${key} no longer exists` };
    ({ etag, size } = info);
    const current = await ports.models.current(source);
    modelId = current?.modelId ?? 'none';
    trainedWith = current?.configTag;
    config = await loadSourceConfig(ports.objects, source);
  }
  const runId = runIdFor(ports.objects.location, key, etag, modelId, config.tag);
  const start: Omit<RunRecord, 'status'> = { runId, source, input: { location: ports.objects.location, key, etag, size }, modelId, startedAt: ctx.now };
  const { run } = await ports.results.startRun(start);
  if (run.status !== 'RUNNING') return { status: 'DUPLICATE', runId, existing: run.status };

  const fail = async (reason: string): Promise<DetectionOutcome> => {
    await ports.results.failRun(start, reason, ctx.now);
    return { status: 'FAILED', runId, reason };
  };
  if (!config.ok) return fail(config.error.message);
  if (modelId === 'none') return fail(`no model for source "${source}": upload a baseline to baseline/${source}/ first, then upload ${key} again`);
  if (job.kind === 'object' && trainedWith !== config.tag) {
    return fail(`${config.key} ${config.tag === undefined ? 'was removed (or emptied)' : 'changed'} after model ${modelId} was trained, so the model reads "${source}" differently: `
      + `upload the baseline (or any one of its objects) to baseline/${source}/ again to retrain with it, then upload ${key} again`);
  }

  try {
    const settings = settingsOf(config);
    const model = await ports.models.load(source, modelId);
    const sessionRegex = ctx.detect?.sessionRegex ?? settings.sessionRegex;
    const options: DetectOptions = { ...ctx.detect, ...(sessionRegex && { sessionRegex }), runId };
    const ingestOptions = withIngestOptions(settings, ctx.ingest);
    const continuation = job.kind === 'continue-detection' ? job.continuation : 0;
    let detector: Detector;
    if (job.kind === 'continue-detection') {
      const text = await ports.objects.getText(job.checkpointKey);
      if (text === undefined) throw new ModelError(`the checkpoint ${job.checkpointKey} of run ${runId} is missing: upload ${key} again to start over`);
      detector = Detector.resume(model, options, JSON.parse(text));
    } else {
      detector = new Detector(model, options);
    }

    const reserve = ctx.reserveMs ?? DEFAULT_RESERVE_MS;
    const input = ports.objects.input(key, etag);
    let report = new IngestReport();
    while (detector.phase !== 'done') {
      report = new IngestReport();
      const phase = detector.phase;
      const completed = await feed(detector, input, report, ingestOptions, () => ctx.remainingMs() < reserve);
      if (input.transientFailure) throw input.transientFailure;
      if (!completed) {
        const next = continuation + 1;
        const checkpoint = checkpointKey(runId, next);
        await ports.objects.put(checkpoint, JSON.stringify(detector.checkpoint()), 'application/json');
        await ports.followUps.send([{
          kind: 'continue-detection', runId, location: ports.objects.location, key, etag, source, modelId, checkpointKey: checkpoint, continuation: next,
          ...(config.text !== undefined && { configText: config.text }),
        }]);
        await ports.results.noteContinuation(runId);
        return { status: 'CONTINUED', runId, continuation: next, phase, position: detector.position };
      }
      if (phase === 'observe') {
        if (report.records === 0) {
          const why = report.problems[0]?.message ?? `${key} holds no log records`;
          return fail(`nothing could be read from ${key}: ${why}. Upload the file again (JSON lines, text, or gz/zip/tar of them)`);
        }
        // A damaged or cut-off object: its last sessions would look anomalous only because they
        // were cut, so the run is not trusted. A clean re-upload gets a new ETag and a new run.
        const damage = report.problems.find((p) => p.kind === 'truncated' || p.kind === 'unreadable');
        if (damage) return fail(`${key} is damaged and was not analysed: ${damage.message.replace(/; (records|entries) before it were (kept|read)$/, '')}. Upload an intact copy again`);
        detector.startCollecting();
      } else {
        break;
      }
    }
    const result = detector.finish();
    const recorded = await recordDetection(ports.results, run, result, { finishedAt: ctx.now, report, explainQueue: ports.explainQueue });
    return { status: 'DONE', runId, counts: recorded.counts, explainGroups: recorded.explainGroups };
  } catch (error) {
    if (error instanceof LogsleuthError && !error.retryable) return fail(error.message);
    throw error;
  }
}

/**
 * Feeds one pass of the input to the detector, skipping the records a previous invocation already
 * consumed in this phase. Returns false when it stopped early for the deadline (at a batch boundary).
 */
async function feed(detector: Detector, input: SourceObject, report: IngestReport, options: IngestOptions, mustStop: () => boolean): Promise<boolean> {
  let skip = detector.position;
  const observe = detector.phase === 'observe';
  for await (let batch of ingest([input], options, report)) {
    if (skip > 0) {
      if (batch.length <= skip) {
        skip -= batch.length;
        continue;
      }
      batch = batch.slice(skip);
      skip = 0;
    }
    if (observe) detector.observe(batch);
    else detector.collect(batch);
    if (mustStop()) return false;
  }
  return true;
}
