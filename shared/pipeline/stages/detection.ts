/**
 * The detection stage: one uploaded object × its source's current model → a run with its anomalies,
 * their sessions, and one explain message per anomaly group. Same code for the detection Lambda and
 * the CLI; I/O only through ports, time only through `now` and `remainingMs`.
 *
 * Ordered conditional writes instead of transactions (see docs/data-model.md): run RUNNING
 * (create-if-absent, here) → {@link recordDetection} (sessions → anomalies → explain messages →
 * explainQueued → run DONE), the write sequence the CLI's embedded store shares. Every write is keyed
 * deterministically, so a redelivery that repeats any prefix of this sequence rewrites identical
 * items; the DONE/FAILED run makes later deliveries stop at the first step. While a run is
 * RUNNING, its lease (`RunWriter.takeLease`, taken right after the run is found RUNNING) lets one
 * invocation at a time work on it: a concurrent delivery of the same object gets `BUSY` and hands its
 * message back; a follow-up message takes the lease over from the invocation that sent it.
 */
import { LogsleuthError, ModelError } from '../../errors.ts';
import { canStartMidFile, ingest, type IngestOptions } from '../../ingest/ingest.ts';
import type { InputObject } from '../../ingest/input.ts';
import type { LogRecord } from '../../ingest/record.ts';
import { IngestReport } from '../../ingest/report.ts';
import type { Model } from '../../model/model.ts';
import type {
  ContinueDetectionMessage, ExplainMessage, JobQueue, ObjectStore, RunCounts, RunRecord, SourceObject,
} from '../../ports.ts';
import { Detector, type DetectOptions } from '../detector.ts';
import { checkpointBytes, checkpointLines, readCheckpoint } from './checkpoint-stream.ts';
import { checkpointKey, classifyKey, isLogObjectKey, LOGS_PREFIX, runIdFor, sourceConfigKey } from './layout.ts';
import type { CurrentModel, ModelStore } from '../../model/model-store.ts';
import { recordDetection, type RecordPorts } from './record.ts';
import { carryInto, LineStarts, reportBefore, type ResumePoint } from './resume-point.ts';
import { loadSourceConfig, parseSourceConfig, settingsOf, withIngestOptions, type LoadedSourceConfig } from './source-config.ts';
import { restoreSpilledSessions, saveSpilledSessions } from './spill-checkpoint.ts';

export { explainGroups, sessionsOf } from './record.ts';

/** `runs` and `findings` (from {@link RecordPorts}) take the run and its results. */
export interface DetectionPorts extends RecordPorts {
  objects: ObjectStore;
  models: ModelStore;
  explainQueue: JobQueue<ExplainMessage>;
  /** Where a follow-up goes when the deadline is near (the detection job queue). */
  followUps: JobQueue<ContinueDetectionMessage>;
}

/** A new object to check, or a run to continue. */
/** `retryOfRun`: the nightly job's retry of that run, found stuck; it is reopened once (RunWriter.reopenStuckRun). */
export type DetectionJob = { kind: 'object'; key: string; retryOfRun?: string } | ContinueDetectionMessage;

export interface DetectionContext {
  /** Epoch ms at the start of this invocation. */
  now: number;
  /** Milliseconds left before the caller must stop (a Lambda's remaining time); Infinity locally. */
  remainingMs: () => number;
  /** Stop and checkpoint when fewer than this many ms remain (default 20 000): enough to write the checkpoint. */
  reserveMs?: number;
  /** Follow-ups one run may take (default 50); a run that needs more ends FAILED, saying why. */
  maxContinuations?: number;
  /** On top of the source's `config/<source>.json` (these win where both say something). */
  detect?: Omit<DetectOptions, 'runId'>;
  /** On top of the source's `config/<source>.json`, key by key. */
  ingest?: IngestOptions;
  /**
   * Work on the run only while holding its lease (see {@link RunLease}): `owner` is unique to this
   * invocation and message. Without it (a caller that is alone on its store) no lease is taken.
   */
  lease?: { owner: string; marginMs?: number };
}

