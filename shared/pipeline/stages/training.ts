/**
 * The training stage: every object under `baseline/<source>/` → one model for `<source>`, stored
 * as an artifact with a `current` pointer and recorded in the result store. Same code for the
 * training Lambda and the CLI; I/O only through ports.
 */
import { UserInputError } from '../../errors.ts';
import { ingest, type IngestOptions } from '../../ingest/ingest.ts';
import { IngestReport } from '../../ingest/report.ts';
import type { ObjectStore, ResultStore, SourceObject } from '../../ports.ts';
import { trainModel, type TrainOptions } from '../train.ts';
import { BASELINE_PREFIX, classifyKey } from './layout.ts';
import type { ModelStore } from './model-store.ts';

export interface TrainingPorts {
  objects: ObjectStore;
  models: ModelStore;
  results: ResultStore;
}

export interface TrainingJob {
  /** The uploaded baseline key (already URL-decoded). Only its source matters: all of the source's baseline objects are used. */
  key: string;
  /** Epoch ms, recorded as the model's training time. */
  now: number;
  train?: TrainOptions;
  ingest?: IngestOptions;
}

export type TrainingOutcome =
  | { status: 'TRAINED'; source: string; modelId: string; artifactKey: string; records: number; objects: number; problems: string[] }
  | { status: 'UNCHANGED'; source: string; modelId: string }
  | { status: 'IGNORED'; reason: string };

/**
 * Trains `<source>`'s model from all its baseline objects (sorted by key, so the same objects give
 * the same model id). Writes in order artifact → model record → `current` pointer, so readers never
 * see a pointer to something missing.
 *
 * Idempotent: when `current` was trained from exactly these objects (keys and ETags), nothing is done.
 * Throws `UserInputError` (permanent) when the objects hold no readable record; rethrows a
 * transient read failure so the queue retries.
 */
export async function runTraining(ports: TrainingPorts, job: TrainingJob): Promise<TrainingOutcome> {
  const target = classifyKey(job.key);
  if (target?.kind !== 'baseline') return { status: 'IGNORED', reason: `${job.key} is not under ${BASELINE_PREFIX}<source>/` };
  const { source } = target;
  const objects = (await ports.objects.list(`${BASELINE_PREFIX}${source}/`)).filter((o) => o.size > 0);
  if (objects.length === 0) return { status: 'IGNORED', reason: `no baseline objects left under ${BASELINE_PREFIX}${source}/` };
  const trainedFrom = objects.map((o) => ({ key: o.key, etag: o.etag }));

  const current = await ports.models.current(source);
  if (current && sameObjects(current.trainedFrom, trainedFrom)) return { status: 'UNCHANGED', source, modelId: current.modelId };

  const report = new IngestReport();
  const inputs: SourceObject[] = objects.map((o) => ports.objects.input(o.key));
  const model = await trainModel(ingest(inputs, job.ingest ?? {}, report), job.train ?? {});
  const failure = inputs.find((i) => i.transientFailure)?.transientFailure;
  if (failure) throw failure;
  if (report.records === 0) {
    const why = report.problems[0]?.message ?? 'the objects hold no log records';
    throw new UserInputError(`no baseline for "${source}" could be trained: ${why}. Upload readable logs (JSON lines, text, gz/zip/tar) to ${BASELINE_PREFIX}${source}/`);
  }

  const artifactKey = await ports.models.save(source, model);
  await ports.results.recordModel({
    source, modelId: model.id, trainedAt: job.now, artifactKey, trainedFrom,
    records: model.training.records, sessions: model.training.sessions, templates: model.vocabulary.length,
  });
  await ports.models.setCurrent(source, { modelId: model.id, artifactKey, trainedAt: job.now, trainedFrom });
  return {
    status: 'TRAINED', source, modelId: model.id, artifactKey, records: model.training.records, objects: objects.length,
    problems: report.problems.slice(0, 5).map((p) => p.message),
  };
}

function sameObjects(a: { key: string; etag: string }[] | undefined, b: { key: string; etag: string }[]): boolean {
  return a !== undefined && a.length === b.length && a.every((o, i) => o.key === b[i]!.key && o.etag === b[i]!.etag);
}
