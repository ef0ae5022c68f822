/**
 * The model artifact: everything detection needs from training, as one versioned JSON document.
 * Its id is a hash of its content, so the same training input gives the same model id.
 */
import { z } from 'zod';
import { Baseline } from '../baseline/baseline.ts';
import { ModelError } from '../errors.ts';
import { ForestModel } from '../forest/index.ts';
import { stableId } from '../hash.ts';
import { TemplateMiner } from '../templates/index.ts';

export const MODEL_FORMAT = 'logsleuth-model';
export const MODEL_VERSION = 2;

export interface Model {
  id: string;
  seed: number;
  miner: TemplateMiner;
  baseline: Baseline;
  /** Template ids in the order of the session vectors' columns. */
  vocabulary: string[];
  /** Isolation Forest over template statistics; absent when the baseline has too few templates. */
  templateForest?: ForestModel;
  /** The forest's score of each template's own baseline vector. */
  baselineTemplateScores: Record<string, number>;
  /** Isolation Forest over per-session template-count vectors; absent without enough sessions. */
  sessionForest?: ForestModel;
  /** Template mixes common in baseline sessions (sparse `column:count` keys), with how many had them (see detect/session-outliers.ts). */
  commonSessionMixes: Record<string, number>;
  /** Session scores above this are outliers; the calibrated threshold (at most 0.1 % of held-out baseline sessions above it); columns baseline sessions used. */
  sessionGate: { threshold: number; calibratedThreshold: number; seenColumns: number[]; maxCounts: number[] };
  training: { records: number; sessions: number; sources: string[] };
}

const modelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  id: z.string(),
  seed: z.number(),
  miner: z.unknown(),
  baseline: z.unknown(),
  vocabulary: z.array(z.string()),
  templateForest: z.unknown().optional(),
  baselineTemplateScores: z.record(z.string(), z.number()),
  sessionForest: z.unknown().optional(),
  commonSessionMixes: z.record(z.string(), z.number()),
  // JSON has no Infinity: a model without a session forest stores null.
  sessionGate: z.object({ threshold: z.number().nullable(), calibratedThreshold: z.number().nullable(), seenColumns: z.array(z.number()), maxCounts: z.array(z.number()) }),
  training: z.object({ records: z.number(), sessions: z.number(), sources: z.array(z.string()) }),
});

/** Serialises a model (without its id, which is the hash of this content). */
function body(model: Omit<Model, 'id'>) {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    seed: model.seed,
    miner: model.miner.toJSON(),
    baseline: model.baseline.toJSON(),
    vocabulary: model.vocabulary,
    ...(model.templateForest && { templateForest: model.templateForest.toJSON() }),
    baselineTemplateScores: model.baselineTemplateScores,
    ...(model.sessionForest && { sessionForest: model.sessionForest.toJSON() }),
    commonSessionMixes: model.commonSessionMixes,
    sessionGate: {
      threshold: finiteOrNull(model.sessionGate.threshold),
      calibratedThreshold: finiteOrNull(model.sessionGate.calibratedThreshold),
      seenColumns: model.sessionGate.seenColumns,
      maxCounts: model.sessionGate.maxCounts,
    },
    training: model.training,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Gives a freshly trained model its content-derived id. */
export function sealModel(model: Omit<Model, 'id'>): Model {
  return { ...model, id: stableId('m', JSON.stringify(body(model))) };
}

export function modelToJSON(model: Model): object {
  const { format, version, ...rest } = body(model);
  return { format, version, id: model.id, ...rest };
}

/** Loads a model from parsed JSON; a person-readable ModelError when it is not one. */
export function modelFromJSON(json: unknown): Model {
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const version = (json as { version?: unknown } | null)?.version;
    if ((json as { format?: unknown } | null)?.format === MODEL_FORMAT && version !== MODEL_VERSION) {
      throw new ModelError(`model format version ${String(version)} is not supported (this logsleuth reads version ${MODEL_VERSION}): train the model again`);
    }
    throw new ModelError(`not a logsleuth model: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const data = parsed.data;
  try {
    return {
      id: data.id,
      seed: data.seed,
      miner: TemplateMiner.fromJSON(data.miner),
      baseline: Baseline.fromJSON(data.baseline),
      vocabulary: data.vocabulary,
      ...(data.templateForest !== undefined && { templateForest: ForestModel.fromJSON(data.templateForest) }),
      baselineTemplateScores: data.baselineTemplateScores,
      ...(data.sessionForest !== undefined && { sessionForest: ForestModel.fromJSON(data.sessionForest) }),
      commonSessionMixes: data.commonSessionMixes,
      sessionGate: {
        threshold: data.sessionGate.threshold ?? Number.POSITIVE_INFINITY,
        calibratedThreshold: data.sessionGate.calibratedThreshold ?? Number.POSITIVE_INFINITY,
        seenColumns: data.sessionGate.seenColumns,
        maxCounts: data.sessionGate.maxCounts,
      },
      training: data.training,
    };
  } catch (error) {
    throw new ModelError(`model ${data.id} is damaged: ${(error as Error).message}`);
  }
}