export type DetectionOutcome =
  | { status: 'DONE'; runId: string; counts: RunCounts; explainGroups: number }
  | { status: 'FAILED'; runId: string; reason: string }
  | { status: 'DUPLICATE'; runId: string; existing: RunRecord['status'] }
  /** Another invocation holds the run's lease: hand the message back, the queue delivers it again later. */
  | { status: 'BUSY'; runId: string }
  | {
    status: 'CONTINUED'; runId: string; continuation: number; phase: string; position: number;
    /** The byte the follow-up reads from (a ranged read); absent when it reads the object again from byte 0. */
    resumeFrom?: number;
  }
  | { status: 'IGNORED'; reason: string };

const DEFAULT_RESERVE_MS = 20_000;
const DEFAULT_MAX_CONTINUATIONS = 50;
/**
 * A lease lasts the invocation's whole budget plus this margin, so it never needs renewing while its
 * holder runs, and the margin covers the follow-up message's trip to the next invocation, which takes
 * the lease over. A crashed holder blocks the run for at most budget + margin; its message comes back
 * only after the queue's visibility timeout (6 × the function timeout), by which time the lease expired.
 */
const DEFAULT_LEASE_MARGIN_MS = 60_000;
/** A budget to lease for when the caller has no deadline (Infinity). */
const UNBOUNDED_LEASE_MS = 15 * 60_000;

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
  // Read once, first: callers (and tests) may count the calls to their deadline.
  const budgetMs = ctx.remainingMs();
  const target = classifyKey(key);
  if (target?.kind !== 'logs') return { status: 'IGNORED', reason: `${key} is not under ${LOGS_PREFIX}<source>/` };
  if (!isLogObjectKey(key)) return { status: 'IGNORED', reason: `${key} is not a log object (folder marker, checksum, digest or manifest)` };
  const { source } = target;

  let etag: string;
  let size: number;
  let modelId: string;
  let current: CurrentModel | undefined;
  let config: LoadedSourceConfig;
  if (job.kind === 'continue-detection') {
    ({ etag, modelId } = job);
    size = (await ports.objects.head(key))?.size ?? 0;
    config = parseSourceConfig(sourceConfigKey(source), job.configText);
  } else {
    const info = await ports.objects.head(key);
    if (!info) return { status: 'IGNORED', reason: `${key} no longer exists` };
    ({ etag, size } = info);
    current = await ports.models.current(source);
    modelId = current?.modelId ?? 'none';
    config = await loadSourceConfig(ports.objects, source);
  }
  // No model in the id (see runIdFor): a redelivery after a model roll finds the run it started. A
  // follow-up names its run (one sent before a change of the id rule still finds it).
  const runId = job.kind === 'continue-detection' ? job.runId : runIdFor(ports.objects.location, key, etag, config.tag);
  if (job.kind === 'object' && job.retryOfRun === runId) await ports.runs.reopenStuckRun(runId, ctx.now);
  const { run } = await ports.runs.startRun({ runId, source, input: { location: ports.objects.location, key, etag, size }, modelId, startedAt: ctx.now });
  if (run.status !== 'RUNNING') return { status: 'DUPLICATE', runId, existing: run.status };
  // A run continues with the model it started with, whatever model is current now.
  modelId = run.modelId;

  if (ctx.lease) {
    const expiresAt = ctx.now + (Number.isFinite(budgetMs) ? budgetMs : UNBOUNDED_LEASE_MS) + (ctx.lease.marginMs ?? DEFAULT_LEASE_MARGIN_MS);
    const handedOverBy = job.kind === 'continue-detection' ? job.leaseOwner : undefined;
    const lease = await ports.runs.takeLease(runId, { owner: ctx.lease.owner, expiresAt }, ctx.now, handedOverBy);
    if (!lease.taken) return lease.status === 'RUNNING' ? { status: 'BUSY', runId } : { status: 'DUPLICATE', runId, existing: lease.status };
  }

  const fail = async (reason: string): Promise<DetectionOutcome> => {
    await ports.runs.failRun(run, reason, ctx.now);
    return { status: 'FAILED', runId, reason };
  };
  if (!config.ok) return fail(config.error.message);
  if (modelId === 'none') return fail(`no model for source "${source}": upload a baseline to baseline/${source}/ first, then upload ${key} again`);
  // Checked against the current model's config when the run uses it; a run resumed with an older
  // model has the config its id names (checked when it started, before any work).
  if (job.kind === 'object' && current?.modelId === modelId && current.configTag !== config.tag) {
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
    let resumeAt: ResumePoint | undefined;
    if (job.kind === 'continue-detection') ({ detector, resumeAt } = await loadCheckpoint(ports.objects, job.checkpointKey, runId, key, model, options));
    else detector = new Detector(model, options);

    const reserve = ctx.reserveMs ?? DEFAULT_RESERVE_MS;
    const input = ports.objects.input(key, etag);
    let report = new IngestReport();
    const mustStop = () => ctx.remainingMs() < reserve;
    let observedHere = false;
    while (detector.phase !== 'done') {
      report = new IngestReport();
      const phase = detector.phase;
      const start = resumeAt?.phase === phase && resumeAt.position === detector.position ? resumeAt : undefined;
      resumeAt = undefined;
      // Between the passes too: pass 1 ending past the deadline leaves pass 2 to a follow-up. Only
      // after this invocation read some of pass 1, so every invocation makes progress.
      const pass: PassOutcome = phase === 'collect' && observedHere && mustStop()
        ? { completed: false }
        : await readPass(detector, input, size, start, report, ingestOptions, mustStop);
      if (phase === 'observe') observedHere = true;
      if (input.transientFailure) throw input.transientFailure;
      if (!pass.completed) {
        const next = continuation + 1;
        const max = ctx.maxContinuations ?? DEFAULT_MAX_CONTINUATIONS;
        if (next > max) {
          return fail(`${key} needs more than ${max} continuations of ${describeMs(budgetMs)} each (stopped in the ${phase} pass after record ${detector.position}): `
            + 'raise the detection Lambda\'s timeout or memory, or split the object into smaller ones and upload those');
        }
        const checkpoint = checkpointKey(runId, next);
        // Streamed line by line: the session counters of a big object are far too big for one string.
        const header: CheckpointHeader = { ...(pass.resume && { resume: pass.resume }) };
        if (options.spill) await saveSpilledSessions(ports.objects, runId, options.spill);
        await ports.objects.put(checkpoint, checkpointBytes(checkpointLines(header, detector.checkpoint())), 'application/x-ndjson');
        await ports.followUps.send([{
          kind: 'continue-detection', runId, location: ports.objects.location, key, etag, source, modelId, checkpointKey: checkpoint, continuation: next,
          ...(config.text !== undefined && { configText: config.text }),
          // The follow-up takes the lease over from us; it stays ours (blocking duplicates) until then.
          ...(ctx.lease && { leaseOwner: ctx.lease.owner }),
        }]);
        await ports.runs.noteContinuation(runId);
        return { status: 'CONTINUED', runId, continuation: next, phase, position: detector.position, ...(pass.resume && { resumeFrom: pass.resume.offset }) };
      }
      if (phase === 'observe') {
        // The detector's count, not the report's: a continuation's report covers only its own share.
        if (detector.position === 0) {
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
    const recorded = await recordDetection(ports, run, result, { finishedAt: ctx.now, report, explainQueue: ports.explainQueue });
    return { status: 'DONE', runId, counts: recorded.counts, explainGroups: recorded.explainGroups };
  } catch (error) {
    if (error instanceof LogsleuthError && !error.retryable) return fail(error.message);
    throw error;
  }
}

/** What the stage writes on a checkpoint's first line, next to the detector's state. */
interface CheckpointHeader {
  /** Where the follow-up reads from; absent: from byte 0, skipping the records consumed before. */
  resume?: ResumePoint;
}

/** The detector and the reading point a continuation starts from, streamed from its checkpoint. */
async function loadCheckpoint(objects: ObjectStore, checkpoint: string, runId: string, key: string, model: Model, options: DetectOptions) {
  if (!(await objects.head(checkpoint))) throw new ModelError(`the checkpoint ${checkpoint} of run ${runId} is missing: upload ${key} again to start over`);
  const { header, state } = await readCheckpoint<CheckpointHeader>(await objects.input(checkpoint).open(), checkpoint);
  if (options.spill) await restoreSpilledSessions(objects, runId, options.spill, state);
  return { detector: Detector.resume(model, options, state), resumeAt: header.resume };
}

/** `90 000` → `90 seconds`; from two minutes on in minutes. */
function describeMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'unlimited time';
  return ms < 120_000 ? `${Math.round(ms / 1000)} seconds` : `${Math.round(ms / 6000) / 10} minutes`;
}

/** How a pass ended: complete, or stopped for the deadline (with where the next invocation can read from). */
interface PassOutcome {
  completed: boolean;
  resume?: ResumePoint;
}

/**
 * Feeds one pass of the input to the detector: from `start` with a ranged read when there is one
 * (and the store reads ranges), else from byte 0, skipping the records a previous invocation already
 * consumed in this phase. Stops early for the deadline at a batch boundary.
 */
async function readPass(
  detector: Detector, input: SourceObject, size: number, start: ResumePoint | undefined, report: IngestReport, options: IngestOptions, mustStop: () => boolean,
): Promise<PassOutcome> {
  const ranged = start !== undefined && input.openFrom !== undefined ? start : undefined;
  if (ranged) {
    carryInto(report, ranged.report);
    // The previous invocation stopped after the last event: nothing is left (S3 refuses a range past the end).
    if (ranged.offset >= size) return { completed: true };
  }
  const lines = new LineStarts(ranged);
  const tapped: InputObject = {
    name: input.name,
    open: async () => {
      const stream = ranged ? await input.openFrom!(ranged.offset) : await input.open();
      // Read after opening: the adapter learns it from the response that opens the body.
      if (input.modified !== undefined) tapped.modified = input.modified;
      return lines.tap(stream);
    },
  };
  const observe = detector.phase === 'observe';
  // Pass 2 parses only the lines the kept anomalies' contexts need (the rest are split, not parsed);
  // its position counts those, so a re-read from byte 0 skips the same selected records.
  const passOptions = {
    ...options,
    ...(ranged && { startAt: { line: ranged.line, format: ranged.format } }),
    ...(!observe && { select: detector.select }),
  };
  let skip = ranged ? 0 : detector.position;
  const batches = ingest([tapped], passOptions, report)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await batches.next();
      if (step.done) return { completed: true };
      let batch = step.value;
      if (skip > 0) {
        if (batch.length <= skip) {
          skip -= batch.length;
          lines.release(batch[batch.length - 1]!.line);
          continue;
        }
        batch = batch.slice(skip);
        skip = 0;
      }
      if (observe) detector.observe(batch);
      else detector.collect(batch);
      const last = batch[batch.length - 1]!;
      lines.release(last.line);
      if (mustStop()) {
        // The next batch's first record is the first event not consumed: read on to see where it
        // starts (the next invocation reads that batch again).
        const ahead = await batches.next();
        if (ahead.done) return { completed: true };
        const resume = resumePoint(detector, lines, report, ranged, last, ahead.value[0]!);
        return { completed: false, ...(resume && { resume }) };
      }
    }
  } finally {
    await batches.return?.(undefined);
  }
}

/**
 * Where the next invocation can start reading: the first line of `next` (the first record not
 * consumed), when the object is plain, read in a format that can start mid-file, and that line is
 * still known. Otherwise undefined: read again from byte 0.
 */
function resumePoint(detector: Detector, lines: LineStarts, report: IngestReport, ranged: ResumePoint | undefined, last: LogRecord, next: LogRecord): ResumePoint | undefined {
  // Two records from one line (a JSON line holding a batch) have no line boundary between them.
  if (next.line <= last.line) return undefined;
  const format = ranged?.format ?? (report.formats.size === 1 ? [...report.formats.keys()][0] : undefined);
  if (format === undefined || !canStartMidFile(format) || !(ranged || lines.plain)) return undefined;
  const offset = lines.offsetOf(next.line);
  if (offset === undefined) return undefined;
  return {
    phase: detector.phase === 'observe' ? 'observe' : 'collect', offset, line: next.line - 1, format, position: detector.position,
    report: reportBefore(report, next.line),
  };
}
