/**
 * The training stage: every object under `baseline/<source>/` → one model for `<source>`, stored
 * as an artifact with a `current` pointer and recorded in the result store. Same code for the
 * training Lambda and the CLI; I/O only through ports.
 */
import { UserInputError } from '../../errors.ts';
import { ingest, type IngestOptions } from '../../ingest/ingest.ts';
import { IngestReport } from '../../ingest/report.ts';
import type { ModelRegistry, ObjectStore, SourceObject } from '../../ports.ts';
import { trainModel, type TrainOptions } from '../train.ts';
import { BASELINE_PREFIX, classifyKey, isLogObjectKey } from './layout.ts';
import { recordPointer } from './model-history.ts';
import type { ModelStore } from '../../model/model-store.ts';
import { loadSourceConfig, settingsOf, withIngestOptions } from './source-config.ts';
import { supersededBy } from './training-debounce.ts';

export interface TrainingPorts {
  objects: ObjectStore;
  models: ModelStore;
  /** Where the trained model is recorded (ModelStore keeps the artifact itself). */
  modelRegistry: ModelRegistry;
}

export interface TrainingJob {
  /** The uploaded baseline key (already URL-decoded). Only its source matters: all of the source's baseline objects are used. */
  key: string;
  /** Epoch ms, recorded as the model's training time. */
  now: number;
  /** On top of the source's `config/<source>.json` (these win where both say something). */
  train?: TrainOptions;
  /** On top of the source's `config/<source>.json`, key by key. */
  ingest?: IngestOptions;
  /**
   * Drop the job when a newer baseline object of the source exists (its own job trains on
   * everything; see training-debounce.ts). The training Lambda sets it; default false.
   */
  debounce?: boolean;
}

export type TrainingOutcome =
  | { status: 'TRAINED'; source: string; modelId: string; artifactKey: string; records: number; objects: number; problems: string[] }
  | { status: 'UNCHANGED'; source: string; modelId: string }
  /** Debounced: `newer` was uploaded after this job's object, and its own job trains. */
  | { status: 'SUPERSEDED'; source: string; newer: string }
  | { status: 'IGNORED'; reason: string };

/**
 * Trains `<source>`'s model from all its baseline objects (sorted by key, so the same objects give
 * the same model id), read as `config/<source>.json` says. Writes in order artifact → model record
 * → `current` pointer, so readers never see a pointer to something missing.
 *
 * Idempotent: when `current` was trained from exactly these objects (keys and ETags) with the same
 * config (its tag, kept on the pointer), nothing is done; a changed config retrains on the next
 * baseline event. Objects that are clearly not logs ({@link isLogObjectKey}) are left out.
 * Throws `UserInputError` (permanent) when the config is invalid (a `SourceConfigError` naming the
 * file and every problem) or the objects hold no readable record; rethrows a transient read failure
 * so the queue retries.
 */
export async function runTraining(ports: TrainingPorts, job: TrainingJob): Promise<TrainingOutcome> {
  const target = classifyKey(job.key);
  if (target?.kind !== 'baseline') return { status: 'IGNORED', reason: `${job.key} is not under ${BASELINE_PREFIX}<source>/` };
  if (!isLogObjectKey(job.key)) return { status: 'IGNORED', reason: `${job.key} is not a log object (folder marker, checksum, digest or manifest)` };
  const { source } = target;
  const objects = (await ports.objects.list(`${BASELINE_PREFIX}${source}/`)).filter((o) => o.size > 0 && isLogObjectKey(o.key));
  if (objects.length === 0) return { status: 'IGNORED', reason: `no baseline objects left under ${BASELINE_PREFIX}${source}/` };
  const newer = job.debounce ? supersededBy(objects, job.key) : undefined;
  if (newer) return { status: 'SUPERSEDED', source, newer: newer.key };
  const trainedFrom = objects.map((o) => ({ key: o.key, etag: o.etag }));

  const config = await loadSourceConfig(ports.objects, source);
  const settings = settingsOf(config);
  const current = await ports.models.current(source);
  if (current && sameObjects(current.trainedFrom, trainedFrom) && current.configTag === config.tag) return { status: 'UNCHANGED', source, modelId: current.modelId };

  const report = new IngestReport();
  const inputs: SourceObject[] = objects.map((o) => ports.objects.input(o.key));
  const sessionRegex = job.train?.sessionRegex ?? settings.sessionRegex;
  const model = await trainModel(ingest(inputs, withIngestOptions(settings, job.ingest), report), { ...job.train, ...(sessionRegex && { sessionRegex }) });
  const failure = inputs.find((i) => i.transientFailure)?.transientFailure;
  if (failure) throw failure;
  if (report.records === 0) {
    const why = report.problems[0]?.message ?? 'the objects hold no log records';
    throw new UserInputError(`no baseline for "${source}" could be trained: ${why}. Upload readable logs (JSON lines, text, gz/zip/tar) to ${BASELINE_PREFIX}${source}/`);
  }

  const artifactKey = await ports.models.save(source, model);
  await ports.modelRegistry.recordModel({
    source, modelId: model.id, trainedAt: job.now, artifactKey, trainedFrom,
    records: model.training.records, sessions: model.training.sessions, templates: model.vocabulary.length,
  });
  const pointer = { modelId: model.id, artifactKey, trainedAt: job.now, trainedFrom, ...(config.tag !== undefined && { configTag: config.tag }) };
  await ports.models.setCurrent(source, pointer);
  // Kept by time, so the nightly job can rebuild a past day with the model current then.
  await recordPointer(ports.objects, source, pointer, job.now);
  return {
    status: 'TRAINED', source, modelId: model.id, artifactKey, records: model.training.records, objects: objects.length,
    problems: report.problems.slice(0, 5).map((p) => p.message),
  };
}

function sameObjects(a: { key: string; etag: string }[] | undefined, b: { key: string; etag: string }[]): boolean {
  return a !== undefined && a.length === b.length && a.every((o, i) => o.key === b[i]!.key && o.etag === b[i]!.etag);
}
